package dev.latchkey.server.config;

import static dev.latchkey.server.config.Setting.bool;
import static dev.latchkey.server.config.Setting.duration;
import static dev.latchkey.server.config.Setting.integer;
import static dev.latchkey.server.config.Setting.oneOf;
import static dev.latchkey.server.config.Setting.oneOfIgnoringCase;
import static dev.latchkey.server.config.Setting.parsed;
import static dev.latchkey.server.config.Setting.text;

import dev.latchkey.server.config.Setting.Choice;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Every setting of the server, each declared once with its name, default, accepted values, parser and meaning.
 * {@link Settings#load} reads them, the README settings table is checked against {@link #ALL}, and
 * {@code latchkey serve --help} prints it.
 */
public final class SettingsCatalog {
  /** The issuer is the label prefix of {@code otpauth://totp/<issuer>:<account>}, so it cannot hold the ':'. */
  private static final Pattern METRICS_TOKEN_TEXT = Pattern.compile("[\\x21-\\x7e]{24,256}");
  private static final Pattern TOTP_ISSUER_TEXT = Pattern.compile("[^:\\p{Cntrl}]{1,64}");

  public static final Setting<Integer> PORT = integer("LATCHKEY_PORT", 8080, 0, 65535,
      "TCP port to listen on (0 picks a free one)");
  public static final Setting<String> BIND = text("LATCHKEY_BIND", "127.0.0.1",
      "Address to listen on; 0.0.0.0 for every interface");
  public static final Setting<String> DATA_DIR = text("LATCHKEY_DATA_DIR", "./data",
      "Directory for the embedded SQLite database");
  public static final Setting<String> DATABASE_URL = parsed("LATCHKEY_DATABASE_URL",
      "Database (docs/deploy.md)", DatabaseUrl.ACCEPTED, ValueParsers::jdbcUrl)
      .unsetMeans("sqlite:<data dir>/latchkey.db").shownInMessagesAs(DatabaseUrl::redact);
  public static final Setting<String> PROJECT_ID = parsed("LATCHKEY_PROJECT_ID", "The project's id",
      "project-live-<uuid> or project-test-<uuid>",
      ValueParsers.matching(Pattern.compile("project-(live|test)-[0-9a-f-]{36}")))
      .unsetMeans("generated on first start");
  public static final Setting<String> SECRET = parsed("LATCHKEY_SECRET", "The project secret for HTTP Basic auth",
      ValueParsers.SECRET, ValueParsers::secret).unsetMeans("generated on first start").secret();
  public static final Setting<String> PUBLIC_TOKEN = parsed("LATCHKEY_PUBLIC_TOKEN", "The project's public token",
      "public-token-live-<uuid> or public-token-test-<uuid>",
      ValueParsers.matching(Pattern.compile("public-token-(live|test)-[0-9a-f-]{36}")))
      .unsetMeans("generated on first start");
  public static final Setting<byte[]> KEY_ENCRYPTION_KEY = parsed("LATCHKEY_KEY_ENCRYPTION_KEY",
      "Encrypts signing keys, TOTP secrets and webhook secrets at rest with AES-256-GCM",
      "the base64 of exactly 32 random bytes, e.g. the output of: openssl rand -base64 32", ValueParsers::key32)
      .unsetMeans("none (warning logged)").secret();
  public static final Setting<Duration> KEY_RETENTION = duration("LATCHKEY_KEY_RETENTION", "1h", "6m", "366d",
      "How long a rotated-out key stays in the JWKS and verifies");
  public static final Setting<Duration> KEY_REFRESH_INTERVAL = duration("LATCHKEY_KEY_REFRESH_INTERVAL", "30s",
      "1s", "1m", "How often keys are re-read from the database");
  public static final Setting<Integer> ARGON2_MEMORY_KIB = integer("LATCHKEY_ARGON2_MEMORY_KIB", 19456, 8192,
      1048576, "Argon2id memory per password hash in KiB");
  public static final Setting<Integer> ARGON2_ITERATIONS = integer("LATCHKEY_ARGON2_ITERATIONS", 2, 1, 10,
      "Argon2id passes");
  public static final Setting<Integer> ARGON2_PARALLELISM = integer("LATCHKEY_ARGON2_PARALLELISM", 1, 1, 16,
      "Argon2id lanes");
  public static final Setting<Duration> PURGE_INTERVAL = duration("LATCHKEY_PURGE_INTERVAL", "1m", "1s", "1d",
      "How often expired sessions and unverified TOTPs are deleted");
  public static final Setting<Duration> DATABASE_TIMEOUT = duration("LATCHKEY_DATABASE_TIMEOUT", "10s", "1s", "1m",
      "How long a request waits for the database before answering 503");
  public static final Setting<Integer> DATABASE_POOL_SIZE = integer("LATCHKEY_DATABASE_POOL_SIZE", 10, 1, 200,
      "Connections each node keeps open to PostgreSQL (SQLite always uses 4)");
  public static final Setting<List<String>> CORS_ORIGINS = parsed("LATCHKEY_CORS_ORIGINS",
      "Comma-separated browser origins (scheme://host[:port]) allowed to call /sdk/v1 with credentials", null,
      ValueParsers::origins).byDefault(List.of(), "none");
  public static final Setting<String> TOTP_ISSUER = parsed("LATCHKEY_TOTP_ISSUER",
      "Issuer shown by authenticator apps for TOTPs", "1 to 64 characters without ':' or control characters",
      ValueParsers.matching(TOTP_ISSUER_TEXT)).byDefault("Latchkey");
  public static final Setting<Integer> TOTP_MAX_FAILED_ATTEMPTS = integer("LATCHKEY_TOTP_MAX_FAILED_ATTEMPTS", 5, 1,
      100, "Consecutive wrong TOTP or recovery codes that lock a user's TOTP");
  public static final Setting<Duration> TOTP_LOCKOUT = duration("LATCHKEY_TOTP_LOCKOUT", "15m", "1m", "1d",
      "How long a TOTP stays locked after too many wrong codes");
  public static final Setting<String> SMTP_HOST = text("LATCHKEY_SMTP_HOST", null,
      "SMTP server for outgoing mail; unset, mails go to the dev outbox and are logged without their secrets")
      .unsetMeans("none (dev outbox)");
  public static final Setting<Integer> SMTP_PORT = integer("LATCHKEY_SMTP_PORT", 587, 1, 65535, "SMTP port");
  public static final Setting<MailSettings.Tls> SMTP_TLS = oneOfIgnoringCase("LATCHKEY_SMTP_TLS", "starttls",
      "How the SMTP connection is protected", List.of(
          new Choice<>("none", MailSettings.Tls.NONE, ""),
          new Choice<>("starttls", MailSettings.Tls.STARTTLS, "required, not opportunistic"),
          new Choice<>("tls", MailSettings.Tls.TLS, "SMTPS")));
  public static final Setting<String> SMTP_USERNAME = text("LATCHKEY_SMTP_USERNAME", null,
      "SMTP user name; set with LATCHKEY_SMTP_PASSWORD to log in");
  public static final Setting<String> SMTP_PASSWORD = text("LATCHKEY_SMTP_PASSWORD", null,
      "SMTP password; never logged").secret();
  public static final Setting<String> MAIL_FROM = parsed("LATCHKEY_MAIL_FROM", "The From address of every mail", null,
      ValueParsers::mailAddress).byDefault("Latchkey <no-reply@localhost>");
  public static final Setting<Path> MAIL_TEMPLATES_DIR = parsed("LATCHKEY_MAIL_TEMPLATES_DIR",
      "Directory of mail templates overriding the built-in ones by file name (see Email below)", null,
      ValueParsers::directory).unsetMeans("none (built-in templates)");
  public static final Setting<Boolean> DEV_OUTBOX = bool("LATCHKEY_DEV_OUTBOX", false,
      "Whether mails kept by the dev outbox (no SMTP) are served at GET /v1/dev/outbox (never in production)");
  public static final Setting<List<String>> REDIRECT_URLS = parsed("LATCHKEY_REDIRECT_URLS",
      "Comma-separated absolute http(s) URLs mailed links and OAuth sign-ins may send users to; the first is the "
          + "default", null,
      ValueParsers::redirectUrls).byDefault(List.of(), "none");
  public static final Setting<Integer> LIMIT_EMAIL_SENDS = integer("LATCHKEY_LIMIT_EMAIL_SENDS", 10, 1, 10_000,
      "Mails to one address per LATCHKEY_LIMIT_EMAIL_WINDOW");
  public static final Setting<Duration> LIMIT_EMAIL_WINDOW = duration("LATCHKEY_LIMIT_EMAIL_WINDOW", "15m", "1s",
      "1d", "Window of LATCHKEY_LIMIT_EMAIL_SENDS");
  public static final Setting<Integer> LIMIT_IP_SENDS = integer("LATCHKEY_LIMIT_IP_SENDS", 30, 1, 100_000,
      "Mails requested for one end-user IP (see docs/api.md, Limits) per LATCHKEY_LIMIT_IP_WINDOW");
  public static final Setting<Duration> LIMIT_IP_WINDOW = duration("LATCHKEY_LIMIT_IP_WINDOW", "1m", "1s", "1d",
      "Window of LATCHKEY_LIMIT_IP_SENDS");
  public static final Setting<Integer> LIMIT_IP_FAILURES = integer("LATCHKEY_LIMIT_IP_FAILURES", 100, 1, 100_000,
      "Failed sign-in attempts (password, code, link) from one end-user IP per LATCHKEY_LIMIT_FAILURE_WINDOW");
  public static final Setting<Duration> LIMIT_FAILURE_WINDOW = duration("LATCHKEY_LIMIT_FAILURE_WINDOW", "15m", "1s",
      "1d", "Window of LATCHKEY_LIMIT_IP_FAILURES");
  public static final Setting<Integer> LOCKOUT_THRESHOLD = integer("LATCHKEY_LOCKOUT_THRESHOLD", 10, 1, 1000,
      "Failed password or code attempts against one user before it is locked out");
  public static final Setting<Duration> LOCKOUT_DURATION = duration("LATCHKEY_LOCKOUT_DURATION", "1h", "1m", "7d",
      "How long such a lockout lasts (fixed window)");
  public static final Setting<Duration> LAST_ACCESSED_WRITE_INTERVAL = duration(
      "LATCHKEY_LAST_ACCESSED_WRITE_INTERVAL", "1m", "0s", "1h", "An authenticate that changes nothing writes "
          + "last_accessed_at only if the stored one is this old (0s: every time)");
  public static final Setting<String> CRYPTO_PROVIDER = oneOf("LATCHKEY_CRYPTO_PROVIDER", "auto",
      "JCA provider for RS256", List.of(
          new Choice<>("jdk", "jdk", ""),
          new Choice<>("accp", "accp", "Amazon Corretto Crypto Provider, Linux x86_64"),
          new Choice<>("auto", "auto", "accp if it loads, else jdk")));
  public static final Setting<String> LOG_FORMAT = oneOf("LATCHKEY_LOG_FORMAT", "text",
      "How the log is written", List.of(
          new Choice<>("text", "text", "one readable line per event"),
          new Choice<>("json", "json", "one JSON object per line, and one line per request with its route, status, "
              + "duration and request_id")));
  public static final Setting<String> METRICS_TOKEN = parsed("LATCHKEY_METRICS_TOKEN",
      "Bearer token a scraper sends to GET /metrics (Prometheus text format); unset, /metrics is not served",
      "24 to 256 printable characters without spaces", ValueParsers.matching(METRICS_TOKEN_TEXT))
      .unsetMeans("none (no /metrics)").secret();
  public static final Setting<java.net.URI> SESSION_MIGRATE_ISSUER = parsed("LATCHKEY_SESSION_MIGRATE_ISSUER",
      "Issuer URL of the OpenID provider whose access tokens POST /v1/sessions/migrate turns into sessions (its "
          + "UserInfo endpoint is found by OIDC discovery)", "an https URL, or http to a loopback host",
      ValueParsers::issuerUrl).unsetMeans("none (sessions/migrate off)");
  // OAuth: each provider is off until its client id and secret are set (docs/oauth.md).
  public static final Setting<String> PUBLIC_URL = parsed("LATCHKEY_PUBLIC_URL",
      "The URL browsers reach Latchkey at; OAuth callbacks are <this>/v1/public/oauth/callback/<provider>",
      "an absolute http(s) URL, e.g. https://auth.example.com", ValueParsers::baseUrl)
      .unsetMeans("from each request's Host");
  public static final Setting<String> OAUTH_GOOGLE_CLIENT_ID = text("LATCHKEY_OAUTH_GOOGLE_CLIENT_ID", null,
      "Google OAuth client id; with its secret, turns on sign-in with Google");
  public static final Setting<String> OAUTH_GOOGLE_CLIENT_SECRET = text("LATCHKEY_OAUTH_GOOGLE_CLIENT_SECRET", null,
      "Google OAuth client secret; never logged").secret();
  public static final Setting<String> OAUTH_GOOGLE_ISSUER = parsed("LATCHKEY_OAUTH_GOOGLE_ISSUER",
      "Google's OpenID Connect issuer (discovery is read from <issuer>/.well-known/openid-configuration)",
      "an absolute http(s) URL", ValueParsers::baseUrl).byDefault("https://accounts.google.com");
  public static final Setting<String> OAUTH_MICROSOFT_CLIENT_ID = text("LATCHKEY_OAUTH_MICROSOFT_CLIENT_ID", null,
      "Microsoft (Entra ID) OAuth client id; with its secret, turns on sign-in with Microsoft");
  public static final Setting<String> OAUTH_MICROSOFT_CLIENT_SECRET = text("LATCHKEY_OAUTH_MICROSOFT_CLIENT_SECRET",
      null, "Microsoft OAuth client secret; never logged").secret();
  public static final Setting<String> OAUTH_MICROSOFT_ISSUER = parsed("LATCHKEY_OAUTH_MICROSOFT_ISSUER",
      "Microsoft's OpenID Connect issuer; by default the common endpoint (any tenant and personal accounts), "
          + "https://login.microsoftonline.com/common/v2.0; a tenant's own issuer (.../<tenant>/v2.0) limits sign-in "
          + "to that tenant", "an absolute http(s) URL", ValueParsers::baseUrl)
      .byDefault("https://login.microsoftonline.com/common/v2.0", "the common endpoint");
  public static final Setting<String> OAUTH_APPLE_CLIENT_ID = text("LATCHKEY_OAUTH_APPLE_CLIENT_ID", null,
      "Sign in with Apple Services ID; with its secret, turns on sign-in with Apple");
  public static final Setting<String> OAUTH_APPLE_CLIENT_SECRET = text("LATCHKEY_OAUTH_APPLE_CLIENT_SECRET", null,
      "Sign in with Apple client secret (the ES256 JWT Apple asks for, renewed at most every 6 months); never logged")
      .secret();
  public static final Setting<String> OAUTH_APPLE_ISSUER = parsed("LATCHKEY_OAUTH_APPLE_ISSUER",
      "Apple's OpenID Connect issuer", "an absolute http(s) URL", ValueParsers::baseUrl)
      .byDefault("https://appleid.apple.com");
  public static final Setting<String> OAUTH_GITHUB_CLIENT_ID = text("LATCHKEY_OAUTH_GITHUB_CLIENT_ID", null,
      "GitHub OAuth app client id; with its secret, turns on sign-in with GitHub");
  public static final Setting<String> OAUTH_GITHUB_CLIENT_SECRET = text("LATCHKEY_OAUTH_GITHUB_CLIENT_SECRET", null,
      "GitHub OAuth app client secret; never logged").secret();
  public static final Setting<String> OAUTH_GITHUB_BASE_URL = parsed("LATCHKEY_OAUTH_GITHUB_BASE_URL",
      "GitHub's web URL (authorize and token endpoints under /login/oauth)", "an absolute http(s) URL",
      ValueParsers::baseUrl).byDefault("https://github.com");
  public static final Setting<String> OAUTH_GITHUB_API_URL = parsed("LATCHKEY_OAUTH_GITHUB_API_URL",
      "GitHub's REST API URL (/user and /user/emails)", "an absolute http(s) URL", ValueParsers::baseUrl)
      .byDefault("https://api.github.com");
  public static final Setting<String> OAUTH_OIDC_CLIENT_ID = text("LATCHKEY_OAUTH_OIDC_CLIENT_ID", null,
      "Client id at a generic OpenID Connect provider (Keycloak, Okta, Auth0, Entra...); with its secret and "
          + "issuer, turns on the provider named oidc");
  public static final Setting<String> OAUTH_OIDC_CLIENT_SECRET = text("LATCHKEY_OAUTH_OIDC_CLIENT_SECRET", null,
      "Client secret at the generic OpenID Connect provider; never logged").secret();
  public static final Setting<String> OAUTH_OIDC_ISSUER = parsed("LATCHKEY_OAUTH_OIDC_ISSUER",
      "The generic OpenID Connect provider's issuer (discovery is read from <issuer>/.well-known/openid-configuration)",
      "an absolute http(s) URL", ValueParsers::baseUrl);
  public static final Setting<String> CONFIG_FILE = text("LATCHKEY_CONFIG_FILE", null,
      "A properties file with the same keys; the environment wins");

  public static final Setting<Integer> PASSWORD_HASH_THREADS = integer("LATCHKEY_PASSWORD_HASH_THREADS", 0, 0, 256,
      "Platform threads that compute password hashes (never the request's virtual thread); 0 = one per core");
  public static final Setting<Integer> PASSWORD_HASH_QUEUE = integer("LATCHKEY_PASSWORD_HASH_QUEUE", 64, 0, 100000,
      "Password checks that may wait for a hashing thread; past it, 503 server_busy with Retry-After: 1");

  /** Every setting, in the order of the README table. */
  public static final Setting<List<String>> WEBAUTHN_ORIGINS = parsed("LATCHKEY_WEBAUTHN_ORIGINS",
      "Comma-separated browser origins (scheme://host[:port]) where passkeys may be registered and used; a ceremony's "
          + "domain (the RP ID) must be the host of one of them or a parent domain of it; unset, passkeys are off",
      null, ValueParsers::origins).byDefault(List.of(), "none");
  // The admin console (docs/operations.md, "Admin console").
  public static final Setting<Boolean> ADMIN_ENABLED = bool("LATCHKEY_ADMIN_ENABLED", false,
      "Whether the admin console is served at /admin (behind its own sign-in); off, /admin is 404");
  public static final Setting<String> ADMIN_PASSWORD = text("LATCHKEY_ADMIN_PASSWORD", null,
      "Password of the admin named admin (hashed with Argon2id at start; a weak one stops the start); unset, only "
          + "admins made by latchkey admin create sign in; never logged").unsetMeans("none").secret();
  public static final Setting<Duration> ADMIN_IDLE_TIMEOUT = duration("LATCHKEY_ADMIN_IDLE_TIMEOUT", "15m", "1m",
      "1d", "How long a signed-in admin may be idle before the console asks for the password again");
  public static final Setting<Duration> ADMIN_SESSION_LIFETIME = duration("LATCHKEY_ADMIN_SESSION_LIFETIME", "8h",
      "5m", "7d", "How long an admin session lasts at most, however busy");
  public static final Setting<Duration> SESSION_EVENTS_RETENTION = duration("LATCHKEY_SESSION_EVENTS_RETENTION", "1h",
      "10m", "30d", "How long session events are kept for GET /v1/sessions/events to replay (at least a JWT's 5 "
          + "minutes plus margin); pruned every LATCHKEY_PURGE_INTERVAL");
  public static final Setting<Duration> SESSION_EVENTS_HEARTBEAT = duration("LATCHKEY_SESSION_EVENTS_HEARTBEAT",
      "15s", "1s", "25s", "How often an idle event stream sends a heartbeat comment (under the 30 s idle timeout)");
  // The session lifecycle (docs/api.md, "Session lifecycle").
  public static final Setting<Duration> SESSION_IDLE_TIMEOUT = duration("LATCHKEY_SESSION_IDLE_TIMEOUT", "0s", "0s",
      "366d", "A session not authenticated for this long ends (session_not_found), whatever its expires_at; 0s: no "
          + "idle timeout");
  public static final Setting<Duration> SESSION_ABSOLUTE_LIFETIME = duration("LATCHKEY_SESSION_ABSOLUTE_LIFETIME",
      "0s", "0s", "3660d", "No session lasts longer than this after it started, however often it is extended (its "
          + "expires_at is capped); 0s: no cap besides session_duration_minutes");
  public static final Setting<Integer> SESSION_MAX_PER_USER = integer("LATCHKEY_SESSION_MAX_PER_USER", 0, 0, 10000,
      "Live sessions one user may have; a new one past it revokes the oldest (with its event); 0: no cap");
  public static final Setting<Boolean> NEW_DEVICE_EMAIL = bool("LATCHKEY_NEW_DEVICE_EMAIL", false,
      "Whether a user is mailed when one of their accounts signs in from a device not among their live sessions, "
          + "with a link that revokes that session; needs LATCHKEY_PUBLIC_URL");
  // Webhooks (docs/api.md, "Webhooks").
  public static final Setting<Duration> WEBHOOK_RETRY_BASE = duration("LATCHKEY_WEBHOOK_RETRY_BASE", "5s", "1s", "1h",
      "Wait before a failed webhook delivery's first retry; each further retry waits twice as long");
  public static final Setting<Duration> WEBHOOK_RETRY_MAX = duration("LATCHKEY_WEBHOOK_RETRY_MAX", "1h", "1s", "1d",
      "Longest wait between two attempts of a webhook delivery");
  public static final Setting<Duration> WEBHOOK_RETRY_WINDOW = duration("LATCHKEY_WEBHOOK_RETRY_WINDOW", "1d", "1s",
      "30d", "How long a webhook delivery is retried after its event before it goes to the dead-letter list");
  public static final List<Setting<?>> ALL = List.of(PORT, BIND, DATA_DIR, DATABASE_URL, PROJECT_ID, SECRET,
      PUBLIC_TOKEN, KEY_ENCRYPTION_KEY, KEY_RETENTION, KEY_REFRESH_INTERVAL, ARGON2_MEMORY_KIB, ARGON2_ITERATIONS,
      ARGON2_PARALLELISM, PURGE_INTERVAL, DATABASE_TIMEOUT, DATABASE_POOL_SIZE, CORS_ORIGINS, TOTP_ISSUER,
      TOTP_MAX_FAILED_ATTEMPTS, TOTP_LOCKOUT, SMTP_HOST, SMTP_PORT, SMTP_TLS, SMTP_USERNAME, SMTP_PASSWORD, MAIL_FROM,
      MAIL_TEMPLATES_DIR, DEV_OUTBOX, REDIRECT_URLS, LIMIT_EMAIL_SENDS, LIMIT_EMAIL_WINDOW, LIMIT_IP_SENDS,
      LIMIT_IP_WINDOW, LIMIT_IP_FAILURES, LIMIT_FAILURE_WINDOW, LOCKOUT_THRESHOLD, LOCKOUT_DURATION,
      LAST_ACCESSED_WRITE_INTERVAL, CRYPTO_PROVIDER, LOG_FORMAT, METRICS_TOKEN, SESSION_MIGRATE_ISSUER, PUBLIC_URL, OAUTH_GOOGLE_CLIENT_ID, OAUTH_GOOGLE_CLIENT_SECRET,
      OAUTH_GOOGLE_ISSUER, OAUTH_MICROSOFT_CLIENT_ID, OAUTH_MICROSOFT_CLIENT_SECRET, OAUTH_MICROSOFT_ISSUER,
      OAUTH_APPLE_CLIENT_ID, OAUTH_APPLE_CLIENT_SECRET, OAUTH_APPLE_ISSUER, OAUTH_GITHUB_CLIENT_ID,
      OAUTH_GITHUB_CLIENT_SECRET, OAUTH_GITHUB_BASE_URL, OAUTH_GITHUB_API_URL, OAUTH_OIDC_CLIENT_ID,
      OAUTH_OIDC_CLIENT_SECRET, OAUTH_OIDC_ISSUER, WEBAUTHN_ORIGINS, PASSWORD_HASH_THREADS, PASSWORD_HASH_QUEUE,
      ADMIN_ENABLED, ADMIN_PASSWORD, ADMIN_IDLE_TIMEOUT, ADMIN_SESSION_LIFETIME, SESSION_EVENTS_RETENTION,
      SESSION_EVENTS_HEARTBEAT, SESSION_IDLE_TIMEOUT, SESSION_ABSOLUTE_LIFETIME, SESSION_MAX_PER_USER, NEW_DEVICE_EMAIL,
      WEBHOOK_RETRY_BASE, WEBHOOK_RETRY_MAX, WEBHOOK_RETRY_WINDOW, CONFIG_FILE);

  private SettingsCatalog() {}
}
