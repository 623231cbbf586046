package dev.latchkey.server.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The real PostgreSQL server that {@code bin/test} starts (bin/test-postgres.sh) and names in
 * {@code LATCHKEY_TEST_POSTGRES_URL}. Each caller gets a fresh database of its own, dropped on close.
 *
 * <p>Without the URL the PostgreSQL tests fail when {@code CI=true} or {@code LATCHKEY_TEST_POSTGRES_REQUIRED=true}
 * (bin/test sets it), so a broken set-up can never pass as "skipped"; a developer running one test from the IDE
 * without a PostgreSQL sees them skipped instead.
 *
 * <pre>{@code
 * try (TestPostgres.Database db = TestPostgres.createDatabase()) {
 *   Stores stores = JdbcStores.open(db.url(), Duration.ofSeconds(5));
 * }
 * }</pre>
 */
public final class TestPostgres {
  public static final String URL_VARIABLE = "LATCHKEY_TEST_POSTGRES_URL";
  public static final String CTL_VARIABLE = "LATCHKEY_TEST_POSTGRES_CTL";
  private static final Pattern URL = Pattern.compile("(jdbc:postgresql://[^/?]+/)([^?]*)(\\?.*)?");
  /** pg_ctl -w waits for the server itself (bounded by -t 60 in the script); this bounds the script. */
  private static final long CTL_LIMIT_SECONDS = 90;

  private TestPostgres() {}

  /** A database (or a schema) of its own on the test server; {@link #close()} drops it. */
  public record Database(String name, String url, String dropSql) implements AutoCloseable {
    @Override
    public void close() {
      admin(dropSql);
    }
  }

  /** The URL of the server's maintenance database; skips or fails the test when there is none (see above). */
  public static String adminUrl() {
    String url = System.getenv(URL_VARIABLE);
    if (url == null || url.isBlank()) {
      String why = URL_VARIABLE + " is not set: run the tests with bin/test, which starts a PostgreSQL";
      if ("true".equals(System.getenv("CI")) || "true".equals(System.getenv("LATCHKEY_TEST_POSTGRES_REQUIRED"))) {
        Assertions.fail(why);
      }
      Assumptions.abort(why);
    }
    return url;
  }

  /** A new, empty database: for tests of whole nodes, whose channels and advisory locks are per database. */
  public static Database createDatabase() {
    String name = "latchkey_test_" + UUID.randomUUID().toString().replace("-", "");
    admin("CREATE DATABASE " + name);
    Matcher m = URL.matcher(adminUrl());
    if (!m.matches()) {
      throw new IllegalStateException(URL_VARIABLE + " is not a jdbc:postgresql://host:port/db URL");
    }
    return new Database(name, m.group(1) + name + (m.group(3) == null ? "" : m.group(3)),
        "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  }

  /**
   * A new, empty schema in the maintenance database, used as the connection's current schema: an empty Latchkey
   * database for store tests, made in milliseconds where CREATE DATABASE copies a template and syncs it.
   */
  public static Database createSchema() {
    String name = "latchkey_test_" + UUID.randomUUID().toString().replace("-", "");
    admin("CREATE SCHEMA " + name);
    String url = adminUrl();
    return new Database(name, url + (url.contains("?") ? "&" : "?") + "currentSchema=" + name,
        "DROP SCHEMA IF EXISTS " + name + " CASCADE");
  }

  /** Stops the server as an operator would ({@code pg_ctl stop -m fast}: open connections are cut). */
  public static void stopServer() {
    ctl("stop", "-m", "fast");
  }

  /** Starts the server again and waits until it accepts connections. */
  public static void startServer() {
    ctl("start");
  }

  private static void ctl(String... args) {
    String script = System.getenv(CTL_VARIABLE);
    if (script == null || script.isBlank()) {
      Assertions.fail(CTL_VARIABLE + " is not set: run the tests with bin/test");
    }
    String[] command = new String[args.length + 1];
    command[0] = script;
    System.arraycopy(args, 0, command, 1, args.length);
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      boolean done = p.waitFor(CTL_LIMIT_SECONDS, TimeUnit.SECONDS);
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!done || p.exitValue() != 0) {
        throw new IllegalStateException("pg_ctl " + String.join(" ", args) + " failed: " + output);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + script, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void admin(String sql) {
    try (Connection c = DriverManager.getConnection(adminUrl()); Statement st = c.createStatement()) {
      st.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }
}
