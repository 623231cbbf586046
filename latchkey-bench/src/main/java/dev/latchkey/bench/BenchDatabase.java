package dev.latchkey.bench;

import dev.latchkey.server.store.jdbc.JdbcStores;
import dev.latchkey.model.Attributes;
import dev.latchkey.model.AuthenticationFactor;
import dev.latchkey.model.User;
import dev.latchkey.server.crypto.CryptoProviders;
import dev.latchkey.server.crypto.Ids;
import dev.latchkey.server.crypto.KeyEncryption;
import dev.latchkey.server.keys.KeyRing;
import dev.latchkey.server.crypto.Secrets;
import dev.latchkey.server.session.SessionJwts;
import dev.latchkey.server.store.SessionRecord;
import dev.latchkey.server.store.UserRecord;
import dev.latchkey.server.store.Stores;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The server's real storage and signing parts over a temporary SQLite file, as the benchmarks use them: the same
 * {@link Stores}, {@link KeyRing} and {@link SessionJwts} that {@code LatchkeyServer} wires, nothing simulated.
 * {@link #close()} deletes the file. {@link #at(String)} opens another database (PostgreSQL) instead; its users and
 * sessions are deleted before and after use, so it must be a database kept for benchmarks.
 */
final class BenchDatabase implements AutoCloseable {
  static final String PROJECT_ID = "project-test-00000000-0000-4000-8000-000000000000";
  /** As in production: a request waits at most this long for a connection. */
  private static final Duration DB_TIMEOUT = Duration.ofSeconds(10);
  /** Key retention as the server's default order of magnitude; irrelevant to the measurements. */
  private static final Duration KEY_RETENTION = Duration.ofDays(30);

  /** The temporary directory of a SQLite database; null for a shared database at {@link #url}. */
  final Path dir;
  private final String url;
  final Stores stores;
  final KeyRing keys;
  final SessionJwts jwts;
  final Ids ids = Ids.forProject(PROJECT_ID);

  /**
   * Where the {@code store=postgresql} benchmarks find their database's JDBC URL: this system property (what
   * {@code bin/bench --database-url} passes to JMH's forks), else the environment variable {@value #POSTGRES_URL_ENV}.
   */
  static final String POSTGRES_URL_PROPERTY = "latchkey.bench.postgresUrl";
  static final String POSTGRES_URL_ENV = "LATCHKEY_BENCH_POSTGRES_URL";

  BenchDatabase() {
    this(null);
  }

  /** {@code "sqlite"} (a temporary file) or {@code "postgresql"} (the database {@value #POSTGRES_URL_ENV} names). */
  static BenchDatabase of(String store) {
    return switch (store) {
      case "sqlite" -> new BenchDatabase();
      case "postgresql" -> {
        String url = System.getProperty(POSTGRES_URL_PROPERTY, System.getenv(POSTGRES_URL_ENV));
        if (url == null || url.isBlank()) {
          throw new IllegalStateException("store=postgresql needs " + POSTGRES_URL_ENV
              + "=jdbc:postgresql://host:port/db?user=...&password=... (a database kept for benchmarks)");
        }
        yield new BenchDatabase(url);
      }
      default -> throw new IllegalArgumentException("store must be sqlite or postgresql, was " + store);
    };
  }

  private BenchDatabase(String jdbcUrl) {
    this.url = jdbcUrl;
    if (jdbcUrl == null) {
      try {
        this.dir = Files.createTempDirectory("latchkey-bench-");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      this.stores = JdbcStores.open("jdbc:sqlite:" + dir.resolve("latchkey.db"), DB_TIMEOUT);
    } else {
      this.dir = null;
      this.stores = JdbcStores.open(jdbcUrl, DB_TIMEOUT);
      deleteUsersAndSessions();
    }
    this.keys = new KeyRing(stores.keys(), new KeyEncryption(null), ids, Clock.systemUTC(), KEY_RETENTION);
    keys.start();
    // Signs with the provider the server chooses by default (LATCHKEY_CRYPTO_PROVIDER=auto), so that JWT mint
    // rates here are "the signing rate of the chosen provider" an authenticate that mints is compared with.
    this.jwts = new SessionJwts(keys, PROJECT_ID, CryptoProviders.select("auto", message -> {}));
  }

  /** A session as a password sign-in creates it, with a few custom claims; not stored. */
  SessionRecord sampleSession(String userId, String token) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    return new SessionRecord(ids.session(), userId, Secrets.sha256(token), now, now, now.plus(Duration.ofHours(24)),
        new Attributes("203.0.113.7", "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"),
        List.of(AuthenticationFactor.password(now)), Map.of("plan", "pro", "tenant", "acme"), 1);
  }

  /** Stores {@code users} users with {@code sessionsPerUser} sessions each; returns every session token. */
  List<String> populate(int users, int sessionsPerUser) {
    List<String> tokens = new ArrayList<>(users * sessionsPerUser);
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    for (int u = 0; u < users; u++) {
      UserRecord user = new UserRecord(ids.user(), "active", User.Name.EMPTY, Map.of(), Map.of(), null, now,
          List.of(new UserRecord.StoredEmail(ids.email(), "bench-" + u + "@example.com", true)), null);
      stores.users().create(user);
      for (int s = 0; s < sessionsPerUser; s++) {
        String token = Secrets.randomToken(Secrets.SESSION_TOKEN_BYTES);
        stores.sessions().create(sampleSession(user.userId(), token));
        tokens.add(token);
      }
    }
    return tokens;
  }

  /** Empties a shared database of what {@link #populate} wrote (users first: emails and sessions cascade). */
  private void deleteUsersAndSessions() {
    try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
      st.executeUpdate("DELETE FROM sessions");
      st.executeUpdate("DELETE FROM users");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot empty the benchmark database: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    if (dir == null) {
      deleteUsersAndSessions();
      stores.close();
      return;
    }
    stores.close();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
