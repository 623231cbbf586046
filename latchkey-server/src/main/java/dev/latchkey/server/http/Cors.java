package dev.latchkey.server.http;

import dev.latchkey.server.error.ErrorCode;
import io.javalin.http.Context;
import java.util.List;
import java.util.Set;

/**
 * CORS for the frontend SDK endpoints: browsers on the configured origins ({@code LATCHKEY_CORS_ORIGINS}) may call
 * {@code /sdk/v1} with credentials. The origin is echoed, never {@code *} (browsers refuse {@code *} with credentials,
 * and it would let any site act for a signed-in user). Other origins get no CORS headers, so their browsers do not let
 * them read replies; their preflights are refused with 403. With no origins configured, nothing here runs.
 */
final class Cors {
  /** What the SDKs send: Basic credentials, JSON bodies, and their telemetry headers. */
  static final String ALLOWED_HEADERS = "Authorization, Content-Type, X-SDK-Client, X-SDK-Parent-Host";
  static final String ALLOWED_METHODS = "GET, POST, PUT, DELETE";
  /** Browsers cap this themselves (Chromium at 2 hours); ten minutes spares a preflight per call without pinning. */
  static final String MAX_AGE_SECONDS = "600";

  private final Set<String> origins;

  Cors(List<String> origins) {
    this.origins = Set.copyOf(origins);
  }

  /**
   * Adds the CORS headers to a request from an allowed origin, and answers a preflight. Returns true when the
   * request was a preflight and has been answered, so no other handler may run.
   */
  boolean apply(Context ctx) {
    if (origins.isEmpty()) {
      return false;
    }
    // The reply depends on the Origin header, so a cache must not hand one origin's reply to another.
    ctx.header("Vary", "Origin");
    String origin = ctx.header("Origin");
    boolean allowed = origin != null && origins.contains(origin);
    if (allowed) {
      ctx.header("Access-Control-Allow-Origin", origin);
      ctx.header("Access-Control-Allow-Credentials", "true");
    }
    boolean preflight = ctx.method().name().equals("OPTIONS") && origin != null
        && ctx.header("Access-Control-Request-Method") != null;
    if (!preflight) {
      return false;
    }
    if (!allowed) {
      throw ErrorCode.ORIGIN_NOT_ALLOWED.exception();
    }
    ctx.header("Access-Control-Allow-Methods", ALLOWED_METHODS);
    ctx.header("Access-Control-Allow-Headers", ALLOWED_HEADERS);
    ctx.header("Access-Control-Max-Age", MAX_AGE_SECONDS);
    ctx.status(204);
    return true;
  }
}
