package dev.latchkey.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.model.WireJson;
import dev.latchkey.server.error.ErrorCode;
import dev.latchkey.server.session.SessionEventHub;
import dev.latchkey.server.store.SessionEvent;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Session events as Server-Sent Events: {@code GET /v1/sessions/events} (project credentials, every event) and
 * {@code GET /sdk/v1/sessions/events} (a session's credentials, that session's events only, ending after its
 * revocation or expiry). Written straight to the servlet response rather than through Javalin's SSE client, so that
 * each event is flushed as it is written and a gone client shows as a failed write (at the latest at the next
 * heartbeat), which ends the handler and its virtual thread. While idle a stream holds no database connection.
 */
final class SessionEventRoutes {
  private static final ObjectMapper JSON = WireJson.mapper();
  private static final int STREAM_BUFFER_BYTES = 1024;
  private final SessionEventHub hub;
  private final SdkAuth sdkAuth;
  private final Duration heartbeat;

  SessionEventRoutes(SessionEventHub hub, SdkAuth sdkAuth, Duration heartbeat) {
    this.hub = hub;
    this.sdkAuth = sdkAuth;
    this.heartbeat = heartbeat;
  }

  void register(RouteTable routes) {
    routes.get("/v1/sessions/events", this::all);
    routes.get("/sdk/v1/sessions/events", this::own);
  }

  private void all(Context ctx) throws IOException, InterruptedException {
    long after = resumePoint(ctx);
    stream(ctx, after, e -> true, e -> false);
  }

  private void own(Context ctx) throws IOException, InterruptedException {
    // The cursor is taken before the session is checked: a revocation between the two is then after the cursor.
    long after = resumePoint(ctx);
    Duration longPoll = longPoll(ctx);
    String sessionId = sdkAuth.requireSession(ctx).session().sessionId();
    Predicate<SessionEvent> mine = e -> e.sessionId().equals(sessionId);
    Predicate<SessionEvent> ending = e -> e.type().equals(SessionEvent.REVOKED)
        || e.type().equals(SessionEvent.EXPIRED);
    if (longPoll != null) {
      poll(ctx, after, longPoll, mine, ending);
    } else {
      stream(ctx, after, mine, ending);
    }
  }

  /** {@code wait_seconds} (1 to 25): long polling for clients whose HTTP stack reads whole replies only. */
  private static Duration longPoll(Context ctx) {
    String wait = ctx.queryParam("wait_seconds");
    if (wait == null) {
      return null;
    }
    try {
      int seconds = Integer.parseInt(wait);
      if (seconds >= 1 && seconds <= 25) {
        return Duration.ofSeconds(seconds);
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw ErrorCode.BAD_REQUEST.exception("wait_seconds must be a whole number from 1 to 25.");
  }

  /**
   * One long poll: the same event format, but the reply ends at the first batch that holds an event for the caller
   * (or when {@code wait} has passed), with a last {@code id:} line naming where to resume.
   */
  private void poll(Context ctx, long after, Duration wait, Predicate<SessionEvent> wanted,
      Predicate<SessionEvent> last) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    long cursor = after;
    StringBuilder batch = new StringBuilder();
    try {
      while (batch.isEmpty() && !hub.closed()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        for (SessionEvent e : hub.next(cursor, Duration.ofNanos(left))) {
          cursor = e.id();
          if (wanted.test(e)) {
            append(batch, e);
            if (last.test(e)) {
              break;
            }
          }
        }
      }
    } catch (SessionEventHub.HistoryGoneException e) {
      throw ErrorCode.EVENT_HISTORY_EXPIRED.exception();
    }
    ctx.contentType("text/event-stream;charset=utf-8");
    ctx.header("Cache-Control", "no-store");
    ctx.result(batch.append("id: ").append(cursor).append("\n\n").toString());
  }

  private static void append(StringBuilder batch, SessionEvent e) throws IOException {
    batch.append("id: ").append(e.id()).append("\nevent: ").append(e.type()).append("\ndata: ")
        .append(JSON.writeValueAsString(wire(e))).append("\n\n");
  }

  /**
   * Last-Event-ID: absent starts at {@code latest} (events committed after the request only), 0 replays all that is
   * kept, n resumes after n.
   */
  private long resumePoint(Context ctx) {
    String header = ctx.header("Last-Event-ID");
    if (header == null || header.isBlank()) {
      return hub.latest();
    }
    long after;
    try {
      after = Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      throw ErrorCode.INVALID_LAST_EVENT_ID.exception();
    }
    if (after < 0) {
      throw ErrorCode.INVALID_LAST_EVENT_ID.exception();
    }
    try {
      hub.checkResumable(after);
    } catch (SessionEventHub.HistoryGoneException e) {
      throw ErrorCode.EVENT_HISTORY_EXPIRED.exception();
    }
    return after;
  }

  private void stream(Context ctx, long after, Predicate<SessionEvent> wanted, Predicate<SessionEvent> last)
      throws IOException, InterruptedException {
    var res = ctx.res();
    res.setStatus(200);
    res.setContentType("text/event-stream;charset=utf-8");
    res.setHeader("Cache-Control", "no-store");
    res.setHeader("X-Accel-Buffering", "no");
    // Every write is flushed at once, so the response needs no aggregation buffer of the default 32 KiB, which
    // would be held for the life of the stream: with thousands of open streams it was most of the memory.
    res.setBufferSize(STREAM_BUFFER_BYTES);
    OutputStream out = res.getOutputStream();
    // The first bytes commit the headers, so the client knows at once that it is subscribed.
    write(out, "retry: 1000\n: subscribed\n\n");
    long cursor = after;
    try {
      while (true) {
        List<SessionEvent> events;
        try {
          events = hub.next(cursor, heartbeat);
        } catch (SessionEventHub.HistoryGoneException e) {
          write(out, "event: resync\ndata: " + JSON.writeValueAsString(Map.of("error_type",
              ErrorCode.EVENT_HISTORY_EXPIRED.type(), "error_message",
              ErrorCode.EVENT_HISTORY_EXPIRED.message())) + "\n\n");
          return;
        }
        if (hub.closed()) {
          return;
        }
        if (events.isEmpty()) {
          write(out, ": heartbeat\n\n");
          continue;
        }
        StringBuilder batch = new StringBuilder();
        boolean done = false;
        for (SessionEvent e : events) {
          cursor = e.id();
          if (wanted.test(e)) {
            append(batch, e);
            if (last.test(e)) {
              done = true;
              break;
            }
          }
        }
        if (!batch.isEmpty()) {
          write(out, batch.toString());
        }
        if (done) {
          return;
        }
      }
    } catch (IOException gone) {
      // The client went away (or the server is stopping): the stream simply ends.
    }
  }

  static Map<String, Object> wire(SessionEvent e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("event_id", e.id());
    m.put("type", e.type());
    m.put("session_id", e.sessionId());
    m.put("user_id", e.userId());
    m.put("occurred_at", e.occurredAt().toString());
    m.put("data", e.data());
    return m;
  }

  private static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }
}
