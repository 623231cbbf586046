package dev.latchkey.server.factor.totp;

import dev.latchkey.model.Attributes;
import dev.latchkey.model.AuthenticationFactor;
import dev.latchkey.model.TotpAuthenticateRequest;
import dev.latchkey.model.TotpCreateRequest;
import dev.latchkey.model.TotpRecoverRequest;
import dev.latchkey.model.TotpRecoveryCodesResponse.TotpRecoveryCodes;
import dev.latchkey.server.error.ErrorCode;
import dev.latchkey.server.crypto.Ids;
import dev.latchkey.server.crypto.KeyEncryption;
import dev.latchkey.server.crypto.Secrets;
import dev.latchkey.server.session.CustomClaims;
import dev.latchkey.server.session.IssuedSession;
import dev.latchkey.server.session.SessionService;
import dev.latchkey.server.store.DuplicateKeyException;
import dev.latchkey.server.store.TotpRecord;
import dev.latchkey.server.store.UserRecord;
import dev.latchkey.server.store.TotpStore;
import dev.latchkey.server.user.UserService;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * TOTP as a second factor: registering an authenticator app, authenticating its codes (RFC 6238, one step either
 * side of now, each step accepted at most once), and signing in with single-use recovery codes instead. The secret
 * is sealed at rest with the signing keys' {@link KeyEncryption}; recovery codes are checked against SHA-256 hashes.
 */
public final class TotpService {
  public static final int DEFAULT_EXPIRATION_MINUTES = 1440;
  public static final int MIN_EXPIRATION_MINUTES = 5;
  public static final int MAX_EXPIRATION_MINUTES = 1440;
  /** 160 bits, the HMAC-SHA1 block-sized key RFC 4226 recommends; 32 base32 characters like Stytch's secrets. */
  private static final int SECRET_BYTES = 20;
  private static final Pattern SIX_DIGITS = Pattern.compile("[0-9]{6}");

  private final TotpStore store;
  private final UserService users;
  private final SessionService sessions;
  private final KeyEncryption encryption;
  private final TotpPolicy policy;
  private final Ids ids;
  private final Clock clock;

  public TotpService(TotpStore store, UserService users, SessionService sessions, KeyEncryption encryption,
      TotpPolicy policy, Ids ids, Clock clock) {
    this.store = store;
    this.users = users;
    this.sessions = sessions;
    this.encryption = encryption;
    this.policy = policy;
    this.ids = ids;
    this.clock = clock;
  }

  /** A new registration: the only time the secret, the QR code and the recovery codes are handed out together. */
  public record Created(UserRecord user, String totpId, String secret, String qrCode, List<String> recoveryCodes) {
    @Override
    public String toString() {
      return "Created[totpId=" + totpId + ", userId=" + user.userId() + ", secret=<redacted>]";
    }
  }

  /** The user after a sign-in, the registration used, and the session created or touched (else null). */
  public record Outcome(UserRecord user, String totpId, IssuedSession session) {}

  public Created create(TotpCreateRequest r) {
    UserRecord user = users.get(required(r.userId(), "user_id"));
    int minutes = r.expirationMinutes() == null ? DEFAULT_EXPIRATION_MINUTES : r.expirationMinutes();
    if (minutes < MIN_EXPIRATION_MINUTES || minutes > MAX_EXPIRATION_MINUTES) {
      throw ErrorCode.INVALID_TOTP_EXPIRATION_MINUTES.exception(
          "expiration_minutes must be between 5 and 1440 (24 hours); got " + minutes + ".");
    }
    Instant now = now();
    String totpId = ids.totp();
    byte[] key = Secrets.randomBytes(SECRET_BYTES);
    List<String> codes = new ArrayList<>(RecoveryCodes.COUNT);
    List<TotpRecord.StoredRecoveryCode> stored = new ArrayList<>(RecoveryCodes.COUNT);
    for (int i = 0; i < RecoveryCodes.COUNT; i++) {
      String code = RecoveryCodes.generate();
      String codeId = ids.totpRecoveryCode();
      codes.add(code);
      stored.add(new TotpRecord.StoredRecoveryCode(codeId, i, Secrets.sha256(code),
          encryption.seal(code.getBytes(StandardCharsets.US_ASCII), recoveryCodeAad(codeId)), encryption.scheme(),
          null));
    }
    TotpRecord totp = new TotpRecord(totpId, user.userId(), encryption.seal(key, secretAad(totpId)),
        encryption.scheme(), false, now, now.plus(Duration.ofMinutes(minutes)), TotpRecord.NO_STEP, 0, null, stored);
    try {
      store.create(totp, now);
    } catch (DuplicateKeyException e) {
      boolean verified = store.findByUser(user.userId()).map(TotpRecord::verified).orElse(false);
      throw (verified ? ErrorCode.ACTIVE_TOTP_EXISTS : ErrorCode.PENDING_TOTP_EXISTS).exception();
    }
    String secret = Base32.encode(key);
    Arrays.fill(key, (byte) 0);
    String account = user.emails().isEmpty() ? user.userId() : user.emails().get(0).email();
    return new Created(users.get(user.userId()), totpId, secret,
        QrCodes.pngDataUri(otpauthUri(policy.issuer(), account, secret)), codes);
  }

  public Outcome authenticate(TotpAuthenticateRequest r, Attributes attributes) {
    String userId = required(r.userId(), "user_id");
    String code = required(r.totpCode(), "totp_code");
    if (!SIX_DIGITS.matcher(code).matches()) {
      throw ErrorCode.INVALID_TOTP_CODE.exception();
    }
    SessionService.SessionRef ref = SessionService.SessionRef.of(r.sessionToken(), r.sessionJwt());
    checkSessionFields(ref, r.sessionDurationMinutes(), r.sessionCustomClaims());
    UserRecord user = users.get(userId);
    userId = user.userId();
    Instant now = now();
    TotpRecord totp = usableTotp(userId, now);
    requireSessionOf(userId, ref);
    countAttempt(totp, now);

    byte[] key = encryption.open(totp.sealedSecret(), totp.secretEncryption(), secretAad(totp.totpId()));
    long current = Rfc6238.step(now);
    long matched = Long.MIN_VALUE;
    // All three candidates are computed and compared every time, so timing does not tell which step matched.
    for (long step = current - 1; step <= current + 1; step++) {
      if (Secrets.constantTimeEquals(Rfc6238.code(key, step), code)) {
        matched = step;
      }
    }
    Arrays.fill(key, (byte) 0);
    if (matched == Long.MIN_VALUE) {
      throw ErrorCode.UNABLE_TO_AUTHENTICATE_TOTP.exception();
    }
    if (matched <= totp.lastUsedStep() || !store.acceptStep(totp.totpId(), matched)) {
      throw ErrorCode.TOTP_CODE_ALREADY_AUTHENTICATED.exception();
    }
    IssuedSession session = sessions.signIn(userId, AuthenticationFactor.totp(totp.totpId(), now), ref,
        r.sessionDurationMinutes(), r.sessionCustomClaims(), attributes);
    // A first accepted code verifies the registration: read the user again so its totps[] says so.
    return new Outcome(totp.verified() ? user : users.get(userId), totp.totpId(), session);
  }

  public Outcome recover(TotpRecoverRequest r, Attributes attributes) {
    String userId = required(r.userId(), "user_id");
    String code = RecoveryCodes.normalize(required(r.recoveryCode(), "recovery_code"));
    if (code == null) {
      throw ErrorCode.INVALID_RECOVERY_CODE.exception();
    }
    SessionService.SessionRef ref = SessionService.SessionRef.of(r.sessionToken(), r.sessionJwt());
    checkSessionFields(ref, r.sessionDurationMinutes(), r.sessionCustomClaims());
    UserRecord user = users.get(userId);
    userId = user.userId();
    Instant now = now();
    TotpRecord totp = usableTotp(userId, now);
    if (!totp.verified()) {
      throw ErrorCode.TOTP_NOT_FOUND.exception("The user's TOTP has not been authenticated yet: recovery codes work "
          + "once a first TOTP code has been accepted.");
    }
    requireSessionOf(userId, ref);
    countAttempt(totp, now);

    String hash = Secrets.sha256(code);
    String matched = null;
    for (TotpRecord.StoredRecoveryCode candidate : totp.recoveryCodes()) {
      // Every unused code is compared, in constant time each, whatever matched before it.
      if (candidate.usedAt() == null && Secrets.constantTimeEquals(candidate.codeHash(), hash)) {
        matched = candidate.recoveryCodeId();
      }
    }
    if (matched == null || !store.useRecoveryCode(totp.totpId(), matched, now)) {
      throw ErrorCode.UNABLE_TO_AUTHENTICATE_RECOVERY_CODE.exception();
    }
    IssuedSession session = sessions.signIn(userId, AuthenticationFactor.recoveryCode(matched, now), ref,
        r.sessionDurationMinutes(), r.sessionCustomClaims(), attributes);
    return new Outcome(user, totp.totpId(), session);
  }

  /** The user's usable registration with its unused recovery codes; an empty list when there is none. */
  public List<TotpRecoveryCodes> recoveryCodes(String userId) {
    UserRecord user = users.get(required(userId, "user_id"));
    Instant now = now();
    return store.findByUser(user.userId()).filter(t -> t.isUsableAt(now)).map(t -> List.of(new TotpRecoveryCodes(
        t.totpId(), t.verified(), t.recoveryCodes().stream().filter(c -> c.usedAt() == null)
            .map(c -> new String(encryption.open(c.sealedCode(), c.codeEncryption(),
                recoveryCodeAad(c.recoveryCodeId())), StandardCharsets.US_ASCII))
            .toList()))).orElse(List.of());
  }

  /** Deletes a registration with its recovery codes; returns its user as it is afterwards. */
  public UserRecord delete(String totpId) {
    Optional<TotpRecord> found = totpId == null || !totpId.startsWith("totp-") ? Optional.empty()
        : store.findById(totpId);
    TotpRecord totp = found.orElseThrow(() -> ErrorCode.TOTP_NOT_FOUND.exception("No TOTP has this id."));
    if (!store.delete(totp.totpId())) {
      throw ErrorCode.TOTP_NOT_FOUND.exception("No TOTP has this id.");
    }
    return users.get(totp.userId());
  }

  /**
   * The {@code otpauth://} link authenticator apps read (Google's Key URI format): label {@code issuer:account},
   * the base32 secret, the issuer again as a parameter, and the RFC 6238 parameters spelled out.
   */
  static String otpauthUri(String issuer, String account, String secret) {
    return "otpauth://totp/" + encode(issuer) + ":" + encode(account) + "?secret=" + secret + "&issuer="
        + encode(issuer) + "&algorithm=SHA1&digits=" + Rfc6238.DIGITS + "&period=" + Rfc6238.PERIOD_SECONDS;
  }

  private TotpRecord usableTotp(String userId, Instant now) {
    TotpRecord totp = store.findByUser(userId).orElseThrow(ErrorCode.TOTP_NOT_FOUND::exception);
    if (!totp.isUsableAt(now)) {
      throw ErrorCode.EXPIRED_TOTP.exception();
    }
    return totp;
  }

  /** A session named for step-up must be this user's: checked before a code is spent on it. */
  private void requireSessionOf(String userId, SessionService.SessionRef ref) {
    if (!ref.isEmpty() && !sessions.resolve(ref).userId().equals(userId)) {
      throw ErrorCode.USER_ID_MISMATCH.exception();
    }
  }

  /** Counts this attempt before the code is looked at; refuses it when the registration is locked. */
  private void countAttempt(TotpRecord totp, Instant now) {
    if (!store.beginAttempt(totp.totpId(), now, policy.maxFailedAttempts(), now.plus(policy.lockout()))) {
      TotpRecord locked = store.findById(totp.totpId()).orElseThrow(ErrorCode.TOTP_NOT_FOUND::exception);
      Instant until = locked.lockedUntil() == null ? now : locked.lockedUntil();
      Duration wait = Duration.between(now, until);
      throw ErrorCode.TOO_MANY_REQUESTS.exception("Too many wrong codes for this TOTP: it is locked until " + until
          + "; try again in " + Math.max(1, (wait.toMillis() + 999) / 1000) + " seconds.", wait);
    }
  }

  private static void checkSessionFields(SessionService.SessionRef ref, Integer duration, Map<String, Object> claims) {
    SessionService.checkRef(ref);
    SessionService.checkDuration(duration);
    CustomClaims.checkNames(claims);
  }

  private static String required(String value, String field) {
    if (value == null || value.isEmpty()) {
      throw ErrorCode.MISSING_REQUIRED_FIELD.exception(field + " is required.");
    }
    return value;
  }

  /** The sealed secret is bound to its registration: a ciphertext copied to another row does not open. */
  private static String secretAad(String totpId) {
    return "totp-secret:" + totpId;
  }

  private static String recoveryCodeAad(String recoveryCodeId) {
    return "totp-recovery-code:" + recoveryCodeId;
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }
}
