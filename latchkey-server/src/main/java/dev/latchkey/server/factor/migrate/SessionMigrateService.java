package dev.latchkey.server.factor.migrate;

import dev.latchkey.model.Attributes;
import dev.latchkey.model.AuthenticationFactor;
import dev.latchkey.model.SessionMigrateRequest;
import dev.latchkey.server.error.ErrorCode;
import dev.latchkey.server.factor.EmailUsers;
import dev.latchkey.server.oidc.OidcException;
import dev.latchkey.server.oidc.OidcProvider;
import dev.latchkey.server.session.CustomClaims;
import dev.latchkey.server.session.IssuedSession;
import dev.latchkey.server.session.SessionService;
import dev.latchkey.server.store.UserRecord;
import dev.latchkey.server.store.UserStore;
import dev.latchkey.server.user.EmailAddresses;
import dev.latchkey.server.user.UserService;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * Stytch's {@code POST /v1/sessions/migrate}: a session from another identity provider becomes a Latchkey session
 * without signing the user out. The provider's access token is sent to its UserInfo endpoint ({@link OidcProvider});
 * the user is the one with the email it returns, created when there is none, but only when the provider says the
 * email is verified ({@code email_verified: true}): an unverified address never links to an existing user, nor makes
 * a new one. The session proves an {@code imported} factor.
 *
 * <p>Stytch itself only matches existing users (its docs ask to create them first); creating the missing ones lets a
 * team cut over before it has imported every user. Nothing is written until the provider has answered.
 */
public final class SessionMigrateService {
  private final OidcProvider provider;
  private final EmailUsers emailUsers;
  private final UserStore users;
  private final SessionService sessions;
  private final Clock clock;

  /** @param provider null when no provider is configured: every call is then refused. */
  public SessionMigrateService(OidcProvider provider, UserStore users, UserService userService,
      SessionService sessions, Clock clock) {
    this.provider = provider;
    this.emailUsers = new EmailUsers(users, userService);
    this.users = users;
    this.sessions = sessions;
    this.clock = clock;
  }

  /** The user and the new session (null without {@code session_duration_minutes}, as Stytch does). */
  public record Migrated(UserRecord user, IssuedSession session) {}

  public Migrated migrate(SessionMigrateRequest r) {
    if (provider == null) {
      throw ErrorCode.SESSION_MIGRATE_NOT_CONFIGURED.exception();
    }
    if (r.sessionToken() == null || r.sessionToken().isEmpty()) {
      throw ErrorCode.MISSING_REQUIRED_FIELD.exception("session_token (the other provider's access token) is required.");
    }
    SessionService.checkDuration(r.sessionDurationMinutes());
    CustomClaims.checkNames(r.sessionCustomClaims());
    Map<String, Object> claims;
    try {
      claims = provider.userInfo(r.sessionToken());
    } catch (OidcException e) {
      throw e.kind() == OidcException.Kind.REJECTED
          ? ErrorCode.INVALID_MIGRATE_SESSION_TOKEN.exception("The identity provider did not accept the "
              + "session_token: " + e.getMessage() + ".")
          : ErrorCode.IDENTITY_PROVIDER_UNAVAILABLE.exception("The identity provider could not be used: "
              + e.getMessage() + ". Nothing was changed; retry shortly.");
    }
    String email = verifiedEmail(claims);
    EmailUsers.Found found = emailUsers.loginOrCreate(email, false);
    String userId = found.user().userId();
    String emailId = found.email().emailId();
    // The provider vouches for the mailbox, as a used magic link does.
    users.markEmailVerified(userId, emailId);
    UserRecord user = users.find(userId).orElseThrow(ErrorCode.USER_NOT_FOUND::exception);
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    IssuedSession session = sessions.signIn(userId, AuthenticationFactor.imported(now, emailId, email),
        SessionService.SessionRef.of(null, null), r.sessionDurationMinutes(), r.sessionCustomClaims(),
        Attributes.EMPTY);
    return new Migrated(user, session);
  }

  /** The normalized email of the claims, or 403 when there is none or it is not {@code email_verified: true}. */
  private static String verifiedEmail(Map<String, Object> claims) {
    Object email = claims.get("email");
    Object verified = claims.get("email_verified");
    // Some providers send the boolean as a string.
    boolean isVerified = Boolean.TRUE.equals(verified) || "true".equals(verified);
    if (!(email instanceof String address) || address.isBlank()) {
      throw ErrorCode.USERINFO_EMAIL_NOT_VERIFIED.exception(
          "The identity provider's UserInfo reply has no email, so no user can be matched or created.");
    }
    if (!isVerified) {
      throw ErrorCode.USERINFO_EMAIL_NOT_VERIFIED.exception("The identity provider does not say the email is "
          + "verified (email_verified is not true), so it is not matched to a user nor used to create one.");
    }
    try {
      return EmailAddresses.normalize(address);
    } catch (dev.latchkey.server.error.ApiException e) {
      throw ErrorCode.IDENTITY_PROVIDER_UNAVAILABLE.exception(
          "The identity provider's UserInfo reply has an email Latchkey cannot accept; nothing was changed.");
    }
  }
}
