package dev.latchkey.server.http;

import dev.latchkey.server.error.ApiException;
import dev.latchkey.server.factor.NewDeviceAlerts;
import dev.latchkey.server.session.DeviceDescription;
import dev.latchkey.server.store.SessionRecord;
import io.javalin.http.Context;
import java.util.Optional;

/**
 * The landing page of a "new device signed in" mail's link ({@code /v1/public/sessions/revoke}, no credentials: the
 * link's token is the credential). GET only shows what would be signed out and a button; the POST of that button
 * revokes. A GET must not change anything: mail scanners and link previews open links by themselves, and would sign
 * the user's own new device out.
 */
final class SessionLinkRoutes {
  private final NewDeviceAlerts alerts;

  SessionLinkRoutes(NewDeviceAlerts alerts) {
    this.alerts = alerts;
  }

  void register(RouteTable routes) {
    routes.get(NewDeviceAlerts.PATH, this::confirm);
    routes.post(NewDeviceAlerts.PATH, this::revoke);
  }

  private void confirm(Context ctx) {
    String token = ctx.queryParam("token");
    Optional<SessionRecord> session = alerts.peek(token);
    if (session.isEmpty()) {
      page(ctx, 404, "Link no longer valid", "<p>This link was used already, has expired, or the session it names "
          + "has ended. Nothing was changed.</p>");
      return;
    }
    SessionRecord s = session.get();
    page(ctx, 200, "Sign that device out?", "<p>A sign-in to your account from <strong>"
        + esc(DeviceDescription.of(s.attributes() == null ? null : s.attributes().userAgent())) + "</strong> (IP "
        + esc(s.attributes() == null || s.attributes().ipAddress() == null ? "unknown" : s.attributes().ipAddress())
        + ") at " + esc(s.startedAt().toString()) + ".</p>"
        + "<p>If it was not you, sign it out now, then change your password.</p>"
        + "<form method=\"post\" action=\"" + NewDeviceAlerts.PATH + "\">"
        + "<input type=\"hidden\" name=\"token\" value=\"" + esc(token) + "\">"
        + "<button type=\"submit\">Sign that device out</button></form>");
  }

  private void revoke(Context ctx) {
    try {
      SessionRecord s = alerts.revoke(ctx.formParam("token"));
      page(ctx, 200, "Signed out", "<p>The device (" + esc(DeviceDescription.of(s.attributes() == null ? null
          : s.attributes().userAgent())) + ") is signed out. Change your password now if the sign-in was not "
          + "yours.</p>");
    } catch (ApiException e) {
      page(ctx, 404, "Link no longer valid", "<p>This link was used already, has expired, or the session it names "
          + "has ended. Nothing was changed.</p>");
    }
  }

  /** A small page that is never cached, framed, or referred from: its URL carries the link's token. */
  private static void page(Context ctx, int status, String title, String body) {
    ctx.status(status);
    ctx.header("Cache-Control", "no-store");
    ctx.header("Referrer-Policy", "no-referrer");
    ctx.header("X-Frame-Options", "DENY");
    ctx.header("Content-Security-Policy", "default-src 'none'; form-action 'self'; frame-ancestors 'none'");
    ctx.contentType("text/html; charset=utf-8");
    ctx.result("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + esc(title)
        + "</title></head><body><main><h1>" + esc(title) + "</h1>" + body + "</main></body></html>");
  }

  private static String esc(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
