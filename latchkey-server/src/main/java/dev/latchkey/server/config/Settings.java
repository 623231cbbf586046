package dev.latchkey.server.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Every setting, read from {@code LATCHKEY_*} environment variables and, when {@code LATCHKEY_CONFIG_FILE} names
 * one, a properties file with the same keys (the environment wins). Validated once, at start-up: a bad value
 * stops the server with a message naming the setting, the value, the accepted range and where it came from.
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
    String cryptoProvider) {

  private static final Pattern PROJECT_ID = Pattern.compile("project-(live|test)-[0-9a-f-]{36}");
  private static final Pattern PUBLIC_TOKEN = Pattern.compile("public-token-(live|test)-[0-9a-f-]{36}");
  /** A serialized web origin as browsers send it: scheme, host, optional port; no path, no wildcard. */
  private static final Pattern ORIGIN =
      Pattern.compile("(https?)://([a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*|\\[[0-9a-f:.]+])"
          + "(:([0-9]{1,5}))?");
  /**
   * The issuer is the label prefix of the {@code otpauth://totp/<issuer>:<account>} link, so it cannot hold the
   * {@code :} that ends it; control characters would garble what the authenticator app shows.
   */
  private static final Pattern TOTP_ISSUER = Pattern.compile("[^:\\p{Cntrl}]{1,64}");

  /** The settings table of the README; a test keeps the two in step. */
  public static final List<Setting> ALL = List.of(
      new Setting("LATCHKEY_PORT", "8080", "TCP port to listen on (0 picks a free one), 0..65535"),
      new Setting("LATCHKEY_BIND", "127.0.0.1", "Address to listen on; 0.0.0.0 for every interface"),
      new Setting("LATCHKEY_DATA_DIR", "./data", "Directory for the embedded SQLite database"),
      new Setting("LATCHKEY_DATABASE_URL", "sqlite:<data dir>/latchkey.db",
          "Database: sqlite:<path>, jdbc:sqlite:<path>, postgresql://user:password@host:port/db or "
              + "jdbc:postgresql://host:port/db?user=...&password=... (docs/deploy.md)"),
      new Setting("LATCHKEY_PROJECT_ID", "generated on first start", "project-live-<uuid> or project-test-<uuid>"),
      new Setting("LATCHKEY_SECRET", "generated on first start",
          "The project secret for HTTP Basic auth, at least 24 characters"),
      new Setting("LATCHKEY_PUBLIC_TOKEN", "generated on first start", "public-token-live-<uuid> or -test-"),
      new Setting("LATCHKEY_KEY_ENCRYPTION_KEY", "none (warning logged)",
          "Base64 of 32 random bytes; encrypts signing keys and TOTP secrets at rest with AES-256-GCM"),
      new Setting("LATCHKEY_KEY_RETENTION", "1h",
          "How long a rotated-out key stays in the JWKS and verifies, at least 6m"),
      new Setting("LATCHKEY_KEY_REFRESH_INTERVAL", "30s", "How often keys are re-read from the database, 1s..60s"),
      new Setting("LATCHKEY_ARGON2_MEMORY_KIB", "19456", "Argon2id memory per password hash in KiB, 8192..1048576"),
      new Setting("LATCHKEY_ARGON2_ITERATIONS", "2", "Argon2id passes, 1..10"),
      new Setting("LATCHKEY_ARGON2_PARALLELISM", "1", "Argon2id lanes, 1..16"),
      new Setting("LATCHKEY_PURGE_INTERVAL", "1m",
          "How often expired sessions and unverified TOTPs are deleted, 1s..1d"),
      new Setting("LATCHKEY_DATABASE_TIMEOUT", "10s",
          "How long a request waits for the database before answering 503, 1s..60s"),
      new Setting("LATCHKEY_DATABASE_POOL_SIZE", "10",
          "Connections each node keeps open to PostgreSQL, 1..200 (SQLite always uses 4)"),
      new Setting("LATCHKEY_CORS_ORIGINS", "none",
          "Comma-separated browser origins (scheme://host[:port]) allowed to call /sdk/v1 with credentials"),
      new Setting("LATCHKEY_TOTP_ISSUER", "Latchkey",
          "Issuer shown by authenticator apps for TOTPs, 1..64 characters without ':'"),
      new Setting("LATCHKEY_TOTP_MAX_FAILED_ATTEMPTS", "5",
          "Consecutive wrong TOTP or recovery codes that lock a user's TOTP, 1..100"),
      new Setting("LATCHKEY_TOTP_LOCKOUT", "15m", "How long a TOTP stays locked after too many wrong codes, 1m..1d"),
      new Setting("LATCHKEY_SMTP_HOST", "none (dev outbox)",
          "SMTP server for outgoing mail; unset, mails go to the dev outbox and are logged without their secrets"),
      new Setting("LATCHKEY_SMTP_PORT", "587", "SMTP port, 1..65535"),
      new Setting("LATCHKEY_SMTP_TLS", "starttls", "none, starttls (required, not opportunistic) or tls (SMTPS)"),
      new Setting("LATCHKEY_SMTP_USERNAME", "none", "SMTP user name; set with LATCHKEY_SMTP_PASSWORD to log in"),
      new Setting("LATCHKEY_SMTP_PASSWORD", "none", "SMTP password; never logged"),
      new Setting("LATCHKEY_MAIL_FROM", "Latchkey <no-reply@localhost>", "The From address of every mail"),
      new Setting("LATCHKEY_MAIL_TEMPLATES_DIR", "none (built-in templates)",
          "Directory of mail templates overriding the built-in ones by file name (see Email below)"),
      new Setting("LATCHKEY_DEV_OUTBOX", "false",
          "true serves mails kept by the dev outbox (no SMTP) at GET /v1/dev/outbox; never in production"),
      new Setting("LATCHKEY_REDIRECT_URLS", "none",
          "Comma-separated absolute http(s) URLs mailed links may point to; the first is the default"),
      new Setting("LATCHKEY_LIMIT_EMAIL_SENDS", "10", "Mails to one address per LATCHKEY_LIMIT_EMAIL_WINDOW, 1..10000"),
      new Setting("LATCHKEY_LIMIT_EMAIL_WINDOW", "15m", "Window of LATCHKEY_LIMIT_EMAIL_SENDS, 1s..1d"),
      new Setting("LATCHKEY_LIMIT_IP_SENDS", "30",
          "Mails requested for one end-user IP (see docs/api.md, Limits) per LATCHKEY_LIMIT_IP_WINDOW, 1..100000"),
      new Setting("LATCHKEY_LIMIT_IP_WINDOW", "1m", "Window of LATCHKEY_LIMIT_IP_SENDS, 1s..1d"),
      new Setting("LATCHKEY_LIMIT_IP_FAILURES", "100",
          "Failed sign-in attempts (password, code, link) from one end-user IP per LATCHKEY_LIMIT_FAILURE_WINDOW, "
              + "1..100000"),
      new Setting("LATCHKEY_LIMIT_FAILURE_WINDOW", "15m", "Window of LATCHKEY_LIMIT_IP_FAILURES, 1s..1d"),
      new Setting("LATCHKEY_LOCKOUT_THRESHOLD", "10",
          "Failed password or code attempts against one user before it is locked out, 1..1000"),
      new Setting("LATCHKEY_LOCKOUT_DURATION", "1h", "How long such a lockout lasts (fixed window), 1m..7d"),
      new Setting("LATCHKEY_LAST_ACCESSED_WRITE_INTERVAL", "60s",
          "An authenticate that changes nothing writes last_accessed_at only if the stored one is this old, 0s..1h "
              + "(0s: every time)"),
      new Setting("LATCHKEY_CRYPTO_PROVIDER", "auto",
          "JCA provider for RS256: jdk, accp (Amazon Corretto Crypto Provider, Linux x86_64) or auto (accp if it "
              + "loads, else jdk)"),
      new Setting("LATCHKEY_CONFIG_FILE", "none", "A properties file with the same keys; the environment wins"));

  public static Settings load(Map<String, String> environment) {
    Source src = Source.of(environment);
    Path dataDir = Path.of(src.get("LATCHKEY_DATA_DIR", "./data"));
    String dbUrl = src.raw("LATCHKEY_DATABASE_URL");
    String totpIssuer = src.matching("LATCHKEY_TOTP_ISSUER", TOTP_ISSUER,
        "1 to 64 characters without ':' or control characters (default Latchkey)");
    return new Settings(
        src.integer("LATCHKEY_PORT", 8080, 0, 65535),
        src.get("LATCHKEY_BIND", "127.0.0.1"),
        dataDir,
        dbUrl == null ? "jdbc:sqlite:" + dataDir.resolve("latchkey.db") : jdbcUrl(dbUrl, src),
        src.matching("LATCHKEY_PROJECT_ID", PROJECT_ID, "project-live-<uuid> or project-test-<uuid>"),
        src.secret("LATCHKEY_SECRET"),
        src.matching("LATCHKEY_PUBLIC_TOKEN", PUBLIC_TOKEN, "public-token-live-<uuid> or public-token-test-<uuid>"),
        src.key32("LATCHKEY_KEY_ENCRYPTION_KEY"),
        src.duration("LATCHKEY_KEY_RETENTION", Duration.ofHours(1), Duration.ofMinutes(6), Duration.ofDays(366)),
        src.duration("LATCHKEY_KEY_REFRESH_INTERVAL", Duration.ofSeconds(30), Duration.ofSeconds(1),
            Duration.ofSeconds(60)),
        src.integer("LATCHKEY_ARGON2_MEMORY_KIB", 19456, 8192, 1048576),
        src.integer("LATCHKEY_ARGON2_ITERATIONS", 2, 1, 10),
        src.integer("LATCHKEY_ARGON2_PARALLELISM", 1, 1, 16),
        src.duration("LATCHKEY_PURGE_INTERVAL", Duration.ofMinutes(1), Duration.ofSeconds(1), Duration.ofDays(1)),
        src.duration("LATCHKEY_DATABASE_TIMEOUT", Duration.ofSeconds(10), Duration.ofSeconds(1),
            Duration.ofSeconds(60)),
        src.integer("LATCHKEY_DATABASE_POOL_SIZE", 10, 1, 200),
        src.origins("LATCHKEY_CORS_ORIGINS"),
        totpIssuer == null ? "Latchkey" : totpIssuer,
        src.integer("LATCHKEY_TOTP_MAX_FAILED_ATTEMPTS", 5, 1, 100),
        src.duration("LATCHKEY_TOTP_LOCKOUT", Duration.ofMinutes(15), Duration.ofMinutes(1), Duration.ofDays(1)),
        mail(src),
        limits(src),
        src.duration("LATCHKEY_LAST_ACCESSED_WRITE_INTERVAL", Duration.ofSeconds(60), Duration.ZERO,
            Duration.ofHours(1)),
        src.oneOf("LATCHKEY_CRYPTO_PROVIDER", List.of("jdk", "accp", "auto"), "auto"));
  }

  private static MailSettings mail(Source src) {
    String tls = src.get("LATCHKEY_SMTP_TLS", "starttls").strip().toLowerCase(Locale.ROOT);
    MailSettings.Tls mode = switch (tls) {
      case "none" -> MailSettings.Tls.NONE;
      case "starttls" -> MailSettings.Tls.STARTTLS;
      case "tls" -> MailSettings.Tls.TLS;
      default -> throw new ConfigException("LATCHKEY_SMTP_TLS=" + src.raw("LATCHKEY_SMTP_TLS") + " (from "
          + src.where("LATCHKEY_SMTP_TLS") + ") is not valid: use none, starttls or tls (default starttls)");
    };
    String user = src.raw("LATCHKEY_SMTP_USERNAME");
    String password = src.raw("LATCHKEY_SMTP_PASSWORD");
    if ((user == null) != (password == null)) {
      throw new ConfigException("LATCHKEY_SMTP_USERNAME and LATCHKEY_SMTP_PASSWORD go together: set both to log in "
          + "to the SMTP server, or neither");
    }
    String from = src.get("LATCHKEY_MAIL_FROM", "Latchkey <no-reply@localhost>");
    try {
      new jakarta.mail.internet.InternetAddress(from, true);
    } catch (jakarta.mail.internet.AddressException e) {
      throw new ConfigException("LATCHKEY_MAIL_FROM=" + from + " (from " + src.where("LATCHKEY_MAIL_FROM")
          + ") is not a mail address: use e.g. 'Example <no-reply@example.com>' or no-reply@example.com");
    }
    String dir = src.raw("LATCHKEY_MAIL_TEMPLATES_DIR");
    if (dir != null && !Files.isDirectory(Path.of(dir))) {
      throw new ConfigException("LATCHKEY_MAIL_TEMPLATES_DIR=" + dir + " (from " + src.where(
          "LATCHKEY_MAIL_TEMPLATES_DIR") + ") is not a directory: point it at a directory of templates or unset it");
    }
    return new MailSettings(src.raw("LATCHKEY_SMTP_HOST"), src.integer("LATCHKEY_SMTP_PORT", 587, 1, 65535), mode,
        user, password, from, dir == null ? null : Path.of(dir), src.bool("LATCHKEY_DEV_OUTBOX", false),
        redirectUrls(src));
  }

  private static List<String> redirectUrls(Source src) {
    String raw = src.raw("LATCHKEY_REDIRECT_URLS");
    if (raw == null) {
      return List.of();
    }
    List<String> urls = new java.util.ArrayList<>();
    for (String part : raw.split(",")) {
      String url = part.strip();
      if (url.isEmpty()) {
        continue;
      }
      if (!isAbsoluteHttpUrl(url)) {
        throw new ConfigException("LATCHKEY_REDIRECT_URLS (from " + src.where("LATCHKEY_REDIRECT_URLS") + ") has "
            + url + ", which is not an absolute http(s) URL: use e.g. https://app.example.com/authenticate");
      }
      urls.add(url);
    }
    return urls;
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

  private static LimitSettings limits(Source src) {
    return new LimitSettings(
        src.integer("LATCHKEY_LIMIT_EMAIL_SENDS", 10, 1, 10_000),
        src.duration("LATCHKEY_LIMIT_EMAIL_WINDOW", Duration.ofMinutes(15), Duration.ofSeconds(1), Duration.ofDays(1)),
        src.integer("LATCHKEY_LIMIT_IP_SENDS", 30, 1, 100_000),
        src.duration("LATCHKEY_LIMIT_IP_WINDOW", Duration.ofMinutes(1), Duration.ofSeconds(1), Duration.ofDays(1)),
        src.integer("LATCHKEY_LIMIT_IP_FAILURES", 100, 1, 100_000),
        src.duration("LATCHKEY_LIMIT_FAILURE_WINDOW", Duration.ofMinutes(15), Duration.ofSeconds(1),
            Duration.ofDays(1)),
        src.integer("LATCHKEY_LOCKOUT_THRESHOLD", 10, 1, 1000),
        src.duration("LATCHKEY_LOCKOUT_DURATION", Duration.ofHours(1), Duration.ofMinutes(1), Duration.ofDays(7)));
  }

  private static String jdbcUrl(String value, Source src) {
    try {
      return DatabaseUrl.toJdbc(value, false);
    } catch (IllegalArgumentException e) {
      // The message redacts the URL: it may carry a database password (user:password@host).
      throw new ConfigException("LATCHKEY_DATABASE_URL=" + e.getMessage().replaceFirst(" is not a database URL",
          " (from " + src.where("LATCHKEY_DATABASE_URL") + ") is not a database URL"));
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

  /** Where each raw value came from, for messages. */
  private record Source(Map<String, String> values, Map<String, String> origin) {
    static Source of(Map<String, String> environment) {
      Map<String, String> values = new HashMap<>();
      Map<String, String> origin = new HashMap<>();
      String file = environment.get("LATCHKEY_CONFIG_FILE");
      if (file != null && !file.isBlank()) {
        Properties props = new Properties();
        try (Reader r = Files.newBufferedReader(Path.of(file))) {
          props.load(r);
        } catch (IOException e) {
          throw new ConfigException("LATCHKEY_CONFIG_FILE=" + file + ": cannot read it (" + e.getMessage() + ")");
        }
        for (String key : props.stringPropertyNames()) {
          if (ALL.stream().noneMatch(setting -> setting.name().equals(key))) {
            // A misspelt key (LATCHKEY_PROT) would otherwise be ignored and the default used without a word.
            throw new ConfigException("Unknown key " + key + " in " + file
                + ": the config file takes only the LATCHKEY_* settings listed in the README");
          }
          values.put(key, props.getProperty(key).strip());
          origin.put(key, "the config file " + file);
        }
      }
      environment.forEach((k, v) -> {
        if (k.startsWith("LATCHKEY_") && v != null && !v.isEmpty()) {
          values.put(k, v);
          origin.put(k, "the environment");
        }
      });
      return new Source(values, origin);
    }

    String where(String name) {
      return origin.getOrDefault(name, "the default");
    }

    String raw(String name) {
      String v = values.get(name);
      return v == null || v.isEmpty() ? null : v;
    }

    String get(String name, String fallback) {
      String v = raw(name);
      return v == null ? fallback : v;
    }

    boolean bool(String name, boolean fallback) {
      String v = raw(name);
      if (v == null) {
        return fallback;
      }
      return switch (v.strip().toLowerCase(Locale.ROOT)) {
        case "true" -> true;
        case "false" -> false;
        default -> throw new ConfigException(name + "=" + v + " (from " + where(name) + ") is not valid: use true "
            + "or false (default " + fallback + ")");
      };
    }

    int integer(String name, int fallback, int min, int max) {
      String v = raw(name);
      if (v == null) {
        return fallback;
      }
      try {
        int n = Integer.parseInt(v.strip());
        if (n >= min && n <= max) {
          return n;
        }
      } catch (NumberFormatException ignored) {
        // reported below
      }
      throw new ConfigException(name + "=" + v + " (from " + where(name) + ") is not valid: use a whole number from "
          + min + " to " + max + " (default " + fallback + ")");
    }

    Duration duration(String name, Duration fallback, Duration min, Duration max) {
      String v = raw(name);
      if (v == null) {
        return fallback;
      }
      Duration d = parseDuration(v.strip());
      if (d == null || d.compareTo(min) < 0 || d.compareTo(max) > 0) {
        throw new ConfigException(name + "=" + v + " (from " + where(name) + ") is not valid: use a duration such as "
            + "30s, 15m, 1h or PT5M, from " + human(min) + " to " + human(max) + " (default " + human(fallback) + ")");
      }
      return d;
    }

    String oneOf(String name, List<String> accepted, String fallback) {
      String v = raw(name);
      if (v == null) {
        return fallback;
      }
      if (!accepted.contains(v.strip())) {
        throw new ConfigException(name + "=" + v + " (from " + where(name) + ") is not valid: use one of "
            + String.join(", ", accepted) + " (default " + fallback + ")");
      }
      return v.strip();
    }

    String matching(String name, Pattern pattern, String expected) {
      String v = raw(name);
      if (v != null && !pattern.matcher(v).matches()) {
        throw new ConfigException(name + "=" + v + " (from " + where(name) + ") is not valid: use " + expected);
      }
      return v;
    }

    String secret(String name) {
      String v = raw(name);
      if (v != null && (v.length() < 24 || v.length() > 256 || v.chars().anyMatch(c -> c <= ' ' || c == ':'))) {
        // The value is a secret: the message describes it without echoing it.
        throw new ConfigException(name + " (from " + where(name) + ") is not valid: use 24 to 256 printable "
            + "characters without spaces or ':' (it was " + v.length() + " characters)");
      }
      return v;
    }

    /**
     * Exact origins, compared with the browser's {@code Origin} header as strings: so each must be written as a
     * browser writes it (lower case, no default port, no trailing slash), and anything else is refused here rather
     * than never matching later.
     */
    List<String> origins(String name) {
      String v = raw(name);
      if (v == null) {
        return List.of();
      }
      List<String> out = new java.util.ArrayList<>();
      for (String part : v.split(",", -1)) {
        String origin = part.strip();
        var m = ORIGIN.matcher(origin);
        String problem = null;
        if (origin.equals("*") || origin.equals("null")) {
          problem = "'" + origin + "' would let any site act for a signed-in user; list the exact origins";
        } else if (!m.matches()) {
          problem = "'" + origin + "' is not an origin";
        } else if (m.group(7) != null && (Integer.parseInt(m.group(7)) > 65535 || m.group(7).startsWith("0"))) {
          problem = "'" + origin + "' has an invalid port";
        } else if (m.group(6) != null && (m.group(1).equals("https") ? ":443" : ":80").equals(m.group(6))) {
          problem = "'" + origin + "' has its scheme's default port, which browsers leave out; drop " + m.group(6);
        }
        if (problem != null) {
          throw new ConfigException(name + "=" + v + " (from " + where(name) + ") is not valid: " + problem
              + ". Use comma-separated origins as browsers send them, e.g. https://app.example.com,"
              + "http://localhost:3000 (lower case, scheme://host[:port], no path, no trailing slash, no wildcard)");
        }
        if (!out.contains(origin)) {
          out.add(origin);
        }
      }
      return List.copyOf(out);
    }

    byte[] key32(String name) {
      String v = raw(name);
      if (v == null) {
        return null;
      }
      try {
        byte[] key = Base64.getDecoder().decode(v.strip());
        if (key.length == 32) {
          return key;
        }
      } catch (IllegalArgumentException ignored) {
        // reported below
      }
      throw new ConfigException(name + " (from " + where(name) + ") is not valid: use the base64 of exactly 32 "
          + "random bytes, e.g. the output of: openssl rand -base64 32");
    }
  }

  static Duration parseDuration(String v) {
    try {
      if (v.equals("0")) {
        return Duration.ZERO; // zero needs no unit
      }
      if (v.toUpperCase(Locale.ROOT).startsWith("P")) {
        return Duration.parse(v);
      }
      var m = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)").matcher(v);
      if (!m.matches()) {
        return null;
      }
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static String human(Duration d) {
    if (d.isZero()) {
      return "0s";
    }
    if (d.toDaysPart() > 0 && d.toHoursPart() == 0 && d.toMinutesPart() == 0 && d.toSecondsPart() == 0) {
      return d.toDays() + "d";
    }
    if (d.toSeconds() % 3600 == 0) {
      return d.toHours() + "h";
    }
    if (d.toSeconds() % 60 == 0) {
      return d.toMinutes() + "m";
    }
    return d.toSeconds() + "s";
  }
}
