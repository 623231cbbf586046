package dev.latchkey.server.http;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Closes a connection whose request line and headers trickle in (a "slowloris" attack). Jetty's idle timeout
 * restarts with every byte and it has no limit on how long headers may take, so without this a client sending one
 * header byte a second holds a connection for hours (8 KiB of headers at 1 B/s).
 *
 * <p>Every {@code period} each HTTP/1.1 connection is looked at: if it was in the middle of the same request's
 * headers at two looks in a row, it is closed. Headers thus get between one and two periods; a connection idle
 * between requests is left to the idle timeout. It reads Jetty's parser state, which Jetty exposes publicly but in an
 * internal package: the test {@code HostileInputTest.aClientSendingItsHeadersAByteASecondIsCutOff} catches a change.
 */
final class HeaderDeadline implements Connection.Listener {
  private final Scheduler scheduler;
  private final long periodNanos;

  HeaderDeadline(Scheduler scheduler, Duration period) {
    this.scheduler = scheduler;
    this.periodNanos = period.toNanos();
  }

  @Override
  public void onOpened(Connection connection) {
    if (connection instanceof HttpConnection http) {
      schedule(http, -1);
    }
  }

  /** {@code stuckAt}: the request count at which the last look found the connection mid-headers, or -1. */
  private void schedule(HttpConnection http, long stuckAt) {
    scheduler.schedule(() -> look(http, stuckAt), periodNanos, TimeUnit.NANOSECONDS);
  }

  private void look(HttpConnection http, long stuckAt) {
    if (!http.getEndPoint().isOpen()) {
      return;
    }
    HttpParser parser = http.getParser();
    boolean midHeaders = parser.inHeaderState() && !parser.isStart();
    long messages = http.getMessagesIn();
    if (midHeaders && messages == stuckAt) {
      http.getEndPoint().close();
      return;
    }
    schedule(http, midHeaders ? messages : -1);
  }
}
