package dev.latchkey.server.http;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * A whole request body must arrive within a deadline counted from the request's start. Jetty's idle timeout restarts
 * with every byte, so without this a client sending one byte a second holds a connection and a request for as long as
 * it likes (a "slow body" attack); with it, reading the body fails with a {@link TimeoutException}, which the API
 * answers as {@code request_timeout} (408) and Jetty then closes the connection.
 *
 * <p>Installed as the server's outermost handler so that the servlet layer Javalin runs on reads through it.
 */
final class BodyDeadline extends Handler.Wrapper {
  private final long deadlineNanos;

  BodyDeadline(Duration deadline) {
    this.deadlineNanos = deadline.toNanos();
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    return super.handle(new DeadlineRequest(request, System.nanoTime() + deadlineNanos), response, callback);
  }

  private static final class DeadlineRequest extends Request.Wrapper {
    private final long deadline;
    private volatile Content.Chunk failure;

    DeadlineRequest(Request wrapped, long deadline) {
      super(wrapped);
      this.deadline = deadline;
    }

    @Override
    public Content.Chunk read() {
      Content.Chunk failed = failure;
      if (failed != null) {
        return failed;
      }
      if (System.nanoTime() - deadline >= 0) {
        // Past the deadline, even data that did arrive is not read: the request is over.
        return fail();
      }
      return super.read();
    }

    @Override
    public void demand(Runnable onContentAvailable) {
      long remaining = deadline - System.nanoTime();
      if (failure != null || remaining <= 0) {
        fail();
        onContentAvailable.run();
        return;
      }
      // Exactly one of "data arrived" and "the deadline passed" wakes the reader.
      AtomicBoolean woken = new AtomicBoolean();
      Scheduler.Task timer = getComponents().getScheduler().schedule(() -> {
        if (woken.compareAndSet(false, true)) {
          fail();
          onContentAvailable.run();
        }
      }, remaining, TimeUnit.NANOSECONDS);
      super.demand(() -> {
        if (woken.compareAndSet(false, true)) {
          timer.cancel();
          onContentAvailable.run();
        }
      });
    }

    private Content.Chunk fail() {
      Content.Chunk failed = failure;
      if (failed == null) {
        failed = Content.Chunk.from(new TimeoutException("The request body did not arrive in time."), true);
        failure = failed;
      }
      return failed;
    }
  }
}
