package dev.latchkey.server;

import dev.latchkey.server.store.jdbc.JdbcStores;

import dev.latchkey.server.admin.AdminConsole;
import dev.latchkey.server.config.Settings;
import dev.latchkey.server.crypto.CryptoProviders;
import dev.latchkey.server.crypto.Ids;
import dev.latchkey.server.crypto.KeyEncryption;
import dev.latchkey.server.keys.KeyRing;
import dev.latchkey.server.factor.NewDeviceAlerts;
import dev.latchkey.server.factor.EmailFactorPurger;
import dev.latchkey.server.factor.EmailLinks;
import dev.latchkey.server.factor.migrate.SessionMigrateService;
import dev.latchkey.server.oidc.OidcProvider;
import dev.latchkey.server.factor.oauth.OAuthService;
import dev.latchkey.server.factor.otp.EmailOtpService;
import dev.latchkey.server.factor.magiclink.MagicLinkService;
import dev.latchkey.server.http.HttpApi;
import dev.latchkey.server.factor.RateLimiter;
import dev.latchkey.server.factor.password.HashingPool;
import dev.latchkey.server.mail.CountingMailer;
import dev.latchkey.server.mail.DevOutbox;
import dev.latchkey.server.metrics.ServerMetrics;
import dev.latchkey.server.mail.MailTemplates;
import dev.latchkey.server.mail.Mailer;
import dev.latchkey.server.mail.SmtpMailer;
import dev.latchkey.server.factor.password.PasswordHasher;
import dev.latchkey.server.factor.password.PasswordPolicy;
import dev.latchkey.server.factor.password.PasswordResetService;
import dev.latchkey.server.factor.password.PasswordService;
import dev.latchkey.server.session.SessionJwts;
import dev.latchkey.server.session.SessionPolicy;
import dev.latchkey.server.session.webhook.WebhookDispatcher;
import dev.latchkey.server.session.webhook.Webhooks;
import dev.latchkey.server.session.SessionPurger;
import dev.latchkey.server.session.SessionEventHub;
import dev.latchkey.server.session.SessionService;
import dev.latchkey.server.store.ProjectRecord;
import dev.latchkey.server.store.Stores;
import dev.latchkey.server.factor.totp.TotpPolicy;
import dev.latchkey.server.factor.totp.TotpService;
import dev.latchkey.server.factor.webauthn.WebAuthnService;
import dev.latchkey.server.user.UserService;
import java.io.IOException;
import java.nio.file.Files;
import java.security.Provider;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Latchkey: the object graph for one set of {@link Settings}. Starts once, stops idempotently.
 *
 * <pre>{@code
 * LatchkeyServer server = LatchkeyServer.start(Settings.load(System.getenv()), Clock.systemUTC());
 * System.out.println(server.baseUrl());
 * server.stop();
 * }</pre>
 */
public final class LatchkeyServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LatchkeyServer.class);
  /** Bounded wait for background jobs at shutdown; they only touch the database, which answers in milliseconds. */
  private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(5);

  private final Settings settings;
  private final Stores stores;
  private final ProjectRecord project;
  private final Optional<String> generatedSecret;
  private final boolean createdProject;
  private final HttpApi http;
  private final ScheduledExecutorService background;
  private ScheduledExecutorService webhookThread;
  private final HashingPool hashing;
  private final SessionEventHub eventHub;
  private boolean stopped;

  private LatchkeyServer(Settings settings, Clock clock) {
    this.settings = settings;
    prepareDataDir(settings);
    this.stores = JdbcStores.open(settings.databaseUrl(), settings.databaseTimeout(), settings.databasePoolSize());
    this.hashing = new HashingPool(settings.passwordHashThreads() > 0 ? settings.passwordHashThreads()
        : Runtime.getRuntime().availableProcessors(), settings.passwordHashQueue());
    try {
      ProjectBootstrap.Result boot = ProjectBootstrap.resolve(settings, stores.project(), clock);
      this.project = boot.project();
      this.generatedSecret = boot.generatedSecret();
      this.createdProject = boot.created();
      Ids ids = Ids.forProject(project.projectId());
      KeyEncryption encryption = new KeyEncryption(settings.keyEncryptionKey());
      if (!encryption.enabled()) {
        LOG.warn("LATCHKEY_KEY_ENCRYPTION_KEY is not set: signing keys, TOTP and webhook secrets are stored unencrypted in the "
            + "database. Set it to the output of 'openssl rand -base64 32' in production.");
      }
      KeyRing keys = new KeyRing(stores.keys(), encryption, ids, clock, settings.keyRetention());
      keys.start();
      Provider rsa = CryptoProviders.select(settings.cryptoProvider(), LOG::info);
      this.eventHub = new SessionEventHub(stores.sessionEvents());
      ServerMetrics metrics = new ServerMetrics();
      SessionPolicy sessionPolicy = new SessionPolicy(settings.sessionIdleTimeout(),
          settings.sessionAbsoluteLifetime(), settings.sessionMaxPerUser());
      SessionService sessions = new SessionService(stores.sessions(),
          new SessionJwts(keys, project.projectId(), rsa), ids, clock, settings.lastAccessedWriteInterval(), metrics, sessionPolicy);
      UserService users = new UserService(stores.users(), ids, clock);
      RateLimiter limiter = new RateLimiter(stores.rateCounters(), settings.limits(), clock, metrics);
      PasswordHasher hasher = new PasswordHasher(settings.argon2MemoryKib(), settings.argon2Iterations(),
          settings.argon2Parallelism(), hashing, metrics);
      PasswordPolicy policy = new PasswordPolicy();
      PasswordService passwords = new PasswordService(stores.users(), users, sessions, hasher, policy, ids, limiter,
          clock);
      TotpService totps = new TotpService(stores.totps(), users, sessions, encryption,
          new TotpPolicy(settings.totpIssuer(), settings.totpMaxFailedAttempts(), settings.totpLockout()), ids, clock);
      WebAuthnService webauthn = new WebAuthnService(stores.webauthn(), users, sessions, settings.webauthnOrigins(),
          ids, clock);
      MailTemplates templates = new MailTemplates(settings.mail().templatesDir());
      DevOutbox outbox = settings.mail().smtpHost() == null ? new DevOutbox(settings.mail().devOutbox(), clock) : null;
      metrics.poolGauge("active", stores, st -> st.pool().active());
      metrics.poolGauge("idle", stores, st -> st.pool().idle());
      metrics.poolGauge("waiting", stores, st -> st.pool().waiting());
      metrics.poolGauge("total", stores, st -> st.pool().total());
      Mailer mailer = new CountingMailer(outbox != null ? outbox : new SmtpMailer(settings.mail()), metrics);
      OAuthService oauth = new OAuthService(settings.oauth(), settings.mail().redirectUrls(), stores.oauth(),
          stores.users(), users, sessions, encryption, limiter, ids, clock);
      AdminConsole admin = settings.admin().enabled()
          ? new AdminConsole(settings.admin(), settings.oauth().publicUrl(), stores.admins(), hasher, limiter,
              new AdminConsole.Services(users, sessions, keys, metrics), clock)
          : null;
      EmailLinks links = new EmailLinks(settings.mail().redirectUrls(), stores.emailTokens(), mailer, clock);
      // The link's landing page is always served (a link mailed before the setting was turned off still works);
      // mails go out only with the setting on.
      Webhooks webhooks = new Webhooks(stores.webhooks(), stores.sessionEvents(), encryption, clock);
      NewDeviceAlerts newDeviceAlerts = new NewDeviceAlerts(stores.users(), stores.emailTokens(), stores.sessions(),
          mailer, templates, settings.oauth().publicUrl(), clock);
      if (settings.newDeviceEmail()) {
        sessions.onStart(newDeviceAlerts);
      }
      this.http = new HttpApi(settings.bind(), settings.port(), settings.corsOrigins(), project, new HttpApi.Services(
          stores, keys, users, sessions, passwords,
          new PasswordResetService(stores.users(), stores.emailTokens(), links, templates, sessions, hasher, policy,
              ids, limiter, clock),
          new MagicLinkService(stores.users(), users, stores.emailTokens(), links, templates, sessions, limiter, clock),
          new EmailOtpService(stores.users(), users, stores.otpCodes(), mailer, templates, sessions, limiter, clock),
          totps,
          outbox != null && settings.mail().devOutbox() ? outbox : null,
          new SessionMigrateService(settings.sessionMigrateIssuer() == null ? null
              : new OidcProvider(settings.sessionMigrateIssuer(), clock), stores.users(), users, sessions, clock),
          oauth, settings.oauth().publicUrl(), webauthn, new HttpApi.SessionEvents(eventHub,
              settings.sessionEventsHeartbeat()), newDeviceAlerts, webhooks),
          new HttpApi.Operations(metrics, settings.metricsToken(), "json".equals(settings.logFormat()), admin));
      warnAboutMailSettings(settings);
      this.background = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "latchkey-background");
        t.setDaemon(true);
        return t;
      });
      SessionPurger purger = new SessionPurger(stores.sessions(), stores.totps(), sessionPolicy);
      schedule("purge expired sessions and unverified TOTPs", () -> purger.runOnce(clock.instant()),
          settings.purgeInterval());
      EmailFactorPurger emailPurger = new EmailFactorPurger(stores.emailTokens(), stores.otpCodes(),
          stores.rateCounters(), stores.users());
      schedule("purge expired email tokens, codes and counters", () -> emailPurger.runOnce(clock.instant()),
          settings.purgeInterval());
      schedule("purge expired OAuth states and tokens", () -> oauth.purgeExpired(clock.instant()),
          settings.purgeInterval());
      schedule("purge unfinished WebAuthn ceremonies", () -> webauthn.purgeExpiredCeremonies(clock.instant()),
          settings.purgeInterval());
      schedule("refresh signing keys", keys::refresh, settings.keyRefreshInterval());
      if (admin != null) {
        schedule("purge ended admin sessions", () -> admin.purgeExpired(clock.instant()), settings.purgeInterval());
      }
      // Another node's rotation is announced on PostgreSQL; the scheduled refresh stays as the backstop.
      // Events committed on another node are announced the same way; the hub then reads them from the log.
      stores.watch(Map.of(Stores.KEYS_CHANGED, keys::refresh, Stores.SESSION_EVENTS, eventHub::wake));
      // Webhooks on a thread of their own: a slow receiver (up to the 10 s timeout) must not hold up the purges.
      this.webhookThread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "latchkey-webhooks");
        t.setDaemon(true);
        return t;
      });
      WebhookDispatcher dispatcher = new WebhookDispatcher(stores.webhooks(), webhooks, clock,
          settings.webhookRetryBase(), settings.webhookRetryMax(), settings.webhookRetryWindow());
      webhookThread.scheduleWithFixedDelay(() -> {
        try {
          dispatcher.runOnce();
        } catch (RuntimeException e) {
          LOG.warn("Webhook delivery pass failed: {}", e.getMessage());
        }
      }, 1, 1, TimeUnit.SECONDS);
      schedule("purge delivered webhook deliveries", () -> stores.webhooks().purgeDelivered(
          clock.instant().minus(settings.webhookRetryWindow())), settings.purgeInterval());
      schedule("prune old session events",
          () -> stores.sessionEvents().prune(clock.instant().minus(settings.sessionEventsRetention())),
          settings.purgeInterval());
    } catch (RuntimeException e) {
      hashing.close();
      stores.close();
      throw e;
    }
  }

  private static void warnAboutMailSettings(Settings settings) {
    if (settings.mail().smtpHost() == null) {
      LOG.warn("LATCHKEY_SMTP_HOST is not set: mails are not sent but kept in the dev outbox{}",
          settings.mail().devOutbox() ? ", served at GET /v1/dev/outbox"
              : " (set LATCHKEY_DEV_OUTBOX=true to read them at GET /v1/dev/outbox)");
    } else if (settings.mail().devOutbox()) {
      LOG.warn("LATCHKEY_DEV_OUTBOX=true is ignored: mails go to {} (LATCHKEY_SMTP_HOST)", settings.mail().smtpHost());
    }
  }

  /** Opens the database, prepares keys and starts listening; throws if any of it fails. */
  public static LatchkeyServer start(Settings settings, Clock clock) {
    LatchkeyServer server = new LatchkeyServer(settings, clock);
    try {
      server.http.start();
    } catch (RuntimeException e) {
      server.stop();
      throw new IllegalStateException("Cannot listen on " + settings.bind() + ":" + settings.port()
          + " (is the port in use? set LATCHKEY_PORT): " + e.getMessage(), e);
    }
    return server;
  }

  /** The stores this server runs on: for tools embedding a server; the HTTP API is the way in for everything else. */
  public Stores stores() {
    return stores;
  }

  public String baseUrl() {
    return "http://" + (settings.bind().contains(":") ? "[" + settings.bind() + "]" : settings.bind()) + ":"
        + http.port();
  }

  public int port() {
    return http.port();
  }

  public ProjectRecord project() {
    return project;
  }

  /** The secret generated by this start, present only on the start that created the project. */
  public Optional<String> generatedSecret() {
    return generatedSecret;
  }

  public boolean createdProject() {
    return createdProject;
  }

  public List<String> routes() {
    return http.routes();
  }

  /** Stops accepting requests, lets in-flight ones finish, then stops jobs and closes the database. */
  public synchronized void stop() {
    if (stopped) {
      return;
    }
    stopped = true;
    try {
      // Open event streams end first (their handlers return), so stopping the HTTP server need not wait for them.
      eventHub.close();
      http.stop();
    } finally {
      background.shutdownNow();
      if (webhookThread != null) {
        webhookThread.shutdownNow();
      }
      hashing.close();
      try {
        background.awaitTermination(SHUTDOWN_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      stores.close();
    }
  }

  @Override
  public void close() {
    stop();
  }

  private void schedule(String name, Runnable job, Duration every) {
    background.scheduleWithFixedDelay(() -> {
      try {
        job.run();
      } catch (RuntimeException e) {
        // A periodic task that throws is never run again: log and keep going.
        LOG.warn("Background job '{}' failed: {}", name, e.getMessage());
      }
    }, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static void prepareDataDir(Settings s) {
    if (s.databaseUrl().startsWith("jdbc:sqlite:")) {
      try {
        Files.createDirectories(s.dataDir());
        java.nio.file.Path db = java.nio.file.Path.of(s.databaseUrl().substring("jdbc:sqlite:".length()));
        if (db.getParent() != null) {
          Files.createDirectories(db.getParent());
        }
      } catch (IOException e) {
        throw new dev.latchkey.server.config.ConfigException("LATCHKEY_DATA_DIR=" + s.dataDir()
            + ": cannot create it (" + e.getMessage() + "); point it at a writable directory");
      }
    }
  }
}
