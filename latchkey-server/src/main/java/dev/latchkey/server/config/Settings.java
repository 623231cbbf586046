package dev.latchkey.server.config;

import static dev.latchkey.server.config.SettingsCatalog.*;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Every setting, read from {@code LATCHKEY_*} environment variables and, when {@code LATCHKEY_CONFIG_FILE} names
 * one, a properties file with the same keys (the environment wins). Validated once, at start-up: a bad value
 * stops the server with a message naming the setting, the value, the accepted range and where it came from. Each
 * setting's name, default, range and meaning is declared once, in {@link SettingsCatalog}.
 *
 * <pre>{@code
 * Settings s = Settings.load(System.getenv());
 * }</pre>
 */
public record Settings(
    int port,
    String bind,
    Path dataDir,
    String databaseUrl,
    String projectId,
    String secret,
    String publicToken,
    byte[] keyEncryptionKey,
    Duration keyRetention,
    Duration keyRefreshInterval,
    int argon2MemoryKib,
    int argon2Iterations,
    int argon2Parallelism,
    Duration purgeInterval,
    Duration databaseTimeout,
    int databasePoolSize,
    List<String> corsOrigins,
    String totpIssuer,
    int totpMaxFailedAttempts,
    Duration totpLockout,
    MailSettings mail,
    LimitSettings limits,
    Duration lastAccessedWriteInterval,
    String cryptoProvider,
    String logFormat,
    String metricsToken,
    java.net.URI sessionMigrateIssuer,
    OAuthSettings oauth,
    List<String> webauthnOrigins,
    int passwordHashThreads,
    int passwordHashQueue,
    AdminSettings admin,
    Duration sessionEventsRetention,
    Duration sessionEventsHeartbeat,
    Duration sessionIdleTimeout,
    Duration sessionAbsoluteLifetime,
    int sessionMaxPerUser,
    boolean newDeviceEmail,
    Duration webhookRetryBase,
    Duration webhookRetryMax,
    Duration webhookRetryWindow) {

  /**
   * Reads every setting of {@link SettingsCatalog} from {@code environment} (and the config file it may name), or
   * stops with a {@link ConfigException} naming the first bad one.
   */
  public static Settings load(Map<String, String> environment) {
    Source src = Source.of(environment);
    Path dataDir = Path.of(src.read(DATA_DIR));
    String databaseUrl = src.read(DATABASE_URL);
    return new Settings(
        src.read(PORT),
        src.read(BIND),
        dataDir,
        databaseUrl == null ? "jdbc:sqlite:" + dataDir.resolve("latchkey.db") : databaseUrl,
        src.read(PROJECT_ID),
        src.read(SECRET),
        src.read(PUBLIC_TOKEN),
        src.read(KEY_ENCRYPTION_KEY),
        src.read(KEY_RETENTION),
        src.read(KEY_REFRESH_INTERVAL),
        src.read(ARGON2_MEMORY_KIB),
        src.read(ARGON2_ITERATIONS),
        src.read(ARGON2_PARALLELISM),
        src.read(PURGE_INTERVAL),
        src.read(DATABASE_TIMEOUT),
        src.read(DATABASE_POOL_SIZE),
        src.read(CORS_ORIGINS),
        src.read(TOTP_ISSUER),
        src.read(TOTP_MAX_FAILED_ATTEMPTS),
        src.read(TOTP_LOCKOUT),
        mail(src),
        limits(src),
        src.read(LAST_ACCESSED_WRITE_INTERVAL),
        src.read(CRYPTO_PROVIDER),
        src.read(LOG_FORMAT),
        src.read(METRICS_TOKEN),
        src.read(SESSION_MIGRATE_ISSUER),
        oauth(src),
        src.read(WEBAUTHN_ORIGINS),
        src.read(PASSWORD_HASH_THREADS),
        src.read(PASSWORD_HASH_QUEUE),
        new AdminSettings(src.read(ADMIN_ENABLED), src.read(ADMIN_PASSWORD), src.read(ADMIN_IDLE_TIMEOUT),
            src.read(ADMIN_SESSION_LIFETIME)),
        src.read(SESSION_EVENTS_RETENTION),
        src.read(SESSION_EVENTS_HEARTBEAT),
        src.read(SESSION_IDLE_TIMEOUT),
        src.read(SESSION_ABSOLUTE_LIFETIME),
        src.read(SESSION_MAX_PER_USER),
        newDeviceEmail(src),
        src.read(WEBHOOK_RETRY_BASE),
        src.read(WEBHOOK_RETRY_MAX),
        src.read(WEBHOOK_RETRY_WINDOW));
  }

  /** The mail's link must work from the user's mail client: it needs the public URL, not a request's Host. */
  private static boolean newDeviceEmail(Source src) {
    boolean on = src.read(NEW_DEVICE_EMAIL);
    if (on && src.read(PUBLIC_URL) == null) {
      throw new ConfigException("LATCHKEY_NEW_DEVICE_EMAIL=true needs LATCHKEY_PUBLIC_URL (the URL browsers reach "
          + "Latchkey at), since the mail's sign-out link is opened from the user's mail client");
    }
    return on;
  }

  private static OAuthSettings oauth(Source src) {
    java.util.List<OAuthSettings.Provider> providers = new java.util.ArrayList<>();
    provider(src, providers, "google", OAUTH_GOOGLE_CLIENT_ID, OAUTH_GOOGLE_CLIENT_SECRET,
        src.read(OAUTH_GOOGLE_ISSUER), null);
    provider(src, providers, "microsoft", OAUTH_MICROSOFT_CLIENT_ID, OAUTH_MICROSOFT_CLIENT_SECRET,
        src.read(OAUTH_MICROSOFT_ISSUER), null);
    provider(src, providers, "apple", OAUTH_APPLE_CLIENT_ID, OAUTH_APPLE_CLIENT_SECRET,
        src.read(OAUTH_APPLE_ISSUER), null);
    provider(src, providers, "github", OAUTH_GITHUB_CLIENT_ID, OAUTH_GITHUB_CLIENT_SECRET,
        src.read(OAUTH_GITHUB_BASE_URL), src.read(OAUTH_GITHUB_API_URL));
    String oidcIssuer = src.read(OAUTH_OIDC_ISSUER);
    if (src.read(OAUTH_OIDC_CLIENT_ID) != null && oidcIssuer == null) {
      throw new ConfigException(OAUTH_OIDC_CLIENT_ID + " is set but " + OAUTH_OIDC_ISSUER + " is not: name the "
          + "provider's issuer URL, e.g. https://keycloak.example.com/realms/main");
    }
    provider(src, providers, "oidc", OAUTH_OIDC_CLIENT_ID, OAUTH_OIDC_CLIENT_SECRET, oidcIssuer, null);
    return new OAuthSettings(src.read(PUBLIC_URL), providers);
  }

  private static void provider(Source src, java.util.List<OAuthSettings.Provider> out, String name,
      Setting<String> id, Setting<String> secret, String baseUrl, String apiUrl) {
    String clientId = src.read(id);
    String clientSecret = src.read(secret);
    if ((clientId == null) != (clientSecret == null)) {
      throw new ConfigException(id + " and " + secret + " go together: set both to turn on sign-in with " + name
          + ", or neither");
    }
    if (clientId != null) {
      out.add(new OAuthSettings.Provider(name, clientId, clientSecret, baseUrl, apiUrl));
    }
  }

  private static MailSettings mail(Source src) {
    String user = src.read(SMTP_USERNAME);
    String password = src.read(SMTP_PASSWORD);
    if ((user == null) != (password == null)) {
      throw new ConfigException(SMTP_USERNAME + " and " + SMTP_PASSWORD + " go together: set both to log in to the "
          + "SMTP server, or neither");
    }
    return new MailSettings(src.read(SMTP_HOST), src.read(SMTP_PORT), src.read(SMTP_TLS), user, password,
        src.read(MAIL_FROM), src.read(MAIL_TEMPLATES_DIR), src.read(DEV_OUTBOX), src.read(REDIRECT_URLS));
  }

  private static LimitSettings limits(Source src) {
    return new LimitSettings(src.read(LIMIT_EMAIL_SENDS), src.read(LIMIT_EMAIL_WINDOW), src.read(LIMIT_IP_SENDS),
        src.read(LIMIT_IP_WINDOW), src.read(LIMIT_IP_FAILURES), src.read(LIMIT_FAILURE_WINDOW),
        src.read(LOCKOUT_THRESHOLD), src.read(LOCKOUT_DURATION));
  }

  /** An absolute http or https URL with a host and no fragment (a link's query is appended to it). */
  public static boolean isAbsoluteHttpUrl(String url) {
    try {
      java.net.URI u = new java.net.URI(url);
      return ("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null
          && u.getRawFragment() == null;
    } catch (java.net.URISyntaxException e) {
      return false;
    }
  }

  /** The key is a secret: keep it out of logs and exception messages. */
  @Override
  public String toString() {
    return "Settings[port=" + port + ", bind=" + bind + ", dataDir=" + dataDir + ", databaseUrl="
        + DatabaseUrl.redact(databaseUrl)
        + ", projectId=" + projectId + ", secret=" + (secret == null ? "unset" : "<redacted>") + ", publicToken="
        + publicToken + ", keyEncryptionKey=" + (keyEncryptionKey == null ? "unset" : "<redacted>")
        + ", corsOrigins=" + corsOrigins + ", mail=" + mail + ", limits=" + limits + "]";
  }
}
