package dev.latchkey.server.http;

import dev.latchkey.server.crypto.Secrets;
import dev.latchkey.server.error.ErrorCode;
import dev.latchkey.server.metrics.ServerMetrics;
import io.javalin.http.Context;

/**
 * {@code GET /metrics}: the Prometheus text format, for a scraper holding {@code LATCHKEY_METRICS_TOKEN} as a Bearer
 * token (compared in constant time). Registered only when that setting is set: metrics say how busy the server is
 * and which limits trip, which is no one else's business.
 */
final class MetricsRoutes {
  private final ServerMetrics metrics;
  private final String token;

  MetricsRoutes(ServerMetrics metrics, String token) {
    this.metrics = metrics;
    this.token = token;
  }

  void register(RouteTable routes) {
    routes.get("/metrics", this::scrape);
  }

  private void scrape(Context ctx) {
    String authorization = ctx.header("Authorization");
    String offered = authorization != null && authorization.startsWith("Bearer ")
        ? authorization.substring("Bearer ".length()) : null;
    if (!Secrets.constantTimeEquals(offered, token)) {
      ctx.header("WWW-Authenticate", "Bearer realm=\"latchkey-metrics\"");
      throw ErrorCode.UNAUTHORIZED_CREDENTIALS.exception("Unauthorized: send LATCHKEY_METRICS_TOKEN as a Bearer token.");
    }
    ctx.status(200).contentType(ServerMetrics.contentType()).result(metrics.scrape());
  }
}
