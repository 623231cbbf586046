package dev.latchkey.server.factor.magiclink;

import dev.latchkey.server.factor.DeviceMatch;
import dev.latchkey.server.factor.EmailLinks;
import dev.latchkey.server.factor.EmailUsers;

import dev.latchkey.model.Attributes;
import dev.latchkey.model.AuthenticationFactor;
import dev.latchkey.model.MagicLinkAuthenticateRequest;
import dev.latchkey.model.MagicLinkEmailRequest;
import dev.latchkey.server.error.ErrorCode;
import dev.latchkey.server.crypto.Secrets;
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
import dev.latchkey.server.user.UserService;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * Email magic links: mail a single-use link, then sign in with the token from it. A new or pending user gets a
 * sign-up link (valid a week by default), an active user a login link (an hour), as Stytch does. Using the link
 * proves the mailbox: the email becomes verified and a pending user active.
 */
public final class MagicLinkService {
  public static final int LOGIN_DEFAULT_MINUTES = 60;
  public static final int SIGNUP_DEFAULT_MINUTES = 10_080;
  public static final int MIN_MINUTES = 5;
  public static final int MAX_MINUTES = 10_080;

  private final EmailUsers emailUsers;
  private final UserStore users;
  private final EmailTokenStore tokens;
  private final EmailLinks links;
  private final MailTemplates templates;
  private final SessionService sessions;
  private final RateLimiter limiter;
  private final Clock clock;

  public MagicLinkService(UserStore users, UserService userService, EmailTokenStore tokens, EmailLinks links,
      MailTemplates templates, SessionService sessions, RateLimiter limiter, Clock clock) {
    this.emailUsers = new EmailUsers(users, userService);
    this.users = users;
    this.tokens = tokens;
    this.links = links;
    this.templates = templates;
    this.sessions = sessions;
    this.limiter = limiter;
    this.clock = clock;
  }

  /** Who the link went to, and whether the user was created by this call. */
  public record Sent(String userId, String emailId, boolean userCreated) {}

  /** The user signed in, the email proven, and the session (null when none was asked for). */
  public record Authenticated(UserRecord user, String emailId, IssuedSession session) {}

  public Sent loginOrCreate(MagicLinkEmailRequest r, String clientIp) {
    return send(r, clientIp, true);
  }

  public Sent send(MagicLinkEmailRequest r, String clientIp) {
    return send(r, clientIp, false);
  }

  private Sent send(MagicLinkEmailRequest r, String clientIp, boolean create) {
    String email = EmailAddresses.normalize(r.email());
    String challenge = EmailLinks.codeChallenge(r.codeChallenge());
    String loginUrl = links.redirectUrl(r.loginMagicLinkUrl(), "login_magic_link_url");
    String signupUrl = links.redirectUrl(r.signupMagicLinkUrl(), "signup_magic_link_url");
    int loginMinutes = EmailLinks.minutes(r.loginExpirationMinutes(), LOGIN_DEFAULT_MINUTES, MIN_MINUTES,
        MAX_MINUTES, "login_expiration_minutes");
    int signupMinutes = EmailLinks.minutes(r.signupExpirationMinutes(), SIGNUP_DEFAULT_MINUTES, MIN_MINUTES,
        MAX_MINUTES, "signup_expiration_minutes");
    UserRecord named = create ? null
        : emailUsers.named(r.userId(), SessionService.SessionRef.of(r.sessionToken(), r.sessionJwt()), sessions);
    limiter.countSend(email, clientIp);
    EmailUsers.Found found = create
        ? emailUsers.loginOrCreate(email, Boolean.TRUE.equals(r.createUserAsPending()))
        : named != null ? emailUsers.forUser(named, email, clock.instant().truncatedTo(ChronoUnit.MILLIS),
            Duration.ofMinutes("pending".equals(named.status()) ? signupMinutes : loginMinutes))
        : emailUsers.existing(email);
    boolean signup = found.created() || "pending".equals(found.user().status());
    String template = signup ? MailTemplates.MAGIC_LINK_SIGNUP : MailTemplates.MAGIC_LINK_LOGIN;
    int minutes = signup ? signupMinutes : loginMinutes;
    links.issue(EmailTokenRecord.MAGIC_LINK, "magic_links", signup ? signupUrl : loginUrl, found.user().userId(),
        found.email().emailId(), challenge, minutes, r.attributes(), link -> templates.render(template, email,
            Map.of("link", link, "email", email, "expiration_minutes", Integer.toString(minutes)), link, null));
    return new Sent(found.user().userId(), found.email().emailId(), found.created());
  }

  /**
   * Signs in with a link's token; {@code attributes} are the requesting device's (recorded on a new session and
   * compared when {@code options} ask for it, see {@link DeviceMatch}). Unknown or already used: 404 {@code magic_link_not_found}; expired: 401
   * {@code unable_to_auth_magic_link}; bound to a PKCE challenge, it needs the matching {@code code_verifier}.
   * A step-up into a missing or another user's session is refused before the token is spent.
   */
  public Authenticated authenticate(MagicLinkAuthenticateRequest r, Attributes attributes, String clientIp) {
    if (r.token() == null || r.token().isEmpty()) {
      throw ErrorCode.MISSING_REQUIRED_FIELD.exception("token is required.");
    }
    SessionService.SessionRef ref = SessionService.SessionRef.of(r.sessionToken(), r.sessionJwt());
    SessionService.checkRef(ref);
    SessionService.checkDuration(r.sessionDurationMinutes());
    CustomClaims.checkNames(r.sessionCustomClaims());
    RateLimiter.Attempt attempt = limiter.begin(clientIp, null);
    String hash = Secrets.sha256(r.token());
    EmailTokenRecord token = tokens.find(hash, EmailTokenRecord.MAGIC_LINK).orElse(null);
    if (token == null) {
      throw ErrorCode.MAGIC_LINK_NOT_FOUND.exception();
    }
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    if (!token.isLiveAt(now)) {
      // A real link that came too late is not a guess.
      attempt.release();
      tokens.delete(hash);
      throw ErrorCode.UNABLE_TO_AUTH_MAGIC_LINK.exception();
    }
    EmailLinks.checkPkce(token, r.codeVerifier());
    // A link redeemed from another device than options require counts as a failure, and the link stays usable.
    DeviceMatch.require(r.options(), token.requestedBy(), attributes);
    attempt.release();
    sessions.requireOwnedBy(ref, token.userId());
    emailUsers.requireProvable(token.userId(), token.emailId());
    if (tokens.consume(hash, EmailTokenRecord.MAGIC_LINK).isEmpty()) {
      // A concurrent request used the link first.
      throw ErrorCode.MAGIC_LINK_NOT_FOUND.exception();
    }
    return signIn(token.userId(), token.emailId(), ref, r.sessionDurationMinutes(), r.sessionCustomClaims(),
        attributes, now);
  }

  private Authenticated signIn(String userId, String emailId, SessionService.SessionRef ref, Integer minutes,
      Map<String, Object> claims, Attributes attributes, Instant now) {
    // The user or the email was deleted after the link was sent: not found.
    String proven = emailUsers.prove(userId, emailId, now).orElseThrow(ErrorCode.MAGIC_LINK_NOT_FOUND::exception);
    UserRecord user = users.find(userId).orElseThrow(ErrorCode.MAGIC_LINK_NOT_FOUND::exception);
    String address = user.emails().stream().filter(e -> e.emailId().equals(proven)).findFirst()
        .map(UserRecord.StoredEmail::email).orElseThrow(ErrorCode.MAGIC_LINK_NOT_FOUND::exception);
    IssuedSession session = sessions.signIn(userId, AuthenticationFactor.magicLink(now, proven, address), ref,
        minutes, claims, attributes);
    return new Authenticated(user, proven, session);
  }
}
