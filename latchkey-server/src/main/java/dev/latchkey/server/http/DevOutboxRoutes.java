package dev.latchkey.server.http;

import dev.latchkey.server.error.ErrorCode;
import dev.latchkey.server.mail.DevOutbox;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /v1/dev/outbox}: the mails the dev outbox kept, newest first, with their links and codes, so a
 * developer without an SMTP server can sign in. Registered only when {@code LATCHKEY_DEV_OUTBOX=true} and no SMTP
 * server is configured; like every {@code /v1/} path it needs the project's secret.
 */
final class DevOutboxRoutes {
  private final DevOutbox outbox;

  DevOutboxRoutes(DevOutbox outbox) {
    this.outbox = outbox;
  }

  void register(RouteTable routes) {
    routes.get("/v1/dev/outbox", this::list);
  }

  private void list(Context ctx) {
    String to = ctx.queryParam("email");
    List<Map<String, Object>> messages = outbox.list(to == null || to.isEmpty() ? null : to).stream()
        .limit(limit(ctx.queryParam("limit"))).map(DevOutboxRoutes::message).toList();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status_code", 200);
    body.put("request_id", Replies.requestId(ctx));
    body.put("messages", messages);
    Replies.json(ctx, 200, body);
  }

  private static Map<String, Object> message(DevOutbox.Kept k) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("sent_at", k.sentAt());
    m.put("to", k.mail().to());
    m.put("subject", k.mail().subject());
    m.put("link", k.mail().link());
    m.put("token", k.mail().link() == null ? null : tokenOf(k.mail().link()));
    m.put("code", k.mail().code());
    return m;
  }

  private static int limit(String value) {
    if (value == null || value.isEmpty()) {
      return Integer.MAX_VALUE;
    }
    try {
      int n = Integer.parseInt(value);
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw ErrorCode.INVALID_FIELD_TYPE.exception("The query parameter limit must be a whole number of at least 1.");
  }

  /** The {@code token} query parameter of a mailed link (tokens are URL-safe, so it needs no decoding). */
  private static String tokenOf(String link) {
    int at = link.lastIndexOf("token=");
    return at < 0 ? null : link.substring(at + "token=".length());
  }
}
