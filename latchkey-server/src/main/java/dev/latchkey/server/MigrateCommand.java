package dev.latchkey.server;

import dev.latchkey.server.config.ConfigException;
import dev.latchkey.server.config.DatabaseUrl;
import dev.latchkey.server.store.jdbc.DatabaseCopy;
import dev.latchkey.server.store.jdbc.JdbcStores;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code latchkey migrate --from <sqlite path or URL> --to <postgresql URL>}: copies a whole deployment (project,
 * users, emails, passwords, sessions, signing keys and any other table) into another database, with a progress bar
 * on stderr. Stop the nodes writing to the source first; sessions, keys and secrets carry over, so clients and
 * their tokens keep working against the new database.
 */
@Command(name = "migrate", mixinStandardHelpOptions = true,
    description = "Copy every table of a Latchkey database into another one, e.g. from the SQLite file to "
        + "PostgreSQL. Stop the servers on the source first. The copy is one transaction: all or nothing.")
final class MigrateCommand implements Callable<Integer> {
  /** Generous: a copy waits on nothing but its own statements. */
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final int BAR_WIDTH = 30;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--from", required = true, paramLabel = "<path or URL>",
      description = "The source: a SQLite file path, sqlite:<path>, or a database URL as in LATCHKEY_DATABASE_URL.")
  String from;

  @Option(names = "--to", required = true, paramLabel = "<URL>",
      description = "The target, e.g. postgresql://user:password@host:5432/latchkey; it must be empty.")
  String to;

  @Option(names = "--replace", description = "Delete everything in a non-empty target before copying.")
  boolean replace;

  @Override
  public Integer call() {
    String source = jdbc("--from", from);
    String target = jdbc("--to", to);
    if (Main.isMissingSqliteFile(source)) {
      throw new ConfigException("--from " + from + ": there is no such SQLite file");
    }
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter out = spec.commandLine().getOut();
    try (JdbcStores sourceStores = JdbcStores.openAsTool(source, TIMEOUT, 2);
        JdbcStores targetStores = JdbcStores.openAsTool(target, TIMEOUT, 2)) {
      Map<String, Long> copied;
      try {
        copied = DatabaseCopy.copy(sourceStores, targetStores, replace, (table, done, total) -> {
          err.print("\r" + bar(done, total) + " " + table + "        ");
          err.flush();
        });
      } catch (DatabaseCopy.TargetNotEmptyException e) {
        throw new ConfigException(e.getMessage());
      }
      err.println();
      long rows = copied.values().stream().mapToLong(Long::longValue).sum();
      out.println("Copied " + rows + " rows from " + DatabaseUrl.redact(source) + " to " + DatabaseUrl.redact(target)
          + ":");
      copied.forEach((table, n) -> out.println("  " + table + ": " + n));
      out.flush();
    }
    return 0;
  }

  static String bar(long done, long total) {
    int percent = total == 0 ? 100 : (int) (done * 100 / total);
    int filled = percent * BAR_WIDTH / 100;
    return "[" + "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled) + "] " + String.format("%3d%%", percent) + " "
        + done + "/" + total + " rows";
  }

  private static String jdbc(String option, String value) {
    try {
      return DatabaseUrl.toJdbc(value, true);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(option + " " + e.getMessage());
    }
  }
}
