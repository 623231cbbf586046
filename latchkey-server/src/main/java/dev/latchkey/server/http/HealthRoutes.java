package dev.latchkey.server.http;

import dev.latchkey.server.error.ErrorCode;
import dev.latchkey.server.store.Stores;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code /healthz} (the process answers) and {@code /readyz} (the database answers too). No auth. */
final class HealthRoutes {
  private final Stores stores;

  HealthRoutes(Stores stores) {
    this.stores = stores;
  }

  void register(RouteTable routes) {
    routes.get("/healthz", ctx -> Replies.json(ctx, 200, status(ctx, "ok")));
    routes.get("/readyz", this::ready);
  }

  private void ready(Context ctx) {
    if (!stores.isReady()) {
      throw ErrorCode.DATABASE_UNAVAILABLE.exception();
    }
    Replies.json(ctx, 200, status(ctx, "ready"));
  }

  private static Map<String, Object> status(Context ctx, String status) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status_code", 200);
    body.put("request_id", Replies.requestId(ctx));
    body.put("status", status);
    return body;
  }
}
