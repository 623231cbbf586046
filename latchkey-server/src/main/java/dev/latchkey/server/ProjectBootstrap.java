package dev.latchkey.server;

import dev.latchkey.server.config.ConfigException;
import dev.latchkey.server.config.DatabaseUrl;
import dev.latchkey.server.config.Settings;
import dev.latchkey.server.crypto.Ids;
import dev.latchkey.server.crypto.Secrets;
import dev.latchkey.server.store.ProjectStore;
import dev.latchkey.server.store.ProjectRecord;
import java.time.Clock;
import java.util.Optional;

/**
 * The project a deployment serves. On a fresh database it takes {@code LATCHKEY_PROJECT_ID}, {@code LATCHKEY_SECRET}
 * and {@code LATCHKEY_PUBLIC_TOKEN} when given and generates the rest; later starts reuse what is stored, except that
 * a secret or public token set in the environment replaces the stored one.
 */
final class ProjectBootstrap {
  private ProjectBootstrap() {}

  /** The project, and the generated secret when this start created it (to show once; it is stored hashed). */
  record Result(ProjectRecord project, boolean created, Optional<String> generatedSecret) {
    @Override
    public String toString() {
      return "Result[project=" + project.projectId() + ", created=" + created + "]";
    }
  }

  static Result resolve(Settings s, ProjectStore store, Clock clock) {
    Optional<ProjectRecord> existing = store.get();
    if (existing.isEmpty()) {
      String projectId = s.projectId() != null ? s.projectId() : Ids.newProjectId();
      String secret = s.secret() != null ? s.secret() : Ids.newSecret(projectId);
      String publicToken = s.publicToken() != null ? s.publicToken() : Ids.newPublicToken(projectId);
      ProjectRecord wanted = new ProjectRecord(projectId, Secrets.sha256(secret), publicToken, clock.instant());
      ProjectRecord stored = store.createIfAbsent(wanted);
      boolean created = stored.projectId().equals(projectId) && stored.secretHash().equals(wanted.secretHash());
      if (created) {
        return new Result(stored, true, s.secret() == null ? Optional.of(secret) : Optional.empty());
      }
      existing = Optional.of(stored);
    }
    ProjectRecord p = existing.get();
    if (s.projectId() != null && !s.projectId().equals(p.projectId())) {
      throw new ConfigException("LATCHKEY_PROJECT_ID=" + s.projectId() + " but the database at "
          + DatabaseUrl.redact(s.databaseUrl()) + " belongs to " + p.projectId()
          + ": unset LATCHKEY_PROJECT_ID or point LATCHKEY_DATA_DIR / LATCHKEY_DATABASE_URL at that project's "
          + "database");
    }
    String secretHash = s.secret() != null ? Secrets.sha256(s.secret()) : p.secretHash();
    String publicToken = s.publicToken() != null ? s.publicToken() : p.publicToken();
    if (!secretHash.equals(p.secretHash()) || !publicToken.equals(p.publicToken())) {
      p = new ProjectRecord(p.projectId(), secretHash, publicToken, p.createdAt());
      store.update(p);
    }
    return new Result(p, false, Optional.empty());
  }
}
