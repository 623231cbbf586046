package dev.latchkey.bench.load;

import dev.latchkey.server.store.jdbc.JdbcStores;
import dev.latchkey.model.Attributes;
import dev.latchkey.model.AuthenticationFactor;
import dev.latchkey.model.User;
import dev.latchkey.server.crypto.Ids;
import dev.latchkey.server.crypto.Secrets;
import dev.latchkey.server.store.SessionRecord;
import dev.latchkey.server.store.UserRecord;
import dev.latchkey.server.store.Stores;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * The scale fixture: bulk-loads {@code n} live sessions ({@value #SESSIONS_PER_USER} per user) into a fresh SQLite
 * database before the server starts. The schema comes from the server's own Flyway migrations (through
 * {@link Stores#open}); the column values of one session written by the server's own {@code SessionStore} are read
 * back and reused for every row, so the rows are exactly what the server writes and reads. Then plain JDBC batch
 * inserts in large transactions (synchronous off, big page cache, the secondary indexes dropped and rebuilt with the
 * migration's own DDL afterwards), with a progress bar on stderr.
 *
 * <p>Session tokens are a pure function of (seed, index), so the driver can name any of 10 million sessions
 * without holding them: {@link #token(long, long)}. Ids are time-ordered UUIDs so the primary keys are appended,
 * not inserted at random; token hashes are random, as in production.
 */
final class SessionFixture {
  static final int SESSIONS_PER_USER = 10;
  private static final int BATCH = 20_000;
  private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

  private SessionFixture() {}

  /** The session token of session {@code index} of a fixture loaded with {@code seed}: 33 bytes, base64url. */
  static String token(long seed, long index) {
    byte[] b = new byte[Secrets.SESSION_TOKEN_BYTES];
    new SplittableRandom(seed ^ (index * 0x9E3779B97F4A7C15L)).nextBytes(b);
    return B64URL.encodeToString(b);
  }

  /**
   * Loads {@code sessions} sessions into the empty database at {@code url} (a JDBC URL) for a project with id
   * {@code projectId}. SQLite gets the bulk-load pragmas and index rebuild; other databases (PostgreSQL, once the
   * server's {@code Stores} opens them) get the same batches in plain transactions.
   */
  static void load(String url, String projectId, long sessions, long seed, PrintStream progress)
      throws SQLException {
    boolean sqlite = url.startsWith("jdbc:sqlite:");
    Ids ids = Ids.forProject(projectId);
    String flavor = projectId.startsWith("project-test-") ? "test" : "live";
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    Sample sample;
    try (Stores stores = JdbcStores.open(url, Duration.ofSeconds(10))) {
      sample = sampleRow(stores, url, ids, now);
    }
    long users = (sessions + SESSIONS_PER_USER - 1) / SESSIONS_PER_USER;
    long idBase = new SplittableRandom(seed).nextLong() & 0xFFFF_FFFFL;
    try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
      List<String> indexDdl = List.of();
      if (sqlite) {
        // A throw-away fixture: durability during the load buys nothing; the server reopens it with its own settings.
        st.execute("PRAGMA synchronous = OFF");
        st.execute("PRAGMA cache_size = -1048576");  // 1 GiB: the token-hash index of 10M rows mostly fits
        st.execute("PRAGMA temp_store = MEMORY");
        indexDdl = dropSecondaryIndexes(c);
      }
      c.setAutoCommit(false);
      Progress bar = new Progress(progress, "loading " + sessions + " sessions", sessions + users);
      try (PreparedStatement u = c.prepareStatement("INSERT INTO users (user_id, status, first_name, middle_name, "
          + "last_name, trusted_metadata, untrusted_metadata, external_id, created_at) "
          + "VALUES (?, 'active', '', '', '', '{}', '{}', NULL, ?)");
          PreparedStatement s = c.prepareStatement("INSERT INTO sessions (session_id, user_id, token_hash, "
              + "started_at, last_accessed_at, expires_at, ip_address, user_agent, factors, custom_claims, version) "
              + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)")) {
        long expires = now.plus(Duration.ofDays(30)).toEpochMilli();
        long done = 0;
        for (long i = 0; i < sessions; i++) {
          String userId = orderedId("user", flavor, idBase, i / SESSIONS_PER_USER);
          if (i % SESSIONS_PER_USER == 0) {
            u.setString(1, userId);
            u.setLong(2, now.toEpochMilli());
            u.addBatch();
            done++;
          }
          s.setString(1, orderedId("session", flavor, idBase, i));
          s.setString(2, userId);
          s.setString(3, Secrets.sha256(token(seed, i)));
          s.setLong(4, now.toEpochMilli());
          s.setLong(5, now.toEpochMilli());
          s.setLong(6, expires);
          s.setString(7, sample.ip());
          s.setString(8, sample.userAgent());
          s.setString(9, sample.factors());
          s.setString(10, sample.customClaims());
          s.addBatch();
          done++;
          if ((i + 1) % BATCH == 0 || i + 1 == sessions) {
            u.executeBatch();
            s.executeBatch();
            c.commit();
            bar.update(done);
          }
        }
      }
      c.setAutoCommit(true);
      bar.message("rebuilding " + indexDdl.size() + " indexes");
      for (String ddl : indexDdl) {
        st.execute(ddl);
      }
      st.execute("ANALYZE");  // as after any bulk load; harmless for the planner on both databases
      bar.finish();
    }
    verify(url, seed, sessions);
  }

  /** Proves the loaded rows read back through the server's own store: first, last and a middle session. */
  private static void verify(String url, long seed, long sessions) {
    try (Stores stores = JdbcStores.open(url, Duration.ofSeconds(10))) {
      for (long i : new long[] {0, sessions / 2, sessions - 1}) {
        SessionRecord s = stores.sessions().findByTokenHash(Secrets.sha256(token(seed, i)))
            .orElseThrow(() -> new IllegalStateException("fixture session " + i + " is not found by its token"));
        if (s.factors().isEmpty()) {
          throw new IllegalStateException("fixture session " + i + " lost its factors: " + s);
        }
      }
    }
  }

  private record Sample(String ip, String userAgent, String factors, String customClaims) {}

  /** Writes one user and session through the server's stores, reads the raw columns back, deletes them. */
  private static Sample sampleRow(Stores stores, String url, Ids ids, Instant now) throws SQLException {
    UserRecord user = new UserRecord(ids.user(), "active", User.Name.EMPTY, Map.of(), Map.of(), null, now,
        List.of(), null);
    stores.users().create(user);
    SessionRecord session = new SessionRecord(ids.session(), user.userId(),
        Secrets.sha256(Secrets.randomToken(Secrets.SESSION_TOKEN_BYTES)), now, now, now.plus(Duration.ofDays(1)),
        new Attributes("203.0.113.7", "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"),
        List.of(AuthenticationFactor.password(now)), Map.of("plan", "pro", "tenant", "acme"), 1);
    stores.sessions().create(session);
    if (stores.sessions().findByTokenHash(session.tokenHash()).isEmpty()) {
      throw new IllegalStateException("the sample session does not read back");
    }
    Sample sample;
    try (Connection c = DriverManager.getConnection(url);
        PreparedStatement q = c.prepareStatement(
            "SELECT ip_address, user_agent, factors, custom_claims FROM sessions WHERE session_id = ?")) {
      q.setString(1, session.sessionId());
      try (ResultSet rs = q.executeQuery()) {
        rs.next();
        sample = new Sample(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4));
      }
    }
    stores.sessions().delete(session.sessionId());
    stores.users().delete(user.userId());
    return sample;
  }

  /** Drops the non-unique secondary indexes (rebuilt after the load) and returns their CREATE statements. */
  private static List<String> dropSecondaryIndexes(Connection c) throws SQLException {
    List<String> ddl = new ArrayList<>();
    List<String> names = new ArrayList<>();
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            + "AND tbl_name IN ('users', 'sessions')")) {
      while (rs.next()) {
        names.add(rs.getString(1));
        ddl.add(rs.getString(2));
      }
    }
    try (Statement st = c.createStatement()) {
      for (String name : names) {
        st.execute("DROP INDEX " + name);
      }
    }
    return ddl;
  }

  /** {@code <kind>-<flavor>-<uuid>} with a UUID that sorts by {@code index} (version-4 bits kept). */
  static String orderedId(String kind, String flavor, long base, long index) {
    long msb = (base << 32) | ((index >>> 12) << 16 & 0xFFFF_0000L) | 0x4000 | (index & 0x0FFF);
    long lsb = 0x8000_0000_0000_0000L | (index * 0x9E3779B97F4A7C15L >>> 2);
    return kind + "-" + flavor + "-" + new UUID(msb, lsb);
  }

  /** A one-line progress bar on a terminal-ish stream, redrawn at most every percent. */
  static final class Progress {
    private final PrintStream out;
    private final String label;
    private final long total;
    private final long started = System.nanoTime();
    private int shown = -1;

    Progress(PrintStream out, String label, long total) {
      this.out = out;
      this.label = label;
      this.total = Math.max(1, total);
    }

    void update(long done) {
      int percent = (int) (100 * done / total);
      if (percent == shown) {
        return;
      }
      shown = percent;
      double seconds = (System.nanoTime() - started) / 1e9;
      int filled = percent / 4;
      out.printf("\r%s [%s%s] %3d%% %,d rows, %,.0f rows/s ", label, "#".repeat(filled), " ".repeat(25 - filled),
          percent, done, done / Math.max(seconds, 1e-3));
      out.flush();
    }

    void message(String text) {
      out.printf("%n%s: %s...", label, text);
      out.flush();
    }

    void finish() {
      out.printf(" done in %.1f s%n", (System.nanoTime() - started) / 1e9);
      out.flush();
    }
  }
}
