package dev.latchkey.server.admin;

import dev.latchkey.server.keys.KeyRing;
import dev.latchkey.server.keys.SigningKey;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;

/**
 * The signing keys: the one that signs new session JWTs and the retired ones still in the JWKS, and a rotation
 * ({@link KeyRing#rotate}, as {@code latchkey keys rotate} does; other nodes re-read the keys at once on PostgreSQL).
 */
final class KeyPages {
  private final KeyRing keys;

  KeyPages(KeyRing keys) {
    this.keys = keys;
  }

  void list(Context ctx, AdminSessions.SignedIn admin) {
    StringBuilder body = new StringBuilder();
    if ("rotated".equals(ctx.queryParam("notice"))) {
      body.append(Html.notice("New signing key " + keys.signingKey().kid() + ". The previous key stays in the JWKS "
          + "until its retention ends.", false));
    }
    body.append("<p>Session JWTs are signed with the newest key; retired keys keep verifying the JWTs they signed ")
        .append("until LATCHKEY_KEY_RETENTION ends.</p>");
    body.append("<table><caption>Keys in the JWKS, newest first</caption><thead><tr><th scope=\"col\">Key id (kid)")
        .append("</th><th scope=\"col\">Created</th><th scope=\"col\">State</th></tr></thead><tbody>");
    for (SigningKey k : keys.verificationKeys()) {
      body.append("<tr><td class=\"kid\">").append(Html.esc(k.kid())).append("</td><td>").append(Html.when(k.createdAt()))
          .append("</td><td>").append(k.retiredAt() == null ? "signs new JWTs"
              : "retired " + Html.when(k.retiredAt())).append("</td></tr>");
    }
    body.append("</tbody></table><h2>Rotate</h2><p>Creates a new key that signs from now on.</p>")
        .append(Forms.button(admin, "/admin/keys/rotate", "Rotate the signing key", null));
    ctx.status(200).html(Html.page("Signing keys", admin, body.toString()));
  }

  void rotate(Context ctx, AdminSessions.SignedIn admin) {
    if (Forms.confirm(ctx, admin, "Rotate the signing key?", "A new key signs every session JWT from now on. JWTs "
        + "signed with the current key keep verifying until LATCHKEY_KEY_RETENTION ends.", "Rotate",
        "/admin/keys")) {
      keys.rotate();
      ctx.redirect("/admin/keys?notice=rotated", HttpStatus.SEE_OTHER);
    }
  }
}
