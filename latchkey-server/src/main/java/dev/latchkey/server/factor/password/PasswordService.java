package dev.latchkey.server.factor.password;

import dev.latchkey.model.Attributes;
import dev.latchkey.model.AuthenticationFactor;
import dev.latchkey.model.PasswordAuthenticateRequest;
import dev.latchkey.model.PasswordCreateRequest;
import dev.latchkey.model.PasswordMigrateRequest;
import dev.latchkey.server.error.ApiException;
import dev.latchkey.server.error.ErrorCode;
import dev.latchkey.server.crypto.Ids;
import dev.latchkey.server.factor.RateLimiter;
import dev.latchkey.server.session.CustomClaims;
import dev.latchkey.server.session.IssuedSession;
import dev.latchkey.server.session.SessionService;
import dev.latchkey.server.store.UserRecord;
import dev.latchkey.server.store.UserStore;
import dev.latchkey.server.user.EmailAddresses;
import dev.latchkey.server.user.UserService;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.Map;
import java.util.Set;

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
  public record Outcome(UserRecord user, IssuedSession session) {}

  public Outcome create(PasswordCreateRequest r, Attributes attributes) {
    String password = required(r.password(), "password");
    requireWellFormed(password);
    String email = EmailAddresses.normalize(r.email());
    SessionService.checkDuration(r.sessionDurationMinutes());
    CustomClaims.checkNames(r.sessionCustomClaims());
    policy.require(password, email);
    UserRecord user = userService.newUser(email, r.name(), false, r.trustedMetadata(), r.untrustedMetadata(), null)
        .withPassword(new UserRecord.StoredPassword(ids.password(), hasher.hash(password), false));
    userService.insert(user);
    IssuedSession session = r.sessionDurationMinutes() == null ? null
        : sessions.start(user.userId(), AuthenticationFactor.password(now()), r.sessionDurationMinutes(),
            r.sessionCustomClaims(), attributes);
    return new Outcome(user, session);
  }

  /**
   * Signs in with email and password. Failed attempts count against the end user's IP ({@code clientIp}; null when
   * not known, then nothing is counted per IP) and the email address (known or not, so the limit does not tell which
   * emails have accounts); past a limit the attempt is refused with 429 before the password is checked.
   */
  public Outcome authenticate(PasswordAuthenticateRequest r, Attributes attributes, String clientIp) {
    String password = required(r.password(), "password");
    String email = EmailAddresses.normalize(r.email());
    SessionService.SessionRef ref = SessionService.SessionRef.of(r.sessionToken(), r.sessionJwt());
    SessionService.checkRef(ref);
    SessionService.checkDuration(r.sessionDurationMinutes());
    CustomClaims.checkNames(r.sessionCustomClaims());
    if (password.length() > PasswordPolicy.MAX_LENGTH) {
      throw ErrorCode.INVALID_CREDENTIALS.exception();
    }
    requireWellFormed(password);
    String subject = "password:" + email;
    RateLimiter.Attempt attempt = limiter.begin(clientIp, subject);
    Optional<UserRecord> found = users.findByEmail(email);
    UserRecord.StoredPassword stored = found.map(UserRecord::password).orElse(null);
    boolean ok;
    try {
      ok = check(password, found, stored);
    } catch (ApiException e) {
      // Refused before any password was checked (the hashing queue is full): not a guess.
      if (e.code() == ErrorCode.SERVER_BUSY) {
        attempt.release();
      }
      throw e;
    }
    if (!ok) {
      // Stays counted: it was counted when it began, so concurrent guesses cannot overtake the lockout.
      throw ErrorCode.INVALID_CREDENTIALS.exception();
    }
    attempt.release();
    UserRecord user = found.get();
    return new Outcome(user, sessions.signIn(user.userId(), AuthenticationFactor.password(now()), ref,
        r.sessionDurationMinutes(), r.sessionCustomClaims(), attributes));
  }

  /** Checks the password against the stored hash, or spends the same work on a decoy when there is none. */
  private boolean check(String password, Optional<UserRecord> found, UserRecord.StoredPassword stored) {
    boolean ok;
    if (stored == null) {
      hasher.verifyDecoy(password);
      ok = false;
    } else if (LegacyHash.isLegacy(stored.hash())) {
      ok = hasher.verifyLegacy(password, stored.hash());
      if (ok) {
        // The first successful sign-in replaces the migrated hash with Latchkey's Argon2id: a weak legacy hash is
        // never kept past it. Only if it is still the one checked (a concurrent reset or upgrade wins).
        users.replacePasswordHash(found.get().userId(), stored.passwordId(), stored.hash(), hasher.hash(password));
      } else {
        // A legacy check can be far cheaper than Argon2id: spend the same work, so a wrong password takes as long.
        hasher.verifyDecoy(password);
      }
    } else {
      ok = hasher.verify(password, stored.hash());
    }
    return ok;
  }

  /** The user a migrated hash was attached to, and whether the call created it. */
  public record Migrated(UserRecord user, String emailId, boolean created) {}

  /**
   * Stytch's password migration: attaches a hash made by another system to the user with this email, creating the
   * user when there is none (see {@link PasswordMigration}). The hash is checked with its own algorithm at the next
   * sign-in, which replaces it with Argon2id.
   */
  public Migrated migrate(PasswordMigrateRequest r) {
    PasswordMigration.Checked checked = PasswordMigration.check(r, userService, ids.password());
    Optional<UserRecord> existing = users.findByEmail(checked.email());
    if (existing.isEmpty()) {
      try {
        userService.insert(checked.newUser());
        return new Migrated(checked.newUser(), checked.newUser().emails().get(0).emailId(), true);
      } catch (ApiException e) {
        // A concurrent call created the user with this email first: attach the hash to it instead.
        existing = e.code() == ErrorCode.DUPLICATE_EMAIL ? users.findByEmail(checked.email()) : Optional.empty();
        if (existing.isEmpty()) {
          throw e;
        }
      }
    }
    UserRecord user = existing.get();
    String passwordId = user.password() == null ? checked.newUser().password().passwordId()
        : user.password().passwordId();
    users.setPassword(user.userId(), new UserRecord.StoredPassword(passwordId, checked.hash().encode(), false));
    String emailId = user.emails().stream().filter(e -> e.email().equals(checked.email()))
        .map(UserRecord.StoredEmail::emailId).findFirst().orElseThrow();
    if (checked.setEmailVerified()) {
      users.markEmailVerified(user.userId(), emailId);
    }
    if (!checked.preserveExistingSessions()) {
      sessions.revokeAllExcept(user.userId(), null);
    }
    return new Migrated(users.find(user.userId()).orElse(user), emailId, false);
  }

  /** How recent a session's sign-in must be to set a new password with it alone (Stytch: "within the last 5 minutes"). */
  static final Duration SESSION_RESET_WINDOW = Duration.ofMinutes(5);
  /** The factors that prove the user themselves is there, as Stytch lists them for a reset by session. */
  private static final Set<String> RESET_PROVING_FACTORS = Set.of("password", "magic_link", "otp");

  /**
   * Sets a new password after checking the current one (Stytch's reset by existing password). The old password is
   * checked exactly as a sign-in checks it (same limits, same error); then every other session of the user ends,
   * and a session starts (or {@code ref}, the same user's, is kept and gets the password factor).
   */
  public Outcome resetWithExistingPassword(String email, String existingPassword, String newPassword,
      SessionService.SessionRef ref, int durationMinutes, Attributes attributes, String clientIp) {
    return resetWithExistingPassword(email, existingPassword, newPassword, ref, (Integer) durationMinutes, null,
        attributes, clientIp);
  }

  /**
   * The backend's form ({@code POST /v1/passwords/existing_password/reset}): without {@code durationMinutes} and
   * without a session, no session starts (the other sessions still end); custom claims go on the session.
   */
  public Outcome resetWithExistingPassword(String email, String existingPassword, String newPassword,
      SessionService.SessionRef ref, Integer durationMinutes, Map<String, Object> customClaims,
      Attributes attributes, String clientIp) {
    required(existingPassword, "existing_password");
    String password = required(newPassword, "new_password");
    requireWellFormed(password);
    SessionService.checkRef(ref);
    SessionService.checkDuration(durationMinutes);
    UserRecord user = authenticate(new PasswordAuthenticateRequest(email, existingPassword, null, null, null, null),
        attributes, clientIp).user();
    policy.require(password, EmailAddresses.normalize(email));
    CustomClaims.checkNames(customClaims);
    sessions.requireOwnedBy(ref, user.userId());
    return setAndKeepOne(user, password, ref, durationMinutes, customClaims, attributes);
  }

  /**
   * Sets a new password for the session's user (Stytch's reset by session): the session must hold a password,
   * magic link or email code factor from the last 5 minutes, so a stolen long-lived session cannot take the
   * account over. Every other session of the user ends; this one is kept, with the password factor.
   */
  public Outcome resetWithSession(SessionService.SessionRef ref, String newPassword, int durationMinutes,
      Attributes attributes) {
    return resetWithSession(ref, newPassword, (Integer) durationMinutes, null, attributes);
  }

  /**
   * The backend's form ({@code POST /v1/passwords/session/reset}): the session is named by its token or JWT in the
   * body; without {@code durationMinutes} it keeps its expiry; custom claims are merged into it.
   */
  public Outcome resetWithSession(SessionService.SessionRef ref, String newPassword, Integer durationMinutes,
      Map<String, Object> customClaims, Attributes attributes) {
    String password = required(newPassword, "password");
    requireWellFormed(password);
    SessionService.checkDuration(durationMinutes);
    dev.latchkey.server.store.SessionRecord session = sessions.resolve(ref);
    Instant since = now().minus(SESSION_RESET_WINDOW);
    boolean recent = session.factors().stream().anyMatch(f -> RESET_PROVING_FACTORS.contains(f.type())
        && f.lastAuthenticatedAt() != null && !f.lastAuthenticatedAt().isBefore(since));
    if (!recent) {
      throw ErrorCode.SESSION_TOO_OLD_TO_RESET_PASSWORD.exception();
    }
    UserRecord user = users.find(session.userId()).orElseThrow(ErrorCode.SESSION_NOT_FOUND::exception);
    policy.require(password, user.emails().isEmpty() ? null : user.emails().get(0).email());
    CustomClaims.checkNames(customClaims);
    return setAndKeepOne(user, password, ref, durationMinutes, customClaims, attributes);
  }

  private Outcome setAndKeepOne(UserRecord user, String password, SessionService.SessionRef ref, Integer minutes,
      Map<String, Object> customClaims, Attributes attributes) {
    users.setPassword(user.userId(), new UserRecord.StoredPassword(ids.password(), hasher.hash(password), false));
    IssuedSession session = sessions.signIn(user.userId(), AuthenticationFactor.password(now()), ref, minutes,
        customClaims, attributes);
    sessions.revokeAllExcept(user.userId(), session == null ? null : session.session().sessionId());
    return new Outcome(users.find(user.userId()).orElse(user), session);
  }

  /** Stytch's strength check: the zxcvbn verdict for the password, the email counting against it. */
  public PasswordPolicy.Verdict checkStrength(String password, String email) {
    required(password, "password");
    requireWellFormed(password);
    return policy.check(password, email == null || email.isEmpty() ? null : EmailAddresses.normalize(email));
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
