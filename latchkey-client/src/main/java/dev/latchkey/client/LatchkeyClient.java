package dev.latchkey.client;

import dev.latchkey.model.internal.Checks;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleSupplier;

/**
 * A Latchkey (or Stytch) client for apps: a cached session that refreshes itself in the background and tells
 * listeners when it changes, over the {@code /sdk/v1} endpoints. Thread-safe; build one per app and close it on
 * exit.
 *
 * <pre>{@code
 * LatchkeyClient client = LatchkeyClient.builder()
 *     .baseUrl(URI.create("http://127.0.0.1:8080"))
 *     .publicToken("public-token-...")
 *     .tokenStore(TokenStore.file(Path.of(System.getProperty("user.home"), ".myapp", "session")))
 *     .build();
 * client.session().onChange(session -> ui.render(session));
 * if (client.session().getSync() == null) {
 *   client.passwords().authenticate(email, password, 60).join();
 * }
 * }</pre>
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>Setting</th><th>Default</th><th>Range</th><th>Meaning</th></tr>
 *   <tr><td>{@code baseUrl}</td><td>required</td><td>http(s) URL</td><td>The server</td></tr>
 *   <tr><td>{@code publicToken}</td><td>required</td><td></td><td>The project's public token</td></tr>
 *   <tr><td>{@code tokenStore}</td><td>in memory</td><td></td><td>Where the session survives a restart</td></tr>
 *   <tr><td>{@code refreshInterval}</td><td>3m</td><td>100ms..1h</td><td>Background check while signed in</td></tr>
 *   <tr><td>{@code keepSessionAlive}</td><td>false</td><td></td><td>Background checks re-send the last duration
 *   asked for, extending the session</td></tr>
 *   <tr><td>{@code retryBackoff}</td><td>2s, 4m16s</td><td>10ms..1h</td><td>First and longest wait after a check
 *   that got no verdict (doubling, ±10% jitter)</td></tr>
 *   <tr><td>{@code httpTimeout}</td><td>10s</td><td>100ms..5m</td><td>Timeout of the default transport</td></tr>
 *   <tr><td>{@code transport}</td><td>JDK HttpClient</td><td></td><td>How requests are sent</td></tr>
 *   <tr><td>{@code clock}</td><td>system UTC</td><td></td><td>Local expiry of the cached session</td></tr>
 *   <tr><td>{@code scheduler}</td><td>own daemon thread</td><td></td><td>Runs the background checks</td></tr>
 * </table>
 */
public final class LatchkeyClient implements AutoCloseable {
  /** How long close() waits for requests in flight and the last save to the token store. */
  private static final long CLOSE_WAIT_MILLIS = 2_000;

  private final Config config;
  private final Engine engine;
  private final Dispatcher dispatcher;
  private final Refresher refresher;
  private final ExecutorService io;
  private final Transport transport;
  private final ScheduledExecutorService scheduler;
  private final boolean ownsScheduler;
  private final SessionClient session;
  private final UserClient user;
  private final PasswordClient passwords;
  private final MagicLinkClient magicLinks;
  private final OAuthClient oauth;
  private final OtpClient otps;
  private final TotpClient totps;
  private final WebAuthnClient webauthn;
  private final AtomicInteger closed = new AtomicInteger();
  private final RevocationWatch revocationWatch;

  /** Android's runtime names itself so; there the revocation watch is off unless asked for. */
  static boolean onAndroid() {
    return String.valueOf(System.getProperty("java.vm.name")).contains("Dalvik")
        || String.valueOf(System.getProperty("java.vendor")).contains("Android");
  }

  private static Duration revocationWait(Config c) {
    if (c.revocationWait != null) {
      return c.revocationWait;
    }
    long seconds = Math.max(1, Math.min(20, c.httpTimeout.toSeconds() - 2));
    return Duration.ofSeconds(seconds);
  }

  private LatchkeyClient(Config c) {
    this.config = c;
    this.transport = c.transport != null ? c.transport : Transport.jdk(c.httpTimeout);
    Api api = new Api(transport, c.baseUrl, c.publicToken);
    StoredSession stored = c.tokenStore.load();
    this.io = Executors.newCachedThreadPool(threads("latchkey-client-io"));
    this.engine = new Engine(stored, api, io, c.clock);
    this.dispatcher = new Dispatcher(Executors.newSingleThreadExecutor(threads("latchkey-client-listener")),
        c.tokenStore, engine::state, engine::sessionInfo, engine.state());
    this.ownsScheduler = c.scheduler == null;
    this.scheduler = ownsScheduler ? Executors.newSingleThreadScheduledExecutor(threads("latchkey-client-refresh"))
        : c.scheduler;
    this.refresher = new Refresher(engine, scheduler, c.refreshInterval, new Backoff(c.backoffInitial, c.backoffMax),
        c.random, c.keepSessionAlive);
    engine.attach(dispatcher, refresher);
    boolean watch = c.revocationWatch != null ? c.revocationWatch : !onAndroid();
    this.revocationWatch = watch ? new RevocationWatch(engine, api, revocationWait(c),
        new Backoff(c.backoffInitial, c.backoffMax), c.random) : null;
    this.session = new SessionClient(engine, dispatcher);
    this.user = new UserClient(engine, dispatcher);
    this.passwords = new PasswordClient(engine, api);
    this.magicLinks = new MagicLinkClient(engine, api);
    this.oauth = new OAuthClient(engine, api, c.baseUrl, c.publicToken);
    this.otps = new OtpClient(engine, api);
    this.totps = new TotpClient(engine, api);
    this.webauthn = new WebAuthnClient(engine, api);
    if (stored != null) {
      refresher.start(true); // the cached session shows at once; the server confirms or refuses it now
    }
  }

  public static Builder builder() {
    return new Builder(new Config());
  }

  /** A builder with this client's settings, to build another client (it shares the store; close this one first). */
  public Builder newBuilder() {
    return new Builder(config.copy());
  }

  public SessionClient session() {
    return session;
  }

  public UserClient user() {
    return user;
  }

  public PasswordClient passwords() {
    return passwords;
  }

  public MagicLinkClient magicLinks() {
    return magicLinks;
  }

  /** Sign-in with Google, Microsoft, Apple, GitHub or the server's OpenID Connect provider. */
  public OAuthClient oauth() {
    return oauth;
  }

  public OtpClient otps() {
    return otps;
  }

  public TotpClient totps() {
    return totps;
  }

  /** Passkeys and WebAuthn: options out, the platform's credential JSON in. */
  public WebAuthnClient webauthn() {
    return webauthn;
  }

  /** The whole state as one snapshot (tokens and session read together). */
  State snapshot() {
    return engine.state();
  }

  /** Completes when every change made so far has been saved and delivered to listeners (for tests and shutdown). */
  java.util.concurrent.CompletableFuture<Void> idle() {
    return dispatcher.idle();
  }

  /**
   * Stops the background checks, waits briefly for requests in flight and for the last save to the token store,
   * then stops the client's threads (not a scheduler the app supplied). The stored session stays: the next run
   * resumes it. Idempotent.
   */
  @Override
  public void close() {
    if (closed.getAndIncrement() != 0) {
      return;
    }
    engine.close();
    if (revocationWatch != null) {
      revocationWatch.close();
    }
    refresher.close();
    if (ownsScheduler) {
      scheduler.shutdownNow();
    }
    io.shutdown();
    try {
      if (!io.awaitTermination(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
        io.shutdownNow();
      }
    } catch (InterruptedException e) {
      io.shutdownNow();
      Thread.currentThread().interrupt();
    }
    dispatcher.close(CLOSE_WAIT_MILLIS);
    if (transport instanceof JdkTransport) {
      ((JdkTransport) transport).close(); // only the client's own; an app's transport is the app's to close
    }
  }

  @Override
  public String toString() {
    return "LatchkeyClient[baseUrl=" + config.baseUrl + ", tokenStore=" + config.tokenStore + "]";
  }

  private static ThreadFactory threads(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true); // a forgotten close() must not keep the app's JVM alive
      return t;
    };
  }

  private static final class Config {
    URI baseUrl;
    String publicToken;
    TokenStore tokenStore = TokenStore.inMemory();
    Duration refreshInterval = Duration.ofMinutes(3);
    boolean keepSessionAlive;
    Duration backoffInitial = Duration.ofSeconds(2);
    Duration backoffMax = Duration.ofSeconds(256);
    Duration httpTimeout = Duration.ofSeconds(10);
    Transport transport;
    Clock clock = Clock.systemUTC();
    ScheduledExecutorService scheduler;
    DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();
    Boolean revocationWatch;
    Duration revocationWait;

    Config copy() {
      Config c = new Config();
      c.baseUrl = baseUrl;
      c.publicToken = publicToken;
      c.tokenStore = tokenStore;
      c.refreshInterval = refreshInterval;
      c.keepSessionAlive = keepSessionAlive;
      c.backoffInitial = backoffInitial;
      c.backoffMax = backoffMax;
      c.httpTimeout = httpTimeout;
      c.transport = transport;
      c.clock = clock;
      c.scheduler = scheduler;
      c.random = random;
      c.revocationWatch = revocationWatch;
      c.revocationWait = revocationWait;
      return c;
    }
  }

  /** Settings for a {@link LatchkeyClient}; each setter validates its value and names it when it refuses. */
  public static final class Builder {
    private final Config c;

    private Builder(Config c) {
      this.c = c;
    }

    /** The server, e.g. {@code http://127.0.0.1:8080}. Required. */
    public Builder baseUrl(URI baseUrl) {
      c.baseUrl = Checks.baseUrl(baseUrl);
      return this;
    }

    /** The project's public token (LATCHKEY_PUBLIC_TOKEN on the server). Required. */
    public Builder publicToken(String publicToken) {
      c.publicToken = Checks.text(publicToken, "publicToken");
      return this;
    }

    /** Where the session is kept between runs; default {@link TokenStore#inMemory()}. */
    public Builder tokenStore(TokenStore store) {
      c.tokenStore = Objects.requireNonNull(store, "tokenStore");
      return this;
    }

    /** How often the session is checked in the background while signed in, 100 ms to 1 hour; default 3 minutes. */
    public Builder refreshInterval(Duration interval) {
      c.refreshInterval = Checks.duration("refreshInterval", interval, Duration.ofMillis(100), Duration.ofHours(1));
      return this;
    }

    /**
     * When true, background checks re-send the duration last passed to {@code authenticate} or a sign-in, so the
     * session lives as long as the app runs. Default false: checks never extend the session.
     */
    public Builder keepSessionAlive(boolean keepAlive) {
      c.keepSessionAlive = keepAlive;
      return this;
    }

    /**
     * The wait after a background check that got no verdict: {@code initial}, doubling up to {@code max}, each
     * spread by ±10%. Both 10 ms to 1 hour, {@code initial <= max}; default 2 s and 256 s (the browser SDK's).
     */
    public Builder retryBackoff(Duration initial, Duration max) {
      Checks.duration("retryBackoff initial", initial, Duration.ofMillis(10), Duration.ofHours(1));
      Checks.duration("retryBackoff max", max, Duration.ofMillis(10), Duration.ofHours(1));
      if (initial.compareTo(max) > 0) {
        throw new IllegalArgumentException("retryBackoff initial is " + initial + "; it must not exceed max " + max);
      }
      c.backoffInitial = initial;
      c.backoffMax = max;
      return this;
    }

    /**
     * Whether the client follows its own session's events ({@code GET /sdk/v1/sessions/events}, long-polled
     * through the transport) so that a revoke elsewhere fires {@code onChange(null)} at once instead of at the next
     * refresh. Default: on, except on Android (battery: a request stays open while signed in), where an app turns
     * it on for the screens that need it.
     */
    public Builder revocationWatch(boolean on) {
      c.revocationWatch = on;
      return this;
    }

    /**
     * How long one long poll of the revocation watch waits on the server, 1 to 25 s; it must be shorter than the
     * transport's timeout. Default: {@code httpTimeout} less 2 s, at most 20 s (8 s with the default timeout).
     */
    public Builder revocationWait(Duration wait) {
      c.revocationWait = Checks.duration("revocationWait", wait, Duration.ofSeconds(1), Duration.ofSeconds(25));
      return this;
    }

    /** Connect and request timeout of the default transport, 100 ms to 5 minutes; default 10 s. */
    public Builder httpTimeout(Duration timeout) {
      c.httpTimeout = Checks.duration("httpTimeout", timeout, Duration.ofMillis(100), Duration.ofMinutes(5));
      return this;
    }

    /** Sends the requests (default: the JDK's HttpClient, see {@link Transport#jdk(Duration)}). */
    public Builder transport(Transport transport) {
      c.transport = Objects.requireNonNull(transport, "transport");
      return this;
    }

    /** The time for local expiry decisions; default the system clock in UTC. */
    public Builder clock(Clock clock) {
      c.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Runs the background checks on the app's scheduler instead of the client's own thread; {@link #close()} does
     * not shut it down. Tests pass one that runs tasks when told.
     */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      c.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /** The jitter's random draw, uniform in [0, 1); tests pin it to check the backoff bounds. */
    Builder random(DoubleSupplier random) {
      c.random = Objects.requireNonNull(random, "random");
      return this;
    }

    public LatchkeyClient build() {
      if (c.baseUrl == null) {
        throw new IllegalStateException(
            "baseUrl is required, e.g. builder().baseUrl(URI.create(\"http://127.0.0.1:8080\"))");
      }
      if (c.publicToken == null) {
        throw new IllegalStateException("publicToken is required: the server's LATCHKEY_PUBLIC_TOKEN");
      }
      return new LatchkeyClient(c.copy());
    }
  }
}
