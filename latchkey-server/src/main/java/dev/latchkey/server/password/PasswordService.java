package dev.latchkey.server.password;

import dev.latchkey.model.Attributes;
import dev.latchkey.model.AuthenticationFactor;
import dev.latchkey.model.PasswordAuthenticateRequest;
import dev.latchkey.model.PasswordCreateRequest;
import dev.latchkey.server.ErrorCode;
import dev.latchkey.server.crypto.Ids;
import dev.latchkey.server.limits.RateLimiter;
import dev.latchkey.server.session.CustomClaims;
import dev.latchkey.server.session.IssuedSession;
import dev.latchkey.server.session.SessionService;
import dev.latchkey.server.store.StoredUser;
import dev.latchkey.server.store.UserStore;
import dev.latchkey.server.user.Emails;
import dev.latchkey.server.user.UserService;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * Password sign-up and sign-in. A wrong password, an unknown email and a user without a password all give the same
 * error after the same Argon2id work, so the reply does not tell an attacker which emails have accounts.
 */
public final class PasswordService {
  private final UserStore users;
  private final UserService userService;
  private final SessionService sessions;
  private final PasswordHasher hasher;
  private final PasswordPolicy policy;
  private final Ids ids;
  private final RateLimiter limiter;
  private final Clock clock;

  public PasswordService(UserStore users, UserService userService, SessionService sessions, PasswordHasher hasher,
      PasswordPolicy policy, Ids ids, RateLimiter limiter, Clock clock) {
    this.users = users;
    this.userService = userService;
    this.sessions = sessions;
    this.hasher = hasher;
    this.policy = policy;
    this.ids = ids;
    this.limiter = limiter;
    this.clock = clock;
  }

  /** The user after the call, and the session when one was created or touched (else null). */
  public record Outcome(StoredUser user, IssuedSession session) {}

  public Outcome create(PasswordCreateRequest r, Attributes attributes) {
    String password = required(r.password(), "password");
    requireWellFormed(password);
    String email = Emails.normalize(r.email());
    SessionService.checkDuration(r.sessionDurationMinutes());
    CustomClaims.checkNames(r.sessionCustomClaims());
    policy.require(password, email);
    StoredUser user = userService.newUser(email, r.name(), false, r.trustedMetadata(), r.untrustedMetadata(), null)
        .withPassword(new StoredUser.StoredPassword(ids.password(), hasher.hash(password), false));
    userService.insert(user);
    IssuedSession session = r.sessionDurationMinutes() == null ? null
        : sessions.start(user.userId(), AuthenticationFactor.password(now()), r.sessionDurationMinutes(),
            r.sessionCustomClaims(), attributes);
    return new Outcome(user, session);
  }

  /**
   * Signs in with email and password. Failed attempts count against the caller's IP and the email address (known
   * or not, so the limit does not tell which emails have accounts); past a limit the attempt is refused with 429
   * before the password is checked.
   */
  public Outcome authenticate(PasswordAuthenticateRequest r, Attributes attributes, String ip) {
    String password = required(r.password(), "password");
    String email = Emails.normalize(r.email());
    SessionService.SessionRef ref = SessionService.SessionRef.of(r.sessionToken(), r.sessionJwt());
    SessionService.checkRef(ref);
    SessionService.checkDuration(r.sessionDurationMinutes());
    CustomClaims.checkNames(r.sessionCustomClaims());
    if (password.length() > PasswordPolicy.MAX_LENGTH) {
      throw ErrorCode.INVALID_CREDENTIALS.exception();
    }
    requireWellFormed(password);
    String subject = "password:" + email;
    limiter.checkFailures(ip, subject);
    Optional<StoredUser> found = users.findByEmail(email);
    StoredUser.StoredPassword stored = found.map(StoredUser::password).orElse(null);
    boolean ok;
    if (stored == null) {
      hasher.verifyDecoy(password);
      ok = false;
    } else {
      ok = hasher.verify(password, stored.hash());
    }
    if (!ok) {
      limiter.recordFailure(ip, subject);
      throw ErrorCode.INVALID_CREDENTIALS.exception();
    }
    StoredUser user = found.get();
    return new Outcome(user, sessions.signIn(user.userId(), AuthenticationFactor.password(now()), ref,
        r.sessionDurationMinutes(), r.sessionCustomClaims(), attributes));
  }

  /** Stytch's strength check: the zxcvbn verdict for the password, the email counting against it. */
  public PasswordPolicy.Verdict checkStrength(String password, String email) {
    required(password, "password");
    requireWellFormed(password);
    return policy.check(password, email == null || email.isEmpty() ? null : Emails.normalize(email));
  }

  static String required(String value, String field) {
    if (value == null || value.isEmpty()) {
      throw ErrorCode.MISSING_REQUIRED_FIELD.exception(field + " is required.");
    }
    return value;
  }

  /**
   * The hash is taken over UTF-8, where an unpaired surrogate (U+D800 to U+DFFF) becomes {@code ?}: such passwords
   * would all match one another, so they are refused rather than silently made equal.
   */
  static void requireWellFormed(String password) {
    if (password.codePoints().anyMatch(cp -> Character.getType(cp) == Character.SURROGATE)) {
      throw ErrorCode.INVALID_FIELD_TYPE.exception(
          "Field 'password' must be valid Unicode text: it has an unpaired surrogate (\\ud800-\\udfff).");
    }
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }
}
