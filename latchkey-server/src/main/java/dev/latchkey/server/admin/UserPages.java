package dev.latchkey.server.admin;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.model.AuthenticationFactor;
import dev.latchkey.model.User;
import dev.latchkey.server.error.ErrorCode;
import dev.latchkey.server.session.DeviceDescription;
import dev.latchkey.server.session.SessionService;
import dev.latchkey.server.store.SessionRecord;
import dev.latchkey.server.store.UserRecord;
import dev.latchkey.server.store.UserSearch;
import dev.latchkey.server.user.UserSearchRequests;
import dev.latchkey.server.user.UserService;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Users: a search by email address (any part of it) or user id, paged with the user search's own cursors; one user
 * with its factors and live sessions; revoking one session or all, deleting the user. Each change is a POST that
 * first answers with a confirmation page, and acts only when that page's form is sent.
 */
final class UserPages {
  static final int PAGE_SIZE = 20;

  private final UserService users;
  private final SessionService sessions;
  private final Clock clock;

  UserPages(UserService users, SessionService sessions, Clock clock) {
    this.users = users;
    this.sessions = sessions;
    this.clock = clock;
  }

  void list(Context ctx, AdminSessions.SignedIn admin) {
    String q = ctx.queryParam("q") == null ? "" : ctx.queryParam("q").strip();
    String cursor = ctx.queryParam("cursor");
    StringBuilder body = new StringBuilder();
    body.append(Html.notice(notice(ctx.queryParam("notice")), false));
    body.append("<form method=\"get\" action=\"/admin/users\" role=\"search\" class=\"row\">")
        .append("<label for=\"q\">Email address or user id</label>")
        .append("<input id=\"q\" name=\"q\" type=\"search\" value=\"").append(Html.esc(q)).append("\">")
        .append("<button type=\"submit\">Search</button></form>");
    UserSearch search = UserSearchRequests.parse(searchBody(q, cursor));
    UserSearch.Page page = users.search(search);
    body.append("<h2>").append(q.isEmpty() ? "All users" : "Users matching \u201c" + Html.esc(q) + "\u201d")
        .append("</h2><p id=\"result-count\">").append(page.total()).append(page.total() == 1 ? " user" : " users")
        .append("</p>");
    if (!page.results().isEmpty()) {
      body.append("<table><caption>Users, oldest first</caption><thead><tr><th scope=\"col\">User</th>")
          .append("<th scope=\"col\">Email addresses</th><th scope=\"col\">Status</th>")
          .append("<th scope=\"col\">Created</th></tr></thead><tbody>");
      for (UserRecord u : page.results()) {
        body.append("<tr><td><a href=\"/admin/users/").append(Html.url(u.userId())).append("\">")
            .append(Html.esc(u.userId())).append("</a></td><td>")
            .append(Html.esc(u.emails().stream().map(UserRecord.StoredEmail::email).collect(Collectors.joining(", "))))
            .append("</td><td>").append(Html.esc(u.status())).append("</td><td>").append(Html.when(u.createdAt()))
            .append("</td></tr>");
      }
      body.append("</tbody></table>");
    }
    String next = UserSearchRequests.cursor(search, page.next());
    body.append("<nav aria-label=\"Pages\" class=\"row\">");
    if (cursor != null && !cursor.isEmpty()) {
      body.append("<a href=\"/admin/users?q=").append(Html.url(q)).append("\">First page</a>");
    }
    if (next != null) {
      body.append("<a href=\"/admin/users?q=").append(Html.url(q)).append("&amp;cursor=").append(Html.url(next))
          .append("\" rel=\"next\">Next page</a>");
    }
    body.append("</nav>");
    ctx.status(200).html(Html.page("Users", admin, body.toString()));
  }

  /** The body of {@code POST /v1/users/search} for the box's text: a user id, or part of an email address. */
  private static ObjectNode searchBody(String q, String cursor) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("limit", PAGE_SIZE);
    if (cursor != null && !cursor.isEmpty()) {
      body.put("cursor", cursor);
    }
    if (!q.isEmpty()) {
      ObjectNode operand = JsonNodeFactory.instance.objectNode();
      if (q.startsWith("user-")) {
        operand.put("filter_name", "user_id");
        operand.putArray("filter_value").add(q);
      } else {
        operand.put("filter_name", "email_address_fuzzy");
        operand.put("filter_value", q);
      }
      ObjectNode query = body.putObject("query");
      query.put("operator", "AND");
      query.putArray("operands").add(operand);
    }
    return body;
  }

  void show(Context ctx, AdminSessions.SignedIn admin) {
    UserRecord u = users.get(ctx.pathParam("user_id"));
    Instant now = clock.instant();
    String base = "/admin/users/" + Html.url(u.userId());
    StringBuilder body = new StringBuilder();
    body.append(Html.notice(notice(ctx.queryParam("notice")), false));
    body.append("<h2>Profile</h2><dl>")
        .append(item("User id", Html.esc(u.userId())))
        .append(item("Status", Html.esc(u.status())))
        .append(item("Name", Html.esc(String.join(" ", List.of(u.name().firstName(), u.name().middleName(),
            u.name().lastName())).replaceAll(" +", " ").strip())))
        .append(item("External id", Html.esc(u.externalId())))
        .append(item("Created", Html.when(u.createdAt()))).append("</dl>");
    body.append("<h2>Factors</h2><ul class=\"factors\">");
    for (UserRecord.StoredEmail e : u.emails()) {
      body.append("<li>Email ").append(Html.esc(e.email())).append(e.verified() ? " (verified)" : " (not verified)")
          .append("</li>");
    }
    if (u.password() != null) {
      body.append("<li>Password").append(u.password().requiresReset() ? " (must be reset)" : "").append("</li>");
    }
    for (User.Totp t : u.totps()) {
      body.append("<li>Authenticator app ").append(Html.esc(t.totpId())).append(t.verified() ? "" : " (not verified)")
          .append("</li>");
    }
    for (UserRecord.StoredProvider p : u.providers()) {
      body.append("<li>Sign-in with ").append(Html.esc(p.providerType())).append(" (")
          .append(Html.esc(p.providerSubject())).append(")</li>");
    }
    for (User.WebAuthnRegistration w : u.webauthnRegistrations()) {
      body.append("<li>Passkey ").append(Html.esc(w.name() == null || w.name().isEmpty() ? w.webauthnRegistrationId()
          : w.name())).append(" on ").append(Html.esc(w.domain())).append("</li>");
    }
    body.append("</ul>");
    List<SessionRecord> live = sessions.listActive(u.userId());
    body.append("<h2>Sessions</h2><p id=\"session-count\">").append(live.size())
        .append(live.size() == 1 ? " live session" : " live sessions").append("</p>");
    if (!live.isEmpty()) {
      body.append("<table><caption>Live sessions, oldest first</caption><thead><tr>")
          .append("<th scope=\"col\">Session</th><th scope=\"col\">Device</th><th scope=\"col\">Age</th>")
          .append("<th scope=\"col\">Last used</th><th scope=\"col\">Signed in with</th>")
          .append("<th scope=\"col\">Action</th></tr></thead><tbody>");
      for (SessionRecord s : live) {
        String ip = s.attributes() == null ? null : s.attributes().ipAddress();
        String agent = s.attributes() == null ? null : s.attributes().userAgent();
        body.append("<tr><td>").append(Html.esc(s.sessionId())).append("</td><td>")
            .append(Html.esc(DeviceDescription.of(agent)))
            .append(agent == null || agent.isEmpty() ? "" : "<br><small>" + Html.esc(agent) + "</small>")
            .append("<br>IP ").append(ip == null || ip.isEmpty() ? "unknown" : Html.esc(ip)).append("</td><td>")
            .append(Html.age(s.startedAt(), now)).append("</td><td>").append(Html.age(s.lastAccessedAt(), now))
            .append(" ago</td><td>").append(Html.esc(s.factors().stream().map(AuthenticationFactor::type)
                .distinct().collect(Collectors.joining(", "))))
            .append("</td><td>").append(Forms.button(admin, base + "/sessions/" + Html.url(s.sessionId()) + "/revoke",
                "Revoke", "Revoke session " + s.sessionId()))
            .append("</td></tr>");
      }
      body.append("</tbody></table>");
      body.append(Forms.button(admin, base + "/sessions/revoke-all", "Revoke all sessions", null));
    }
    body.append("<h2>Delete</h2><p>Deletes the user with its email addresses, password, factors and sessions.</p>")
        .append(Forms.button(admin, base + "/delete", "Delete this user", null));
    ctx.status(200).html(Html.page("User " + u.userId(), admin, body.toString()));
  }

  void revoke(Context ctx, AdminSessions.SignedIn admin) {
    UserRecord u = users.get(ctx.pathParam("user_id"));
    String sessionId = ctx.pathParam("session_id");
    // Only a session of this user: the page named it under the user, and a forged path must not reach another.
    if (sessions.listActive(u.userId()).stream().noneMatch(s -> s.sessionId().equals(sessionId))) {
      throw ErrorCode.SESSION_NOT_FOUND.exception();
    }
    if (Forms.confirm(ctx, admin, "Revoke this session?", "Session " + sessionId + " of " + u.userId()
        + " stops working at once; its device must sign in again.", "Revoke session", "/admin/users/" + Html.url(u.userId()))) {
      sessions.revoke(sessionId, SessionService.SessionRef.of(null, null));
      done(ctx, u.userId(), "session-revoked");
    }
  }

  void revokeAll(Context ctx, AdminSessions.SignedIn admin) {
    UserRecord u = users.get(ctx.pathParam("user_id"));
    if (Forms.confirm(ctx, admin, "Revoke every session?", "Every session of " + u.userId() + " stops working at once; "
        + "each of its devices must sign in again.", "Revoke all sessions", "/admin/users/" + Html.url(u.userId()))) {
      sessions.revokeAllExcept(u.userId(), null);
      done(ctx, u.userId(), "sessions-revoked");
    }
  }

  void delete(Context ctx, AdminSessions.SignedIn admin) {
    UserRecord u = users.get(ctx.pathParam("user_id"));
    if (Forms.confirm(ctx, admin, "Delete this user?", "User " + u.userId() + " is deleted with its email addresses, "
        + "password, factors and sessions. This cannot be undone.", "Delete user", "/admin/users/" + Html.url(u.userId()))) {
      users.delete(u.userId());
      ctx.redirect("/admin/users?notice=user-deleted", HttpStatus.SEE_OTHER);
    }
  }

  private static void done(Context ctx, String userId, String notice) {
    ctx.redirect("/admin/users/" + Html.url(userId) + "?notice=" + notice, HttpStatus.SEE_OTHER);
  }

  private static String item(String term, String value) {
    return "<dt>" + term + "</dt><dd>" + (value.isEmpty() ? "&mdash;" : value) + "</dd>";
  }

  /** The fixed messages a redirect after a change may ask for; anything else shows nothing. */
  private static String notice(String code) {
    return switch (code == null ? "" : code) {
      case "session-revoked" -> "The session was revoked.";
      case "sessions-revoked" -> "Every session of this user was revoked.";
      case "user-deleted" -> "The user was deleted.";
      default -> null;
    };
  }
}
