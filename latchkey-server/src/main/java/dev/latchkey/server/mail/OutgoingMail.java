package dev.latchkey.server.mail;

/**
 * One mail, rendered: recipient, subject, plain-text and HTML bodies. {@code link} and {@code code} are the secret
 * the mail carries (either may be null); they are kept apart so the dev outbox can show them and so
 * {@link #toString()} can leave them, and the bodies that contain them, out of logs.
 */
public record OutgoingMail(String to, String subject, String text, String html, String link, String code) {
  @Override
  public String toString() {
    return "OutgoingMail[to=" + to + ", subject=" + subject + ", secret=<redacted>]";
  }
}
