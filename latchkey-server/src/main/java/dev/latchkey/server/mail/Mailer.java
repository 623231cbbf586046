package dev.latchkey.server.mail;

/**
 * Hands mail over for delivery. {@link #send} returns only once the mail is accepted (by the SMTP server, or by the
 * dev outbox); when it cannot be, it throws {@code email_delivery_failed} and the caller voids the secret it mailed.
 */
public interface Mailer {
  void send(OutgoingMail mail);
}
