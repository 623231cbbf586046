package dev.latchkey.server.admin;

import dev.latchkey.server.metrics.ServerMetrics;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The live view: sign-ins, authenticates, failed requests and rate-limit trips per second, charted in the page
 * (assets/live.js with the vendored uPlot) from the server's own Micrometer counters, which {@code /admin/live.json}
 * returns as running totals; the page turns two readings into a rate.
 */
final class LivePage {
  private final ServerMetrics metrics;
  private final Clock clock;

  LivePage(ServerMetrics metrics, Clock clock) {
    this.metrics = metrics;
    this.clock = clock;
  }

  void show(Context ctx, AdminSessions.SignedIn admin) {
    String body = "<p>Per second, on this node, updated every second (the last five minutes).</p>"
        + "<div id=\"chart\" role=\"img\" aria-label=\"Chart of sign-ins, authenticates, failures and rate-limit "
        + "trips per second\"></div>"
        + "<table><caption>Now, per second</caption><thead><tr><th scope=\"col\">What</th>"
        + "<th scope=\"col\">Per second</th><th scope=\"col\">Total since start</th></tr></thead><tbody>"
        + row("sign_ins", "Sign-ins (sessions started)")
        + row("authenticates", "Session authenticates")
        + row("failures", "Failed requests (4xx and 5xx)")
        + row("rate_limit_trips", "Rate-limit trips")
        + "</tbody></table><p id=\"live-status\" role=\"status\">Waiting for the first reading.</p>";
    ctx.status(200).html(Html.page("Live", admin, body, "uPlot.iife.min.js", "live.js")
        .replace("</head>", "<link rel=\"stylesheet\" href=\"/admin/assets/uPlot.min.css\"></head>"));
  }

  private static String row(String id, String label) {
    return "<tr><th scope=\"row\">" + label + "</th><td id=\"rate-" + id + "\">&ndash;</td><td id=\"total-" + id
        + "\">&ndash;</td></tr>";
  }

  /** The running totals, read from the counters now. */
  void totals(Context ctx) {
    Map<String, Long> body = new LinkedHashMap<>();
    body.put("at", clock.millis());
    body.put("sign_ins", (long) metrics.total("latchkey.sessions.started", "", v -> true));
    body.put("authenticates", (long) metrics.total("latchkey.sessions.authenticated", "", v -> true));
    body.put("failures", (long) metrics.total("http.server.requests", "status",
        v -> v.startsWith("4") || v.startsWith("5")));
    body.put("rate_limit_trips", (long) metrics.total("latchkey.rate.limit.trips", "", v -> true));
    ctx.status(200).contentType("application/json").result(body.entrySet().stream()
        .map(e -> "\"" + e.getKey() + "\":" + e.getValue())
        .collect(java.util.stream.Collectors.joining(",", "{", "}")));
  }
}
