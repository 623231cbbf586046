package dev.latchkey.server.mail;

import dev.latchkey.server.metrics.ServerMetrics;

/** A {@link Mailer} whose mails are counted as sent when accepted and as failed when not. */
public final class CountingMailer implements Mailer {
  private final Mailer mailer;
  private final ServerMetrics metrics;

  public CountingMailer(Mailer mailer, ServerMetrics metrics) {
    this.mailer = mailer;
    this.metrics = metrics;
  }

  @Override
  public void send(OutgoingMail mail) {
    try {
      mailer.send(mail);
    } catch (RuntimeException e) {
      metrics.mailFailed();
      throw e;
    }
    metrics.mailSent();
  }
}
