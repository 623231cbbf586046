package dev.latchkey.bench.load;

import dev.latchkey.server.store.Stores;
import dev.latchkey.server.store.UserRecord;
import dev.latchkey.server.store.UserSearch;
import dev.latchkey.server.store.jdbc.JdbcStores;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * {@code POST /v1/users/search} at scale: bulk-loads {@code --users} users (default 1,000,000) into a fresh database
 * through the server's own Flyway schema (SQLite by default, or {@code --database-url} for an empty PostgreSQL),
 * then times typical searches through the server's own {@code UserStore.search} (the SQL the route runs, results
 * loaded as whole users, the total counted), and prints a Markdown table.
 *
 * <pre>
 * java -cp latchkey-bench/target/benchmarks.jar dev.latchkey.bench.load.UserSearchBench [--users 1000000]
 *     [--runs 20] [--database-url jdbc:postgresql://...] [--dir /tmp/x]
 * </pre>
 *
 * <p>The fixture: users created one a minute back from now (so created_at spans about two years at 1M), one email
 * each ({@code user<i>@<domain>} over 50 domains; every 7th verified), every 3rd with a password, every 10th
 * {@code pending}; first and last names from short lists. Rows are written with plain JDBC batches, as the session
 * scale fixture does (SQLite: synchronous off, the secondary indexes dropped and rebuilt with the migration's DDL).
 */
public final class UserSearchBench {
  private static final int BATCH = 20_000;
  private static final String[] FIRST = {"Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "John",
      "Margaret", "Ken", "Radia", "Niklaus", "Hedy", "Tim", "Katherine", "Dennis"};
  private static final String[] LAST = {"Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen",
      "McCarthy", "Hamilton", "Thompson", "Perlman", "Wirth", "Lamarr", "Berners-Lee", "Johnson", "Ritchie"};

  private UserSearchBench() {}

  public static void main(String[] args) throws Exception {
    long users = 1_000_000;
    int runs = 20;
    String url = null;
    Path dir = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--users" -> users = Long.parseLong(args[++i]);
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--database-url" -> url = args[++i];
        case "--dir" -> dir = Path.of(args[++i]);
        default -> {
          System.err.println("usage: UserSearchBench [--users N] [--runs N] [--database-url jdbc:...] [--dir D]");
          System.exit(2);
        }
      }
    }
    if (url == null) {
      Path d = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("latchkey-user-search");
      url = "jdbc:sqlite:" + d.resolve("latchkey.db");
    }
    Instant now = Instant.now();
    long loadStart = System.nanoTime();
    load(url, users, now, System.err);
    double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
    try (Stores stores = JdbcStores.open(url, Duration.ofSeconds(60), 4)) {
      PrintStream out = System.out;
      out.printf(Locale.ROOT, "%nUser search, %,d users on %s (loaded in %.0f s), %d runs each after 3 warm-up "
          + "runs, through UserStore.search (page + total):%n%n", users,
          url.startsWith("jdbc:sqlite:") ? "SQLite" : "PostgreSQL", loadSeconds, runs);
      out.println("| Search | Results / total | Median | p95 |");
      out.println("| --- | --- | --- | --- |");
      long mid = users / 2;
      String midEmail = "user" + mid + "@" + domain(mid);
      time(out, "exact email (email_address), limit 100", runs, () -> stores.users().search(
          new UserSearch(true, List.of(new UserSearch.EmailAddresses(List.of(midEmail))), 100, null)));
      time(out, "user_id, limit 100", runs, () -> stores.users().search(new UserSearch(true,
          List.of(new UserSearch.UserIds(List.of(userId(mid)))), 100, null)));
      time(out, "fuzzy email, rare (email_address_fuzzy \"user" + mid + "@\"), limit 100", runs,
          () -> stores.users().search(new UserSearch(true,
              List.of(new UserSearch.EmailAddressFuzzy("user" + mid + "@")), 100, null)));
      time(out, "fuzzy email, common (email_address_fuzzy \"mail07\"), limit 100", runs,
          () -> stores.users().search(new UserSearch(true,
              List.of(new UserSearch.EmailAddressFuzzy("mail07")), 100, null)));
      Instant from = now.minus(Duration.ofDays(120));
      Instant to = now.minus(Duration.ofDays(90));
      time(out, "status pending + created_at_between (30 days), limit 100", runs, () -> stores.users().search(
          new UserSearch(true, List.of(new UserSearch.Status("pending"), new UserSearch.CreatedAt(from, to)), 100,
              null)));
      time(out, "password_exists + email_verified, limit 100", runs, () -> stores.users().search(
          new UserSearch(true, List.of(new UserSearch.PasswordExists(true), new UserSearch.EmailVerified(true)),
              100, null)));
      time(out, "no query (every user), limit 1000", runs,
          () -> stores.users().search(new UserSearch(true, List.of(), 1000, null)));
      // Paging: each page after the first starts from the previous page's cursor.
      UserSearch.Position[] after = {null};
      List<UserSearch.Filter> pending = List.of(new UserSearch.Status("pending"));
      time(out, "paging through status pending, limit 1000 (one page per run, deeper each run)", runs, () -> {
        UserSearch.Page p = stores.users().search(new UserSearch(true, pending, 1000, after[0]));
        after[0] = p.next();
        return p;
      });
    }
  }

  private static void time(PrintStream out, String label, int runs, Supplier<UserSearch.Page> search) {
    UserSearch.Page last = null;
    for (int i = 0; i < 3; i++) {
      last = search.get();
    }
    long[] nanos = new long[runs];
    for (int i = 0; i < runs; i++) {
      long t = System.nanoTime();
      last = search.get();
      nanos[i] = System.nanoTime() - t;
    }
    Arrays.sort(nanos);
    out.printf(Locale.ROOT, "| %s | %,d / %,d | %.1f ms | %.1f ms |%n", label, last.results().size(), last.total(),
        nanos[runs / 2] / 1e6, nanos[Math.min(runs - 1, (int) Math.ceil(runs * 0.95) - 1)] / 1e6);
    out.flush();
  }

  private static String domain(long i) {
    return String.format(Locale.ROOT, "mail%02d.example.com", i % 50);
  }

  private static String userId(long i) {
    return SessionFixture.orderedId("user", "test", 0x5EA2CL, i);
  }

  /** Writes {@code users} users with their emails and some passwords into the empty database at {@code url}. */
  static void load(String url, long users, Instant now, PrintStream progress) throws SQLException {
    boolean sqlite = url.startsWith("jdbc:sqlite:");
    try (Stores stores = JdbcStores.open(url, Duration.ofSeconds(10))) {
      if (!stores.isReady()) {
        throw new IllegalStateException("the database is not ready");
      }
    }
    SplittableRandom random = new SplittableRandom(42);
    try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
      List<String> indexDdl = List.of();
      if (sqlite) {
        st.execute("PRAGMA synchronous = OFF");
        st.execute("PRAGMA cache_size = -524288");
        st.execute("PRAGMA temp_store = MEMORY");
        indexDdl = dropSecondaryIndexes(c);
      }
      c.setAutoCommit(false);
      SessionFixture.Progress bar = new SessionFixture.Progress(progress, "loading " + users + " users", users);
      try (PreparedStatement u = c.prepareStatement("INSERT INTO users (user_id, status, first_name, middle_name, "
          + "last_name, trusted_metadata, untrusted_metadata, external_id, created_at) "
          + "VALUES (?, ?, ?, '', ?, '{}', '{}', NULL, ?)");
          PreparedStatement e = c.prepareStatement("INSERT INTO emails (email_id, user_id, email, verified, "
              + "created_at) VALUES (?, ?, ?, ?, ?)");
          PreparedStatement p = c.prepareStatement("INSERT INTO passwords (user_id, password_id, hash, "
              + "requires_reset, created_at) VALUES (?, ?, ?, ?, ?)")) {
        long start = now.toEpochMilli() - users * 60_000L;
        for (long i = 0; i < users; i++) {
          String userId = userId(i);
          long createdAt = start + i * 60_000L;
          u.setString(1, userId);
          u.setString(2, i % 10 == 3 ? "pending" : "active");
          u.setString(3, FIRST[random.nextInt(FIRST.length)]);
          u.setString(4, LAST[random.nextInt(LAST.length)]);
          u.setLong(5, createdAt);
          u.addBatch();
          e.setString(1, SessionFixture.orderedId("email", "test", 0x5EA2CL, i));
          e.setString(2, userId);
          e.setString(3, "user" + i + "@" + domain(i));
          e.setBoolean(4, i % 7 == 0);
          e.setLong(5, createdAt);
          e.addBatch();
          if (i % 3 == 0) {
            p.setString(1, userId);
            p.setString(2, SessionFixture.orderedId("password", "test", 0x5EA2CL, i));
            p.setString(3, "$argon2id$v=19$m=19456,t=2,p=1$fixture$fixture");
            p.setBoolean(4, false);
            p.setLong(5, createdAt);
            p.addBatch();
          }
          if ((i + 1) % BATCH == 0 || i + 1 == users) {
            u.executeBatch();
            e.executeBatch();
            p.executeBatch();
            c.commit();
            bar.update(i + 1);
          }
        }
      }
      c.setAutoCommit(true);
      bar.message("rebuilding " + indexDdl.size() + " indexes");
      for (String ddl : indexDdl) {
        st.execute(ddl);
      }
      st.execute("ANALYZE");
      bar.finish();
    }
  }

  private static List<String> dropSecondaryIndexes(Connection c) throws SQLException {
    List<String> ddl = new ArrayList<>();
    List<String> names = new ArrayList<>();
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            + "AND tbl_name IN ('users', 'emails', 'passwords')")) {
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
}
