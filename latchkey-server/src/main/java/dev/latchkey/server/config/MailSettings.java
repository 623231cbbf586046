package dev.latchkey.server.config;

import java.nio.file.Path;
import java.util.List;

/**
 * How mail leaves Latchkey and where its links point. {@code smtpHost} null means no SMTP server: mails go to the
 * development outbox (logged without their secrets, readable at {@code GET /v1/dev/outbox} when
 * {@code devOutbox} is on). {@code redirectUrls} is the allow-list of link targets, the first being the default.
 */
public record MailSettings(
    String smtpHost,
    int smtpPort,
    Tls tls,
    String smtpUsername,
    String smtpPassword,
    String from,
    Path templatesDir,
    boolean devOutbox,
    List<String> redirectUrls) {

  /** How the SMTP connection is protected. */
  public enum Tls {
    /** Plain text; only for a relay on the same host or network. */
    NONE,
    /** Plain connect, then STARTTLS, which is required (the server must offer it). */
    STARTTLS,
    /** TLS from the first byte (SMTPS, usually port 465). */
    TLS
  }

  public MailSettings {
    redirectUrls = List.copyOf(redirectUrls);
  }

  /** The SMTP password is a secret: keep it out of logs and messages. */
  @Override
  public String toString() {
    return "MailSettings[smtpHost=" + smtpHost + ", smtpPort=" + smtpPort + ", tls=" + tls + ", smtpUsername="
        + smtpUsername + ", smtpPassword=" + (smtpPassword == null ? "unset" : "<redacted>") + ", from=" + from
        + ", templatesDir=" + templatesDir + ", devOutbox=" + devOutbox + ", redirectUrls=" + redirectUrls + "]";
  }
}
