package dev.latchkey.server;

import dev.latchkey.server.config.ConfigException;
import dev.latchkey.server.config.DatabaseUrl;
import dev.latchkey.server.config.Settings;
import dev.latchkey.server.crypto.Ids;
import dev.latchkey.server.store.ProjectRecord;
import dev.latchkey.server.store.jdbc.JdbcStores;
import dev.latchkey.server.user.UserService;
import java.time.Clock;

/**
 * The configured database, opened for an operator command ({@code users}, {@code sessions}, {@code export}) the way
 * {@code serve} opens it, with the same settings. Writes go through the same stores as the API's, so each revoke and
 * user deletion gets its event in the same transaction, and running nodes hear of it (PostgreSQL: NOTIFY; SQLite:
 * the event reader's backstop read, within about two seconds).
 */
final class OperatorDatabase implements AutoCloseable {
  final JdbcStores stores;
  final ProjectRecord project;
  final UserService users;
  final Clock clock = Clock.systemUTC();

  private OperatorDatabase(JdbcStores stores, ProjectRecord project) {
    this.stores = stores;
    this.project = project;
    this.users = new UserService(stores.users(), Ids.forProject(project.projectId()), clock);
  }

  /** Refuses a SQLite file that does not exist (opening it would create one) and a database without a project. */
  static OperatorDatabase open(Settings settings) {
    ConfigException noProject = new ConfigException("There is no project in "
        + DatabaseUrl.redact(settings.databaseUrl()) + " yet: run 'latchkey serve' once first");
    if (Main.isMissingSqliteFile(settings.databaseUrl())) {
      throw noProject;
    }
    JdbcStores stores = JdbcStores.openAsTool(settings.databaseUrl(), settings.databaseTimeout(), 2);
    try {
      return new OperatorDatabase(stores, stores.project().get().orElseThrow(() -> noProject));
    } catch (RuntimeException e) {
      stores.close();
      throw e;
    }
  }

  @Override
  public void close() {
    stores.close();
  }
}
