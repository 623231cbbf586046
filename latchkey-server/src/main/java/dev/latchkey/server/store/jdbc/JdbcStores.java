package dev.latchkey.server.store.jdbc;


import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.latchkey.server.config.DatabaseUrl;
import dev.latchkey.server.store.AdminStore;
import dev.latchkey.server.store.EmailTokenStore;
import dev.latchkey.server.store.KeyStore;
import dev.latchkey.server.store.OAuthStore;
import dev.latchkey.server.store.OtpCodeStore;
import dev.latchkey.server.store.PoolState;
import dev.latchkey.server.store.ProjectStore;
import dev.latchkey.server.store.RateCounterStore;
import dev.latchkey.server.store.SessionEventStore;
import dev.latchkey.server.store.SessionStore;
import dev.latchkey.server.store.StoreException;
import dev.latchkey.server.store.Stores;
import dev.latchkey.server.store.WebhookStore;
import dev.latchkey.server.store.TotpStore;
import dev.latchkey.server.store.UserStore;
import dev.latchkey.server.store.WebAuthnStore;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.flywaydb.core.Flyway;

/**
 * Every store over one database, chosen by its JDBC URL: an embedded SQLite file, or PostgreSQL shared by many
 * nodes. Opening migrates the schema with Flyway (the same migrations on both); failing to open is fatal (there is
 * no silent fallback to another database).
 *
 * <pre>{@code
 * try (Stores stores = JdbcStores.open("jdbc:postgresql://db/latchkey?user=latchkey", Duration.ofSeconds(10), 10)) {
 *   stores.users().find("user-live-...");
 * }
 * }</pre>
 */
public final class JdbcStores implements Stores {
  private final HikariDataSource dataSource;
  private final String jdbcUrl;
  private final Duration timeout;
  private final Dialect dialect;
  private final Jdbc jdbc;
  private final DatabaseCircuit circuit;
  private final UserStore users;
  private final SessionStore sessions;
  private final KeyStore keys;
  private final ProjectStore project;
  private final TotpStore totps;
  private final EmailTokenStore emailTokens;
  private final OtpCodeStore otpCodes;
  private final RateCounterStore rateCounters;
  private final OAuthStore oauth;

  /** How long /readyz waits for the database: an orchestrator's probe gives up after a second (Kubernetes). */
  private static final Duration READINESS_WAIT = Duration.ofSeconds(1);
  private final WebAuthnStore webauthn;
  private final AdminStore admins;
  private final JdbcSessionEvents sessionEvents;

  private ChangeListener listener;

  private final JdbcWebhookStore webhooks;
  /** Who writes the SQLite file (null on PostgreSQL or in memory); see {@link SqliteWriters}. */
  private final SqliteWriters writers;

  private JdbcStores(HikariDataSource dataSource, String jdbcUrl, Duration timeout, Dialect dialect,
      SqliteWriters writers) {
    this.writers = writers;
    this.dataSource = dataSource;
    this.jdbcUrl = jdbcUrl;
    this.timeout = timeout;
    this.dialect = dialect;
    this.circuit = dialect == Dialect.POSTGRESQL ? new DatabaseCircuit(() -> answers(jdbcUrl)) : null;
    this.jdbc = new Jdbc(dataSource, dialect, timeout, circuit, writers);
    this.sessionEvents = new JdbcSessionEvents(jdbc);
    this.users = new JdbcUserStore(jdbc, sessionEvents);
    this.sessions = new JdbcSessionStore(jdbc, sessionEvents);
    this.keys = new JdbcKeyStore(jdbc);
    this.project = new JdbcProjectStore(jdbc);
    this.totps = new JdbcTotpStore(jdbc);
    this.emailTokens = new JdbcEmailTokenStore(jdbc);
    this.otpCodes = new JdbcOtpCodeStore(jdbc);
    this.rateCounters = new JdbcRateCounterStore(jdbc);
    this.oauth = new JdbcOAuthStore(jdbc);
    this.webauthn = new JdbcWebAuthnStore(jdbc);
    this.admins = new JdbcAdminStore(jdbc);
    this.webhooks = new JdbcWebhookStore(jdbc);
  }

  /** {@link #open(String, Duration, int)} with a pool of 10 connections on PostgreSQL. */
  public static JdbcStores open(String jdbcUrl, Duration timeout) {
    return open(jdbcUrl, timeout, 10);
  }

  /**
   * Opens the database at {@code jdbcUrl} ({@code jdbc:sqlite:...} or {@code jdbc:postgresql:...}) and migrates it;
   * {@code timeout} bounds how long a request waits for a connection or a statement before it fails with
   * {@link StoreException}; {@code poolSize} is the number of PostgreSQL connections (SQLite uses 4).
   */
  public static JdbcStores open(String jdbcUrl, Duration timeout, int poolSize) {
    return open(jdbcUrl, timeout, poolSize, true);
  }

  /**
   * Like {@link #open(String, Duration, int)}, but never the owner of an SQLite file ({@link #cachesRows()} is false):
   * for the operator's commands, so that a server started while one of them runs still owns the file.
   */
  public static JdbcStores openAsTool(String jdbcUrl, Duration timeout, int poolSize) {
    return open(jdbcUrl, timeout, poolSize, false);
  }

  private static JdbcStores open(String jdbcUrl, Duration timeout, int poolSize, boolean mayOwn) {
    Dialect dialect = Dialect.of(jdbcUrl);
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setPoolName("latchkey-db");
    config.setConnectionTimeout(poolWait(timeout).toMillis());
    config.setValidationTimeout(validationWait(timeout).toMillis());
    dialect.configure(config, timeout, poolSize);
    HikariDataSource ds;
    try {
      ds = new HikariDataSource(config);
    } catch (RuntimeException e) {
      // Hikari's message may quote the URL, and with it the password.
      throw new StoreException("Cannot open the database " + DatabaseUrl.redact(jdbcUrl) + ": "
          + DatabaseUrl.redact(String.valueOf(rootMessage(e))) + " (check LATCHKEY_DATABASE_URL, and that the "
          + "database is running and reachable)", e);
    }
    SqliteWriters writers;
    try {
      Path file = sqliteFile(jdbcUrl);
      writers = file == null ? null : SqliteWriters.open(file, mayOwn);
    } catch (IOException | RuntimeException e) {
      ds.close();
      throw new StoreException("Cannot open " + DatabaseUrl.redact(jdbcUrl) + ".latchkey-writers next to the "
          + "database (Latchkey keeps who writes the file there; the directory must be writable): " + e.getMessage(),
          e);
    }
    // A migration is a write like any other: announced to the owner of the file when this opener is not it.
    boolean announce = writers != null && !writers.owner();
    if (announce) {
      writers.beginWrite();
    }
    try {
      // On PostgreSQL Flyway holds an advisory lock while it migrates, so nodes starting together migrate once.
      // It connects without the pool's statement_timeout: building an index on a large table may take minutes.
      var flyway = Flyway.configure().locations("classpath:db/migration");
      (dialect == Dialect.POSTGRESQL ? flyway.dataSource(jdbcUrl, null, null) : flyway.dataSource(ds)).load()
          .migrate();
    } catch (RuntimeException e) {
      ds.close();
      if (writers != null) {
        if (announce) {
          writers.endWrite();
          announce = false;
        }
        writers.close();
      }
      // Flyway's messages quote the JDBC URL, password parameter included: redact, and keep no cause that would
      // print it again in a stack trace.
      throw new StoreException("Cannot migrate the database " + DatabaseUrl.redact(jdbcUrl) + ": "
          + DatabaseUrl.redact(String.valueOf(e.getMessage())), null);
    } finally {
      if (announce) {
        writers.endWrite();
      }
    }
    return new JdbcStores(ds, jdbcUrl, timeout, dialect, writers);
  }

  /**
   * How long a request waits for a pooled connection: the database timeout less twice {@link #validationWait}, so
   * that the first request of an outage is answered within LATCHKEY_DATABASE_TIMEOUT, not just after it. (The pool
   * checks a connection it has not used for a while before handing it out, and counts its remaining wait only after
   * that check: without the margin a request waited for the whole timeout plus one check, 6.6 s for 6 s.)
   */
  static Duration poolWait(Duration timeout) {
    Duration wait = timeout.minus(validationWait(timeout).multipliedBy(2));
    return wait.compareTo(Duration.ofMillis(250)) < 0 ? Duration.ofMillis(250) : wait;
  }

  /** How long the pool's check of an idle connection may take: a tenth of the timeout, from 250 ms to 500 ms. */
  static Duration validationWait(Duration timeout) {
    Duration tenth = timeout.dividedBy(10);
    if (tenth.compareTo(Duration.ofMillis(250)) < 0) {
      return Duration.ofMillis(250);
    }
    return tenth.compareTo(Duration.ofMillis(500)) > 0 ? Duration.ofMillis(500) : tenth;
  }

  /**
   * The circuit's probe: a fresh connection outside the pool (whose own attempts back off for seconds while the
   * database is away), bounded by about a second, that answers a validity check.
   */
  private static boolean answers(String jdbcUrl) {
    Properties bounds = new Properties();
    bounds.setProperty("connectTimeout", "1");
    bounds.setProperty("loginTimeout", "1");
    bounds.setProperty("socketTimeout", "2");
    try (Connection c = DriverManager.getConnection(jdbcUrl, bounds)) {
      return c.isValid(1);
    } catch (SQLException | RuntimeException e) {
      return false;
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage();
  }

  /**
   * Runs {@code handlers} (by channel, e.g. {@link Stores#KEYS_CHANGED}) whenever another node announces a change, and
   * once after every reconnect. Only PostgreSQL announces changes; on SQLite this does nothing. Call at most once.
   */
  @Override
  public synchronized void watch(Map<String, Runnable> handlers) {
    if (listener != null) {
      throw new IllegalStateException("watch() was already called");
    }
    if (dialect == Dialect.POSTGRESQL) {
      listener = new ChangeListener(jdbcUrl, timeout, handlers);
      listener.start();
    }
  }

  /** The statement runner every store of this database shares (and with it the SQLite statement cache). */
  Jdbc jdbc() {
    return jdbc;
  }

  /** The event log with its package-private append side, for {@link JdbcUserImport}. */
  JdbcSessionEvents sessionEventLog() {
    return sessionEvents;
  }

  /** For {@link DatabaseCopy}, which works on tables, not aggregates. */
  HikariDataSource dataSource() {
    return dataSource;
  }

  @Override
  public UserStore users() {
    return users;
  }

  @Override
  public SessionEventStore sessionEvents() {
    return sessionEvents;
  }

  @Override
  public SessionStore sessions() {
    return sessions;
  }

  @Override
  public KeyStore keys() {
    return keys;
  }

  @Override
  public ProjectStore project() {
    return project;
  }

  @Override
  public TotpStore totps() {
    return totps;
  }

  @Override
  public EmailTokenStore emailTokens() {
    return emailTokens;
  }

  @Override
  public OtpCodeStore otpCodes() {
    return otpCodes;
  }

  @Override
  public RateCounterStore rateCounters() {
    return rateCounters;
  }

  @Override
  public OAuthStore oauth() {
    return oauth;
  }

  @Override
  public WebAuthnStore webauthn() {
    return webauthn;
  }

  @Override
  public WebhookStore webhooks() {
    return webhooks;
  }

  @Override
  public AdminStore admins() {
    return admins;
  }

  /**
   * True when the database answers a trivial query within a second. On PostgreSQL the answer never takes much longer
   * than that: while the database is known to be down it is false at once (or after the circuit's one probe), and
   * otherwise a check that has not answered within the second is false (it goes on in the background, and opens the
   * circuit if the database turns out to be gone).
   */
  @Override
  public boolean isReady() {
    if (circuit == null) {
      return pooledConnectionAnswers();
    }
    if (circuit.isOpen()) {
      return circuit.probeIfOpen();
    }
    CompletableFuture<Boolean> check = new CompletableFuture<>();
    Thread.ofVirtual().name("latchkey-readiness").start(() -> check.complete(pooledConnectionAnswers()));
    try {
      return check.get(READINESS_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException e) {
      return false;
    }
  }

  private boolean pooledConnectionAnswers() {
    try {
      return jdbc.withConnection(c -> c.isValid(1));
    } catch (RuntimeException e) {
      return false;
    }
  }

  @Override
  public PoolState pool() {
    var pool = dataSource.getHikariPoolMXBean();
    if (pool == null) {
      return new PoolState(0, 0, 0, 0);
    }
    return new PoolState(pool.getActiveConnections(), pool.getIdleConnections(), pool.getThreadsAwaitingConnection(),
        pool.getTotalConnections());
  }

  @Override
  public void close() {
    synchronized (this) {
      if (listener != null) {
        listener.close();
      }
    }
    jdbc.close();
    dataSource.close();
    if (writers != null) {
      writers.close();
    }
  }

  /**
   * Whether this process owns its SQLite file and so keeps session and user rows in memory ({@link RowCache}): false
   * on PostgreSQL, in memory, and when another process (or another {@code JdbcStores} of this one) opened the file
   * first.
   */
  @Override
  public boolean cachesRows() {
    return jdbc.cache() != null;
  }

  /** The file of a {@code jdbc:sqlite:} URL, or null when the database is in memory (or not SQLite). */
  static Path sqliteFile(String jdbcUrl) {
    if (!jdbcUrl.startsWith("jdbc:sqlite:")) {
      return null;
    }
    String rest = jdbcUrl.substring("jdbc:sqlite:".length());
    if (rest.startsWith("file:")) {
      rest = rest.substring("file:".length());
    }
    int query = rest.indexOf('?');
    String params = query < 0 ? "" : rest.substring(query);
    rest = query < 0 ? rest : rest.substring(0, query);
    if (rest.isEmpty() || rest.equals(":memory:") || params.contains("mode=memory")) {
      return null;
    }
    return Path.of(rest).toAbsolutePath();
  }
}
