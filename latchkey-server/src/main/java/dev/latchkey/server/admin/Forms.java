package dev.latchkey.server.admin;

import io.javalin.http.Context;

/** The console's change forms: one button that posts with the CSRF token, then a confirmation page. */
final class Forms {
  private Forms() {}

  /** A form with one button that posts to {@code action}, which answers with its confirmation page first. */
  static String button(AdminSessions.SignedIn admin, String action, String label, String ariaLabel) {
    return "<form method=\"post\" action=\"" + action + "\" class=\"action\">" + Html.csrfField(admin.csrf())
        + "<button type=\"submit\" class=\"danger\""
        + (ariaLabel == null ? "" : " aria-label=\"" + Html.esc(ariaLabel) + "\"") + ">" + Html.esc(label)
        + "</button></form>";
  }

  /**
   * True when the post is the confirmation ({@code confirmed=yes}); otherwise answers with the confirmation page,
   * whose form posts the same action again with it (and the CSRF token), and returns false.
   */
  static boolean confirm(Context ctx, AdminSessions.SignedIn admin, String title, String what, String verb,
      String cancelHref) {
    if ("yes".equals(ctx.formParam("confirmed"))) {
      return true;
    }
    String body = "<p>" + Html.esc(what) + "</p><form method=\"post\" action=\"" + Html.esc(ctx.path())
        + "\" class=\"row\">" + Html.csrfField(admin.csrf())
        + "<input type=\"hidden\" name=\"confirmed\" value=\"yes\">"
        + "<button type=\"submit\" class=\"danger\">" + Html.esc(verb) + "</button>"
        + "<a href=\"" + cancelHref + "\">Cancel</a></form>";
    ctx.status(200).html(Html.page(title, admin, body));
    return false;
  }
}
