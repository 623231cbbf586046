package dev.latchkey.server.store;

import java.util.Map;

/**
 * Every store over one database: what the services are given. The JDBC implementation ({@code
 * store.jdbc.JdbcStores}) opens SQLite or PostgreSQL and is chosen once, at start-up, by the composition root;
 * nothing else in the server knows which database it talks to.
 */
public interface Stores extends AutoCloseable {
  /** The channel a key rotation is announced on, so every node re-reads the keys at once. */
  String KEYS_CHANGED = "latchkey_keys_changed";
  /** The channel a commit that appended session events is announced on, so every node streams them at once. */
  String SESSION_EVENTS = "latchkey_session_events";

  UserStore users();

  SessionStore sessions();

  KeyStore keys();

  ProjectStore project();

  TotpStore totps();

  EmailTokenStore emailTokens();

  OtpCodeStore otpCodes();

  RateCounterStore rateCounters();

  OAuthStore oauth();

  WebAuthnStore webauthn();

  /** The admin console's accounts and sessions. */
  AdminStore admins();

  WebhookStore webhooks();
  /** The session event log (read side; the writes ride on the other stores' transactions). */
  SessionEventStore sessionEvents();

  /**
   * Whether the stores keep session and user rows in memory, and so return the same object for an unchanged row (the
   * owner of an SQLite file does; see {@code store.jdbc.RowCache}).
   */
  default boolean cachesRows() {
    return false;
  }

  /** True when the database answers a trivial query within a second. */
  boolean isReady();

  /** The connection pool now (for the metrics). */
  PoolState pool();

  /**
   * Runs {@code handlers} (by channel, e.g. {@link #KEYS_CHANGED}) whenever another node announces a change, and
   * once after every reconnect. Only a database shared by several nodes announces changes; otherwise this does
   * nothing. Call at most once.
   */
  void watch(Map<String, Runnable> handlers);

  /** Closes the connections; idempotent. Throws nothing checked. */
  @Override
  void close();
}
