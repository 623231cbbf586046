package dev.latchkey.server.http;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.latchkey.model.AuthenticationFactor;
import dev.latchkey.server.error.ErrorCode;
import dev.latchkey.server.store.UserRecord;
import dev.latchkey.server.user.UserService;
import io.javalin.http.Context;
import java.util.Set;

/**
 * {@code /sdk/v1/users/emails/{email_id}}: a signed-in user removes one of their own email addresses (the browser
 * SDK's {@code user.deleteEmail}; it has no {@code deletePassword}). Stytch's rules, as its SDK documents them:
 * the method cannot remove a user's last way to sign in, and when the user has another MFA method enrolled (a
 * verified TOTP here) the session must have passed it. Latchkey adds that the email must be the caller's own: an
 * id of someone else's email answers exactly like an unknown one.
 */
final class SdkUserFactorRoutes {
  /** The factors that prove the user passed their authenticator app (or one of its recovery codes). */
  private static final Set<String> MFA_FACTORS = Set.of("totp", "recovery_codes");

  private final SdkAuth auth;
  private final UserService users;

  SdkUserFactorRoutes(SdkAuth auth, UserService users) {
    this.auth = auth;
    this.users = users;
  }

  void register(RouteTable routes) {
    routes.delete("/sdk/v1/users/emails/{email_id}", this::deleteEmail);
  }

  /** Stytch's SDK delete reply: the user id, and the whole user as {@code __user}, which the browser SDK stores. */
  record DeleteResponse(int statusCode, String requestId, String userId, @JsonProperty("__user") Object user) {}

  private void deleteEmail(Context ctx) {
    SdkAuth.SignedIn caller = auth.requireSession(ctx);
    String emailId = ctx.pathParam("email_id");
    UserRecord user = users.get(caller.session().userId());
    if (user.emails().stream().noneMatch(e -> e.emailId().equals(emailId))) {
      throw ErrorCode.EMAIL_NOT_FOUND.exception("The signed-in user has no email with this email_id.");
    }
    if (user.emails().size() == 1) {
      // Latchkey has no phone numbers or OAuth: an email is the only identifier a user signs in with.
      throw ErrorCode.BAD_REQUEST.exception("This is the user's last email address: a user cannot remove their "
          + "last way to sign in (add another email first).");
    }
    boolean hasMfa = user.totps().stream().anyMatch(t -> t.verified());
    boolean passedMfa = caller.session().factors().stream().map(AuthenticationFactor::type)
        .anyMatch(MFA_FACTORS::contains);
    if (hasMfa && !passedMfa) {
      throw ErrorCode.BAD_REQUEST.exception("The user has an authenticator app: authenticate this session with "
          + "a TOTP code (or a recovery code) before removing an email.");
    }
    UserRecord after = users.deleteEmail(emailId);
    Replies.data(ctx, new DeleteResponse(200, Replies.requestId(ctx), after.userId(), Replies.flat(ctx,
        UserService.toWire(after))));
  }
}
