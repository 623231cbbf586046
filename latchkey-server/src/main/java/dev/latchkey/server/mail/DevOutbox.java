package dev.latchkey.server.mail;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where mail goes when no SMTP server is configured (the embedded, zero-set-up default). Each mail is logged
 * without its link or code, and the newest {@link #CAPACITY} are kept in memory. A developer reads them, links and
 * codes included, at {@code GET /v1/dev/outbox}, which exists only when {@code LATCHKEY_DEV_OUTBOX=true}; the log
 * line says so. Nothing is ever written to disk.
 */
public final class DevOutbox implements Mailer {
  private static final Logger LOG = LoggerFactory.getLogger(DevOutbox.class);
  /** Enough for a developer's session; bounds the memory a flood of sign-up requests can take. */
  static final int CAPACITY = 100;

  /** A kept mail with the time it was accepted. */
  public record Kept(Instant sentAt, OutgoingMail mail) {}

  private final Deque<Kept> kept = new ArrayDeque<>();
  private final boolean served;
  private final Clock clock;

  public DevOutbox(boolean served, Clock clock) {
    this.served = served;
    this.clock = clock;
  }

  @Override
  public void send(OutgoingMail mail) {
    synchronized (kept) {
      if (kept.size() == CAPACITY) {
        kept.removeLast();
      }
      kept.addFirst(new Kept(clock.instant(), mail));
    }
    if (served) {
      LOG.info("Dev outbox (no LATCHKEY_SMTP_HOST): mail to {} \"{}\" kept; read its link or code at "
          + "GET /v1/dev/outbox", mail.to(), mail.subject());
    } else {
      LOG.info("Dev outbox (no LATCHKEY_SMTP_HOST): mail to {} \"{}\" not delivered; set LATCHKEY_DEV_OUTBOX=true "
          + "to read its link or code at GET /v1/dev/outbox, or set LATCHKEY_SMTP_HOST to send it",
          mail.to(), mail.subject());
    }
  }

  /** The kept mails, newest first, optionally only those to {@code to}. */
  public List<Kept> list(String to) {
    synchronized (kept) {
      return kept.stream().filter(k -> to == null || k.mail().to().equalsIgnoreCase(to)).toList();
    }
  }
}
