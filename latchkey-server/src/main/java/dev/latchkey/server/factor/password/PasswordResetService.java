package dev.latchkey.server.factor.password;

import dev.latchkey.model.Attributes;
import dev.latchkey.model.AuthenticationFactor;
import dev.latchkey.model.PasswordResetRequest;
import dev.latchkey.model.PasswordResetStartRequest;
import dev.latchkey.server.error.ErrorCode;
import dev.latchkey.server.crypto.Ids;
import dev.latchkey.server.crypto.Secrets;
import dev.latchkey.server.factor.DeviceMatch;
import dev.latchkey.server.factor.EmailLinks;
import dev.latchkey.server.factor.RateLimiter;
import dev.latchkey.server.mail.MailTemplates;
import dev.latchkey.server.session.CustomClaims;
import dev.latchkey.server.session.IssuedSession;
import dev.latchkey.server.session.SessionService;
import dev.latchkey.server.store.EmailTokenStore;
import dev.latchkey.server.store.EmailTokenRecord;
import dev.latchkey.server.store.UserRecord;
import dev.latchkey.server.store.UserStore;
import dev.latchkey.server.user.EmailAddresses;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * Password reset by email: a single-use link (30 minutes by default, 5 to 10080), then a new password that must
 * pass the strength policy. A reset revokes every other session of the user: whoever knew the old password is
 * signed out. Using the link also proves the mailbox, so the email becomes verified.
 */
public final class PasswordResetService {
  public static final int DEFAULT_MINUTES = 30;
  public static final int MIN_MINUTES = 5;
  public static final int MAX_MINUTES = 10_080;

  private final UserStore users;
  private final EmailTokenStore tokens;
  private final EmailLinks links;
  private final MailTemplates templates;
  private final SessionService sessions;
  private final PasswordHasher hasher;
  private final PasswordPolicy policy;
  private final Ids ids;
  private final RateLimiter limiter;
  private final Clock clock;

  public PasswordResetService(UserStore users, EmailTokenStore tokens, EmailLinks links, MailTemplates templates,
      SessionService sessions, PasswordHasher hasher, PasswordPolicy policy, Ids ids, RateLimiter limiter,
      Clock clock) {
    this.users = users;
    this.tokens = tokens;
    this.links = links;
    this.templates = templates;
    this.sessions = sessions;
    this.hasher = hasher;
    this.policy = policy;
    this.ids = ids;
    this.limiter = limiter;
    this.clock = clock;
  }

  /** Who the link went to. */
  public record Sent(String userId, String emailId) {}

  /** Mails a reset link to an existing user's email ({@code email_not_found} otherwise, as Stytch answers). */
  public Sent start(PasswordResetStartRequest r, String clientIp) {
    String email = EmailAddresses.normalize(r.email());
    String challenge = EmailLinks.codeChallenge(r.codeChallenge());
    String url = links.redirectUrl(r.resetPasswordRedirectUrl(), "reset_password_redirect_url");
    int minutes = EmailLinks.minutes(r.resetPasswordExpirationMinutes(), DEFAULT_MINUTES, MIN_MINUTES, MAX_MINUTES,
        "reset_password_expiration_minutes");
    limiter.countSend(email, clientIp);
    UserRecord user = users.findByEmail(email).orElseThrow(ErrorCode.EMAIL_NOT_FOUND::exception);
    UserRecord.StoredEmail stored = user.emails().stream().filter(e -> e.email().equals(email)).findFirst()
        .orElseThrow(ErrorCode.EMAIL_NOT_FOUND::exception);
    links.issue(EmailTokenRecord.RESET_PASSWORD, "reset_password", url, user.userId(), stored.emailId(), challenge,
        minutes, r.attributes(), link -> templates.render(MailTemplates.PASSWORD_RESET, email,
            Map.of("link", link, "email", email, "expiration_minutes", Integer.toString(minutes)), link, null));
    return new Sent(user.userId(), stored.emailId());
  }

  /**
   * Sets the new password with the link's token. The password is checked before the token is spent, so a weak
   * one can be corrected with the same link; an unknown, used or expired token is 401
   * {@code unable_to_auth_password_reset_token}.
   */
  public PasswordService.Outcome reset(PasswordResetRequest r, Attributes attributes, String clientIp) {
    if (r.token() == null || r.token().isEmpty()) {
      throw ErrorCode.MISSING_REQUIRED_FIELD.exception("token is required.");
    }
    String password = PasswordService.required(r.password(), "password");
    PasswordService.requireWellFormed(password);
    SessionService.SessionRef ref = SessionService.SessionRef.of(r.sessionToken(), r.sessionJwt());
    SessionService.checkRef(ref);
    SessionService.checkDuration(r.sessionDurationMinutes());
    CustomClaims.checkNames(r.sessionCustomClaims());
    RateLimiter.Attempt attempt = limiter.begin(clientIp, null);
    String hash = Secrets.sha256(r.token());
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    EmailTokenRecord token = tokens.find(hash, EmailTokenRecord.RESET_PASSWORD).filter(t -> t.isLiveAt(now))
        .orElse(null);
    UserRecord user = token == null ? null : users.find(token.userId()).orElse(null);
    if (user == null) {
      throw ErrorCode.UNABLE_TO_AUTH_PASSWORD_RESET_TOKEN.exception();
    }
    String email = user.emails().stream().filter(e -> e.emailId().equals(token.emailId())).findFirst()
        .map(UserRecord.StoredEmail::email).orElse(null);
    EmailLinks.checkPkce(token, r.codeVerifier());
    DeviceMatch.require(r.options(), token.requestedBy(), attributes);
    attempt.release();
    policy.require(password, email);
    // Checked before anything changes: a refused step-up leaves the password and the link as they were.
    sessions.requireOwnedBy(ref, user.userId());
    if (tokens.consume(hash, EmailTokenRecord.RESET_PASSWORD).isEmpty()) {
      // A concurrent reset used the link first.
      throw ErrorCode.UNABLE_TO_AUTH_PASSWORD_RESET_TOKEN.exception();
    }
    users.setPassword(user.userId(), new UserRecord.StoredPassword(ids.password(), hasher.hash(password), false));
    users.markEmailVerified(user.userId(), token.emailId());
    IssuedSession session = sessions.signIn(user.userId(), AuthenticationFactor.password(now), ref,
        r.sessionDurationMinutes(), r.sessionCustomClaims(), attributes);
    sessions.revokeAllExcept(user.userId(), session == null ? null : session.session().sessionId());
    return new PasswordService.Outcome(users.find(user.userId()).orElse(user), session);
  }
}
