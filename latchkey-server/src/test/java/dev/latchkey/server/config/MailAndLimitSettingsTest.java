package dev.latchkey.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mail and abuse-limit settings: their defaults, and a clear stop on every bad value. */
class MailAndLimitSettingsTest {
  @TempDir
  Path dir;

  private static Settings load(String... keyValues) {
    Map<String, String> env = new HashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      env.put(keyValues[i], keyValues[i + 1]);
    }
    return Settings.load(env);
  }

  private static String failure(String... keyValues) {
    try {
      load(keyValues);
    } catch (ConfigException e) {
      return e.getMessage();
    }
    throw new AssertionError("expected a ConfigException for " + String.join(" ", keyValues));
  }

  @Test
  void withNothingSetMailGoesToAnUnservedDevOutboxAndLimitsHaveTheirDefaults() {
    Settings s = Settings.load(Map.of());

    assertThat(s.mail().smtpHost()).isNull();
    assertThat(s.mail().smtpPort()).isEqualTo(587);
    assertThat(s.mail().tls()).isEqualTo(MailSettings.Tls.STARTTLS);
    assertThat(s.mail().from()).isEqualTo("Latchkey <no-reply@localhost>");
    assertThat(s.mail().devOutbox()).isFalse();
    assertThat(s.mail().redirectUrls()).isEmpty();
    assertThat(s.limits()).isEqualTo(new LimitSettings(10, Duration.ofMinutes(15), 30, Duration.ofMinutes(1), 100,
        Duration.ofMinutes(15), 10, Duration.ofHours(1)));
  }

  @Test
  void mailSettingsAreReadIntoTheirFields() {
    Settings s = load("LATCHKEY_SMTP_HOST", "smtp.example.com", "LATCHKEY_SMTP_PORT", "465", "LATCHKEY_SMTP_TLS",
        "TLS", "LATCHKEY_SMTP_USERNAME", "latchkey", "LATCHKEY_SMTP_PASSWORD", "s3cret-smtp", "LATCHKEY_MAIL_FROM",
        "Example <no-reply@example.com>", "LATCHKEY_MAIL_TEMPLATES_DIR", dir.toString(), "LATCHKEY_DEV_OUTBOX", "true",
        "LATCHKEY_REDIRECT_URLS", "https://app.example.com/auth , http://localhost:3000/auth?x=1");

    assertThat(s.mail()).isEqualTo(new MailSettings("smtp.example.com", 465, MailSettings.Tls.TLS, "latchkey",
        "s3cret-smtp", "Example <no-reply@example.com>", dir, true,
        List.of("https://app.example.com/auth", "http://localhost:3000/auth?x=1")));
  }

  @Test
  void theSmtpPasswordNeverAppearsInTheSettingsText() {
    Settings s = load("LATCHKEY_SMTP_HOST", "smtp.example.com", "LATCHKEY_SMTP_USERNAME", "latchkey",
        "LATCHKEY_SMTP_PASSWORD", "s3cret-smtp");

    assertThat(s.toString()).contains("smtp.example.com").doesNotContain("s3cret-smtp");
  }

  @Test
  void badMailSettingsStopStartUpWithAMessageNamingTheSetting() {
    assertThat(failure("LATCHKEY_SMTP_TLS", "ssl")).contains("LATCHKEY_SMTP_TLS=ssl").contains("none, starttls or tls");
    assertThat(failure("LATCHKEY_SMTP_PORT", "0")).contains("LATCHKEY_SMTP_PORT=0").contains("1 to 65535");
    assertThat(failure("LATCHKEY_SMTP_USERNAME", "latchkey")).contains("LATCHKEY_SMTP_PASSWORD");
    assertThat(failure("LATCHKEY_MAIL_FROM", "not an address")).contains("LATCHKEY_MAIL_FROM=not an address");
    assertThat(failure("LATCHKEY_MAIL_TEMPLATES_DIR", dir.resolve("missing").toString()))
        .contains("LATCHKEY_MAIL_TEMPLATES_DIR=").contains("not a directory");
    assertThat(failure("LATCHKEY_DEV_OUTBOX", "yes")).contains("LATCHKEY_DEV_OUTBOX=yes").contains("true or false");
    assertThat(failure("LATCHKEY_REDIRECT_URLS", "https://ok.example.com,/relative"))
        .contains("LATCHKEY_REDIRECT_URLS").contains("/relative").contains("absolute http(s) URL");
    assertThat(failure("LATCHKEY_REDIRECT_URLS", "javascript:alert(1)")).contains("javascript:alert(1)");
    assertThat(failure("LATCHKEY_REDIRECT_URLS", "https://app.example.com/#frag")).contains("#frag");
  }

  @Test
  void badLimitsStopStartUpWithTheirRange() {
    assertThat(failure("LATCHKEY_LIMIT_EMAIL_SENDS", "0")).contains("LATCHKEY_LIMIT_EMAIL_SENDS=0")
        .contains("1 to 10000");
    assertThat(failure("LATCHKEY_LIMIT_EMAIL_WINDOW", "15")).contains("LATCHKEY_LIMIT_EMAIL_WINDOW=15");
    assertThat(failure("LATCHKEY_LIMIT_IP_SENDS", "-1")).contains("LATCHKEY_LIMIT_IP_SENDS=-1");
    assertThat(failure("LATCHKEY_LIMIT_IP_WINDOW", "2d")).contains("LATCHKEY_LIMIT_IP_WINDOW=2d");
    assertThat(failure("LATCHKEY_LIMIT_IP_FAILURES", "lots")).contains("LATCHKEY_LIMIT_IP_FAILURES=lots");
    assertThat(failure("LATCHKEY_LIMIT_FAILURE_WINDOW", "0s")).contains("LATCHKEY_LIMIT_FAILURE_WINDOW=0s");
    assertThat(failure("LATCHKEY_LOCKOUT_THRESHOLD", "1001")).contains("LATCHKEY_LOCKOUT_THRESHOLD=1001");
    assertThat(failure("LATCHKEY_LOCKOUT_DURATION", "30s")).contains("LATCHKEY_LOCKOUT_DURATION=30s")
        .contains("1m to 7d");
  }
}
