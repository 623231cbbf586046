package dev.latchkey.server.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import org.flywaydb.core.Flyway;

/**
 * Every store over one database, chosen by its JDBC URL. Opening migrates the schema with Flyway; failing to open
 * is fatal (there is no silent fallback to another database).
 *
 * <pre>{@code
 * try (Stores stores = Stores.open("jdbc:sqlite:data/latchkey.db", Duration.ofSeconds(10))) {
 *   stores.users().find("user-live-...");
 * }
 * }</pre>
 */
public final class Stores implements AutoCloseable {
  private final HikariDataSource dataSource;
  private final UserStore users;
  private final SessionStore sessions;
  private final KeyStore keys;
  private final ProjectStore project;
  private final EmailTokenStore emailTokens;
  private final OtpCodeStore otpCodes;
  private final RateCounterStore rateCounters;

  private Stores(HikariDataSource dataSource) {
    this.dataSource = dataSource;
    Jdbc jdbc = new Jdbc(dataSource);
    this.users = new JdbcUserStore(jdbc);
    this.sessions = new JdbcSessionStore(jdbc);
    this.keys = new JdbcKeyStore(jdbc);
    this.project = new JdbcProjectStore(jdbc);
    this.emailTokens = new JdbcEmailTokenStore(jdbc);
    this.otpCodes = new JdbcOtpCodeStore(jdbc);
    this.rateCounters = new JdbcRateCounterStore(jdbc);
  }

  /**
   * Opens the database at {@code jdbcUrl} ({@code jdbc:sqlite:...}); {@code timeout} bounds how long a request
   * waits for a connection before it fails with {@link StoreException}.
   */
  public static Stores open(String jdbcUrl, Duration timeout) {
    if (!jdbcUrl.startsWith("jdbc:sqlite:")) {
      throw new IllegalArgumentException("Unsupported database URL " + jdbcUrl + ": only jdbc:sqlite: is supported");
    }
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setPoolName("latchkey-db");
    config.setConnectionTimeout(timeout.toMillis());
    // SQLite has one writer at a time; a handful of connections serve concurrent readers (WAL) without lock storms.
    config.setMaximumPoolSize(4);
    config.setMinimumIdle(1);
    config.addDataSourceProperty("journal_mode", "WAL");
    config.addDataSourceProperty("synchronous", "FULL");
    config.addDataSourceProperty("foreign_keys", "true");
    config.addDataSourceProperty("busy_timeout", String.valueOf(timeout.toMillis()));
    HikariDataSource ds = new HikariDataSource(config);
    try {
      Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
    } catch (RuntimeException e) {
      ds.close();
      throw e;
    }
    return new Stores(ds);
  }

  public UserStore users() {
    return users;
  }

  public SessionStore sessions() {
    return sessions;
  }

  public KeyStore keys() {
    return keys;
  }

  public ProjectStore project() {
    return project;
  }

  public EmailTokenStore emailTokens() {
    return emailTokens;
  }

  public OtpCodeStore otpCodes() {
    return otpCodes;
  }

  public RateCounterStore rateCounters() {
    return rateCounters;
  }

  /** True when the database answers a trivial query within a second. */
  public boolean isReady() {
    try (Connection c = dataSource.getConnection()) {
      return c.isValid(1);
    } catch (SQLException | RuntimeException e) {
      return false;
    }
  }

  @Override
  public void close() {
    dataSource.close();
  }
}
