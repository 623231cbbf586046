package dev.latchkey.server.http;

import dev.latchkey.server.metrics.ServerMetrics;
import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import java.time.Duration;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After each request: its duration into the metrics (by method, route template and status), and, with the JSON log
 * format, one log line with route, status, duration and request id (plus the W3C trace id when the caller sent a
 * {@code traceparent}). Paths are logged without their query and routes as templates: no token a caller puts in a
 * URL reaches the log, and ids in paths do not multiply the metrics.
 */
final class RequestLog {
  static final String REQUEST_ID_HEADER = "X-Request-Id";
  private static final Logger LOG = LoggerFactory.getLogger("latchkey.request");
  /** What a proxy or a tracing library puts in X-Request-Id (UUIDs, ULIDs, hex, dotted ids); nothing that could
   * break a log line or a JSON string. */
  private static final Pattern SANE_REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
  /** W3C Trace Context: version 00, 32 hex trace id (not all zero), 16 hex parent id, 2 hex flags. */
  private static final Pattern TRACEPARENT = Pattern.compile("00-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}");
  private static final String UNMATCHED = "unmatched";

  private final ServerMetrics metrics;
  private final boolean accessLog;

  RequestLog(ServerMetrics metrics, boolean accessLog) {
    this.metrics = metrics;
    this.accessLog = accessLog;
  }

  static boolean isSaneRequestId(String id) {
    return id != null && SANE_REQUEST_ID.matcher(id).matches();
  }

  void record(Context ctx, Float millis) {
    String route = route(ctx);
    int status = ctx.statusCode();
    Duration took = Duration.ofNanos((long) (millis * 1_000_000L));
    metrics.request(ctx.method().name(), route, status, took);
    if (accessLog) {
      var line = LOG.atInfo().addKeyValue("method", ctx.method().name()).addKeyValue("route", route)
          .addKeyValue("path", ctx.path()).addKeyValue("status", status)
          .addKeyValue("duration_ms", Math.round(millis * 1000) / 1000.0)
          .addKeyValue("request_id", Replies.requestId(ctx));
      String trace = traceId(ctx.header("traceparent"));
      if (trace != null) {
        line = line.addKeyValue("trace_id", trace);
      }
      line.log("{} {} {}", ctx.method().name(), route, status);
    }
  }

  /** The trace id of a valid {@code traceparent}, or null. */
  static String traceId(String traceparent) {
    if (traceparent == null) {
      return null;
    }
    var m = TRACEPARENT.matcher(traceparent.strip());
    return m.matches() && !m.group(1).chars().allMatch(c -> c == '0') ? m.group(1) : null;
  }

  private static String route(Context ctx) {
    try {
      Endpoint endpoint = ctx.endpoints().matchedHttpEndpoint();
      return endpoint == null ? UNMATCHED : endpoint.path;
    } catch (RuntimeException e) {
      return UNMATCHED;
    }
  }
}
