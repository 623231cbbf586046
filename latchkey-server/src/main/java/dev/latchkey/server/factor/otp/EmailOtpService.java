package dev.latchkey.server.factor.otp;

import dev.latchkey.server.factor.DeviceMatch;
import dev.latchkey.server.factor.EmailLinks;
import dev.latchkey.server.factor.EmailUsers;

import dev.latchkey.model.Attributes;
import dev.latchkey.model.AuthenticationFactor;
import dev.latchkey.model.OtpAuthenticateRequest;
import dev.latchkey.model.OtpEmailRequest;
import dev.latchkey.server.error.ErrorCode;
import dev.latchkey.server.crypto.Secrets;
import dev.latchkey.server.factor.RateLimiter;
import dev.latchkey.server.mail.MailTemplates;
import dev.latchkey.server.mail.Mailer;
import dev.latchkey.server.session.CustomClaims;
import dev.latchkey.server.session.IssuedSession;
import dev.latchkey.server.session.SessionService;
import dev.latchkey.server.store.OtpCodeStore;
import dev.latchkey.server.store.OtpCodeRecord;
import dev.latchkey.server.store.UserRecord;
import dev.latchkey.server.store.UserStore;
import dev.latchkey.server.user.EmailAddresses;
import dev.latchkey.server.user.UserService;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Email one-time passcodes: six digits, one live code per email (a new one replaces the old), single use, two
 * minutes by default (1 to 10), and dead after {@link #MAX_ATTEMPTS} guesses. Wrong guesses also count towards the
 * per-IP failure limit and the per-method lockout of {@link RateLimiter}.
 */
public final class EmailOtpService {
  public static final int DEFAULT_MINUTES = 2;
  public static final int MIN_MINUTES = 1;
  public static final int MAX_MINUTES = 10;
  /**
   * Guesses one code survives. Five wrong tries out of a million codes give an online attacker a 1 in 200,000
   * chance per code mailed, and the send limits bound how many codes they can have mailed.
   */
  public static final int MAX_ATTEMPTS = 5;

  private static final Pattern SIX_DIGITS = Pattern.compile("[0-9]{6}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final EmailUsers emailUsers;
  private final UserStore users;
  private final OtpCodeStore codes;
  private final Mailer mailer;
  private final MailTemplates templates;
  private final SessionService sessions;
  private final RateLimiter limiter;
  private final Clock clock;

  public EmailOtpService(UserStore users, UserService userService, OtpCodeStore codes, Mailer mailer,
      MailTemplates templates, SessionService sessions, RateLimiter limiter, Clock clock) {
    this.emailUsers = new EmailUsers(users, userService);
    this.users = users;
    this.codes = codes;
    this.mailer = mailer;
    this.templates = templates;
    this.sessions = sessions;
    this.limiter = limiter;
    this.clock = clock;
  }

  /** Who the code went to ({@code emailId} is the {@code method_id}), and whether the user is new. */
  public record Sent(String userId, String emailId, boolean userCreated) {}

  /** The user signed in, the method proven, and the session (null when none was asked for). */
  public record Authenticated(UserRecord user, String methodId, IssuedSession session) {}

  public Sent loginOrCreate(OtpEmailRequest r, String clientIp) {
    return send(r, clientIp, true);
  }

  public Sent send(OtpEmailRequest r, String clientIp) {
    return send(r, clientIp, false);
  }

  private Sent send(OtpEmailRequest r, String clientIp, boolean create) {
    String email = EmailAddresses.normalize(r.email());
    int minutes = EmailLinks.minutes(r.expirationMinutes(), DEFAULT_MINUTES, MIN_MINUTES, MAX_MINUTES,
        "expiration_minutes");
    UserRecord named = create ? null
        : emailUsers.named(r.userId(), SessionService.SessionRef.of(r.sessionToken(), r.sessionJwt()), sessions);
    limiter.countSend(email, clientIp);
    EmailUsers.Found found = create
        ? emailUsers.loginOrCreate(email, Boolean.TRUE.equals(r.createUserAsPending()))
        : named != null ? emailUsers.forUser(named, email, clock.instant().truncatedTo(ChronoUnit.MILLIS),
            Duration.ofMinutes(minutes))
        : emailUsers.existing(email);
    String methodId = found.email().emailId();
    String code = String.format("%06d", RANDOM.nextInt(1_000_000));
    String salt = Secrets.randomToken(16);
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    OtpCodeRecord stored = new OtpCodeRecord(methodId, found.user().userId(), hash(salt, code), salt, 0, now,
        now.plus(Duration.ofMinutes(minutes)), r.attributes());
    codes.replace(stored);
    try {
      mailer.send(templates.render(MailTemplates.EMAIL_OTP, email,
          Map.of("code", code, "email", email, "expiration_minutes", Integer.toString(minutes)), null, code));
    } catch (RuntimeException e) {
      codes.delete(methodId, stored.codeHash());
      throw e;
    }
    return new Sent(found.user().userId(), methodId, found.created());
  }

  /**
   * Signs in with a mailed code. No live code for the method (never sent, expired, used, replaced, or out of
   * guesses): 404 {@code otp_code_not_found}; a wrong code: 401 {@code unable_to_auth_otp_code}.
   */
  public Authenticated authenticate(OtpAuthenticateRequest r, Attributes attributes, String clientIp) {
    if (r.methodId() == null || r.methodId().isEmpty()) {
      throw ErrorCode.MISSING_REQUIRED_FIELD.exception("method_id is required.");
    }
    if (r.code() == null || r.code().isEmpty()) {
      throw ErrorCode.MISSING_REQUIRED_FIELD.exception("code is required.");
    }
    SessionService.SessionRef ref = SessionService.SessionRef.of(r.sessionToken(), r.sessionJwt());
    SessionService.checkRef(ref);
    SessionService.checkDuration(r.sessionDurationMinutes());
    CustomClaims.checkNames(r.sessionCustomClaims());
    String subject = "otp:" + r.methodId();
    RateLimiter.Attempt attempt = limiter.begin(clientIp, subject);
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    OtpCodeRecord code = codes.claimAttempt(r.methodId(), now, MAX_ATTEMPTS).orElse(null);
    if (code == null) {
      throw ErrorCode.OTP_CODE_NOT_FOUND.exception();
    }
    // Before the code is compared, so a request from the wrong device learns nothing about it; the guess counts.
    DeviceMatch.require(r.options(), code.requestedBy(), attributes);
    boolean right = SIX_DIGITS.matcher(r.code()).matches()
        && Secrets.constantTimeEquals(code.codeHash(), hash(code.salt(), r.code()));
    if (!right) {
      int left = MAX_ATTEMPTS - code.attempts() - 1;
      throw ErrorCode.UNABLE_TO_AUTH_OTP_CODE.exception(left > 0
          ? "The code is wrong; " + left + " more " + (left == 1 ? "try" : "tries") + " before it stops working."
          : "The code is wrong, and it has had too many wrong tries: request a new code.");
    }
    attempt.release();
    sessions.requireOwnedBy(ref, code.userId());
    emailUsers.requireProvable(code.userId(), code.methodId());
    if (!codes.consume(code.methodId(), code.codeHash())) {
      // Used or replaced by a concurrent request between the check and now.
      throw ErrorCode.OTP_CODE_NOT_FOUND.exception();
    }
    String proven = emailUsers.prove(code.userId(), code.methodId(), now)
        .orElseThrow(ErrorCode.OTP_CODE_NOT_FOUND::exception);
    UserRecord user = users.find(code.userId()).orElseThrow(ErrorCode.OTP_CODE_NOT_FOUND::exception);
    String address = user.emails().stream().filter(e -> e.emailId().equals(proven)).findFirst()
        .map(UserRecord.StoredEmail::email).orElseThrow(ErrorCode.OTP_CODE_NOT_FOUND::exception);
    IssuedSession session = sessions.signIn(user.userId(), AuthenticationFactor.emailOtp(now, proven, address), ref,
        r.sessionDurationMinutes(), r.sessionCustomClaims(), attributes);
    return new Authenticated(user, proven, session);
  }

  /**
   * HMAC-SHA256 of the code keyed by the row's random salt, so equal codes do not share a hash and one table of
   * hashes serves no other row. It does not make a stolen row safe: a million candidates are tried offline in
   * moments. What protects a code is that it lives minutes and is used once.
   */
  static String hash(String salt, String code) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(salt.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(
          mac.doFinal(code.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has HmacSHA256", e);
    }
  }
}
