package dev.latchkey.backend;

import dev.latchkey.model.internal.Checks;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * A client for a Latchkey server (or any server speaking Stytch's Sessions API): the API calls, local verification
 * of session JWTs against a cached key set, and the state {@link LatchkeyFilter} needs. Build one per project and
 * share it: it is thread-safe. Close it when the application stops.
 *
 * <pre>{@code
 * LatchkeyBackend backend = LatchkeyBackend.builder()
 *     .baseUrl(URI.create("http://127.0.0.1:8080"))
 *     .projectId(System.getenv("LATCHKEY_PROJECT_ID"))
 *     .secret(System.getenv("LATCHKEY_SECRET"))
 *     .build();
 * VerifiedSession session = backend.sessions().authenticateJwtLocal(jwt);
 * }</pre>
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>Setting</th><th>Default</th><th>Range</th><th>Meaning</th></tr>
 *   <tr><td>{@code baseUrl}</td><td>required</td><td>http(s) URL</td><td>The server</td></tr>
 *   <tr><td>{@code projectId}, {@code secret}</td><td>required</td><td></td><td>HTTP Basic credentials</td></tr>
 *   <tr><td>{@code clock}</td><td>system UTC</td><td></td><td>Time for every expiry and cache decision</td></tr>
 *   <tr><td>{@code leeway}</td><td>0</td><td>0..5m</td><td>Clock skew allowed on {@code exp} and {@code nbf}</td></tr>
 *   <tr><td>{@code httpTimeout}</td><td>10s</td><td>100ms..5m</td><td>Connect and whole-request timeout of API
 *   calls</td></tr>
 *   <tr><td>{@code jwksTimeout}</td><td>3s</td><td>100ms..1m</td><td>Timeout of a key-set fetch</td></tr>
 *   <tr><td>{@code jwksCoolDown}</td><td>30s</td><td>1s..1h</td><td>At most one key-set fetch per window</td></tr>
 *   <tr><td>{@code jwksMaxStale}</td><td>1h</td><td>0..7d</td><td>How long past its max-age a key set keeps serving
 *   while it cannot be refreshed</td></tr>
 *   <tr><td>{@code revocationStream}</td><td>false</td><td></td><td>Follow session events; refuse revoked sessions'
 *   JWTs locally</td></tr>
 *   <tr><td>{@code revocationStreamMaxDowntime}</td><td>30s</td><td>0..5m</td><td>How long the stream may be down
 *   before local verification fails safe</td></tr>
 *   <tr><td>{@code revocationStreamFailSafe}</td><td>CALL_API</td><td>CALL_API, REFUSE</td><td>What it does
 *   then</td></tr>
 * </table>
 */
public final class LatchkeyBackend implements AutoCloseable {
  private final Config config;
  private final HttpClient http;
  private final Sessions sessions;
  private final Users users;
  private final Passwords passwords;
  private final RevocationStream revocations;

  /**
   * What local verification does when the revocation stream has been down longer than its bound: it never trusts
   * a JWT it cannot check against the stream.
   */
  public enum FailSafe {
    /** Ask the server ({@code POST /v1/sessions/authenticate}) for each JWT until the stream is back. */
    CALL_API,
    /** Refuse with {@code REVOCATION_STREAM_DOWN} (a could-not-check failure: the filter answers 503). */
    REFUSE
  }

  private LatchkeyBackend(Config config) {
    this.config = config;
    Duration connect = config.httpTimeout.compareTo(config.jwksTimeout) < 0 ? config.httpTimeout : config.jwksTimeout;
    this.http = HttpClient.newBuilder().connectTimeout(connect).followRedirects(HttpClient.Redirect.NEVER).build();
    Transport transport = new Transport(http, config.baseUrl, config.projectId, config.secret, config.httpTimeout);
    JwksCache keys = new JwksCache(transport, config.projectId, config.clock, config.jwksTimeout,
        config.jwksCoolDown, config.jwksMaxStale);
    JwtVerifier verifier = new JwtVerifier(keys, transport.json(), config.clock, config.leeway, config.projectId);
    this.revocations = config.revocationStream ? new RevocationStream(transport, config.clock, config.leeway) : null;
    this.sessions = new Sessions(transport, verifier, config.projectId, revocations,
        config.revocationStreamMaxDowntime, config.revocationStreamFailSafe);
    this.users = new Users(transport);
    this.passwords = new Passwords(transport);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder with this client's settings, to build another client (for instance with another clock). */
  public Builder newBuilder() {
    return new Builder(config);
  }

  public Sessions sessions() {
    return sessions;
  }

  public Users users() {
    return users;
  }

  public Passwords passwords() {
    return passwords;
  }

  public String projectId() {
    return config.projectId;
  }

  Clock clock() {
    return config.clock;
  }

  /**
   * Releases the HTTP client (on Java 21 and later, where it can be closed; on 17 its threads end when it is
   * collected). Idempotent.
   */
  @Override
  public void close() {
    if (revocations != null) {
      revocations.close();
    }
    Object client = http;
    if (client instanceof AutoCloseable) {
      try {
        ((AutoCloseable) client).close();
      } catch (Exception e) {
        // Closing only waits for in-flight requests; a failure leaves nothing to clean up.
      }
    }
  }

  @Override
  public String toString() {
    return "LatchkeyBackend[baseUrl=" + config.baseUrl + ", projectId=" + config.projectId + ", secret=<redacted>]";
  }

  private static final class Config {
    URI baseUrl;
    String projectId;
    String secret;
    Clock clock = Clock.systemUTC();
    Duration leeway = Duration.ZERO;
    Duration httpTimeout = Duration.ofSeconds(10);
    Duration jwksTimeout = Duration.ofSeconds(3);
    Duration jwksCoolDown = Duration.ofSeconds(30);
    Duration jwksMaxStale = Duration.ofHours(1);
    boolean revocationStream;
    Duration revocationStreamMaxDowntime = Duration.ofSeconds(30);
    FailSafe revocationStreamFailSafe = FailSafe.CALL_API;

    Config copy() {
      Config c = new Config();
      c.baseUrl = baseUrl;
      c.projectId = projectId;
      c.secret = secret;
      c.clock = clock;
      c.leeway = leeway;
      c.httpTimeout = httpTimeout;
      c.jwksTimeout = jwksTimeout;
      c.jwksCoolDown = jwksCoolDown;
      c.jwksMaxStale = jwksMaxStale;
      c.revocationStream = revocationStream;
      c.revocationStreamMaxDowntime = revocationStreamMaxDowntime;
      c.revocationStreamFailSafe = revocationStreamFailSafe;
      return c;
    }
  }

  /** Settings for a {@link LatchkeyBackend}; each setter validates its value and names it when it refuses. */
  public static final class Builder {
    private final Config c;

    private Builder() {
      this.c = new Config();
    }

    private Builder(Config config) {
      this.c = config.copy();
    }

    /** The server, e.g. {@code http://127.0.0.1:8080}. Required. */
    public Builder baseUrl(URI baseUrl) {
      c.baseUrl = Checks.baseUrl(baseUrl);
      return this;
    }

    /** The project id: the JWT audience, part of the issuer, and the Basic auth user. Required. */
    public Builder projectId(String projectId) {
      c.projectId = Checks.text(projectId, "projectId");
      return this;
    }

    /** The project secret for HTTP Basic auth. Required. */
    public Builder secret(String secret) {
      c.secret = Checks.text(secret, "secret");
      return this;
    }

    public Builder clock(Clock clock) {
      c.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Clock skew allowed on {@code exp} and {@code nbf}, 0 to 5 minutes; default 0 (as the official SDKs). */
    public Builder leeway(Duration leeway) {
      c.leeway = Checks.duration("leeway", leeway, Duration.ZERO, Duration.ofMinutes(5));
      return this;
    }

    /** Connect and request timeout of API calls, 100 ms to 5 minutes; default 10 s. */
    public Builder httpTimeout(Duration timeout) {
      c.httpTimeout = Checks.duration("httpTimeout", timeout, Duration.ofMillis(100), Duration.ofMinutes(5));
      return this;
    }

    /** Timeout of one key-set fetch, 100 ms to 1 minute; default 3 s. */
    public Builder jwksTimeout(Duration timeout) {
      c.jwksTimeout = Checks.duration("jwksTimeout", timeout, Duration.ofMillis(100), Duration.ofMinutes(1));
      return this;
    }

    /** Minimum time between two key-set fetches, 1 s to 1 h; default 30 s. */
    public Builder jwksCoolDown(Duration coolDown) {
      c.jwksCoolDown = Checks.duration("jwksCoolDown", coolDown, Duration.ofSeconds(1), Duration.ofHours(1));
      return this;
    }

    /** How long past its max-age an unrefreshable key set still serves, 0 to 7 days; default 1 h. */
    public Builder jwksMaxStale(Duration maxStale) {
      c.jwksMaxStale = Checks.duration("jwksMaxStale", maxStale, Duration.ZERO, Duration.ofDays(7));
      return this;
    }

    /**
     * Follows the server's session events ({@code GET /v1/sessions/events}) so that local verification refuses the
     * JWT of a revoked session ({@code REVOKED}) within moments instead of at the JWT's expiry. Off by default (it
     * holds one long-lived connection).
     */
    public Builder revocationStream(boolean on) {
      c.revocationStream = on;
      return this;
    }

    /**
     * How long the revocation stream may be down before local verification fails safe, 0 to 5 minutes; default
     * 30 s. Revocations made while it is down are caught up on reconnect.
     */
    public Builder revocationStreamMaxDowntime(Duration bound) {
      c.revocationStreamMaxDowntime = Checks.duration("revocationStreamMaxDowntime", bound, Duration.ZERO,
          Duration.ofMinutes(5));
      return this;
    }

    /** What local verification does once the stream has been down past its bound; default {@code CALL_API}. */
    public Builder revocationStreamFailSafe(FailSafe failSafe) {
      c.revocationStreamFailSafe = Objects.requireNonNull(failSafe, "failSafe");
      return this;
    }

    public LatchkeyBackend build() {
      if (c.baseUrl == null || c.projectId == null || c.secret == null) {
        String missing = ((c.baseUrl == null ? "baseUrl " : "") + (c.projectId == null ? "projectId " : "")
            + (c.secret == null ? "secret" : "")).trim();
        throw new IllegalStateException("baseUrl, projectId and secret are required; missing: " + missing);
      }
      return new LatchkeyBackend(c.copy());
    }
  }
}
