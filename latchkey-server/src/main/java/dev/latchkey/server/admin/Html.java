package dev.latchkey.server.admin;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The admin pages' HTML: escaping, the page frame (one {@code h1}, a skip link, the navigation and sign-out form)
 * and the small pieces every page uses. Every value from the database or the request goes through {@link #esc}.
 * No inline script or style anywhere: the Content-Security-Policy forbids both.
 */
final class Html {
  private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
      .withZone(ZoneOffset.UTC);

  private Html() {}

  /** Text made safe for an element's content or a quoted attribute value. */
  static String esc(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
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

  /** A query-string or path component. */
  static String url(String text) {
    return java.net.URLEncoder.encode(text == null ? "" : text, java.nio.charset.StandardCharsets.UTF_8);
  }

  static String when(Instant at) {
    return at == null ? "" : "<time datetime=\"" + at + "\">" + WHEN.format(at) + "</time>";
  }

  /** How long ago, roughly: "42 s", "5 min", "3 h", "2 d". */
  static String age(Instant at, Instant now) {
    Duration d = Duration.between(at, now);
    if (d.isNegative()) {
      d = Duration.ZERO;
    }
    if (d.toMinutes() < 1) {
      return d.toSeconds() + " s";
    }
    if (d.toHours() < 1) {
      return d.toMinutes() + " min";
    }
    if (d.toDays() < 1) {
      return d.toHours() + " h";
    }
    return d.toDays() + " d";
  }

  /** The hidden field every form posts: the session's CSRF token. */
  static String csrfField(String csrf) {
    return "<input type=\"hidden\" name=\"" + AdminSessions.CSRF_FIELD + "\" value=\"" + esc(csrf) + "\">";
  }

  /** A page for a signed-in admin: navigation, sign-out, one {@code h1} with {@code title}, then {@code body}. */
  static String page(String title, AdminSessions.SignedIn admin, String body, String... scripts) {
    StringBuilder html = head(title, scripts);
    html.append("<header><nav aria-label=\"Admin console\"><ul>")
        .append("<li><a href=\"/admin/users\">Users</a></li>")
        .append("<li><a href=\"/admin/keys\">Signing keys</a></li>")
        .append("<li><a href=\"/admin/live\">Live</a></li></ul>")
        .append("<form method=\"post\" action=\"/admin/logout\" class=\"signout\">").append(csrfField(admin.csrf()))
        .append("<span>Signed in as ").append(esc(admin.name())).append("</span> ")
        .append("<button type=\"submit\">Sign out</button></form></nav></header>");
    return html.append("<main id=\"main\" tabindex=\"-1\"><h1>").append(esc(title)).append("</h1>").append(body)
        .append("</main></body></html>").toString();
  }

  /** A page for someone not signed in (the sign-in form, an error before sign-in). */
  static String publicPage(String title, String body) {
    return head(title).append("<main id=\"main\" tabindex=\"-1\"><h1>").append(esc(title)).append("</h1>")
        .append(body).append("</main></body></html>").toString();
  }

  private static StringBuilder head(String title, String... scripts) {
    StringBuilder html = new StringBuilder(4096).append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<title>").append(esc(title)).append(" · Latchkey admin</title>")
        .append("<link rel=\"stylesheet\" href=\"/admin/assets/admin.css\">");
    for (String script : scripts) {
      html.append("<script src=\"/admin/assets/").append(script).append("\" defer></script>");
    }
    return html.append("</head><body><a class=\"skip\" href=\"#main\">Skip to content</a>");
  }

  /** A status line (role=status) or, when {@code error}, an alert. */
  static String notice(String text, boolean error) {
    return text == null || text.isEmpty() ? ""
        : "<p class=\"" + (error ? "error\" role=\"alert" : "notice\" role=\"status") + "\">" + esc(text) + "</p>";
  }
}
