package dev.latchkey.server.session;

import dev.latchkey.server.metrics.ServerMetrics;
import dev.latchkey.model.Attributes;
import dev.latchkey.model.AuthenticationFactor;
import dev.latchkey.server.error.ErrorCode;
import dev.latchkey.server.crypto.Ids;
import dev.latchkey.server.crypto.Secrets;
import dev.latchkey.server.keys.SigningKey;
import dev.latchkey.server.store.SessionStore;
import dev.latchkey.server.store.SessionRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Creating, authenticating, extending, step-up and revoking sessions. Every write is in the store before the
 * method returns; concurrent updates of one session are serialised by its version (read, change, write if
 * unchanged, else retry).
 *
 * <p>The hot path (authenticate, nothing to change) avoids the two costs it can: {@code last_accessed_at} is written
 * at most once per {@code lastAccessedWriteInterval}, and while the session row is unchanged the JWT minted for it is
 * returned again for its first minute ({@link RecentJwts}). Extensions, claim and factor changes are always written
 * before the reply and always get a new JWT.
 */
public final class SessionService {
  public static final int MIN_DURATION_MINUTES = 5;
  public static final int MAX_DURATION_MINUTES = 527_040;
  /** Every Stytch consumer session carries the default role; RBAC beyond it is not offered yet. */
  public static final List<String> DEFAULT_ROLES = List.of("stytch_user");
  /**
   * Optimistic-update attempts before answering 503 {@code session_busy}. Each retry re-reads the row, so only a
   * session hammered by many concurrent writers can exhaust them; eight keeps the worst case to a few milliseconds.
   */
  private static final int MAX_UPDATE_ATTEMPTS = 8;

  /** The default of {@code LATCHKEY_LAST_ACCESSED_WRITE_INTERVAL}. */
  public static final Duration DEFAULT_LAST_ACCESSED_WRITE_INTERVAL = Duration.ofSeconds(60);

  private final SessionStore store;
  private final SessionJwts jwts;
  private final Ids ids;
  private final Clock clock;
  private final Duration lastAccessedWriteInterval;
  private final RecentJwts recentJwts = new RecentJwts();
  private final ServerMetrics metrics;
  private final SessionPolicy policy;
  private volatile StartListener startListener;

  /** Told of each session started, once it is stored, with the user's other live sessions at that moment. */
  public interface StartListener {
    /** Runs on the request's thread: keep it short, and never throw (a sign-in must not fail for it). */
    void started(SessionRecord session, List<SessionRecord> otherLiveSessions);
  }

  /** Sets the one {@link StartListener} (the new-device mail); none by default, and then no extra query is made. */
  public void onStart(StartListener listener) {
    this.startListener = listener;
  }

  /** With the default {@code last_accessed_at} write interval. */
  public SessionService(SessionStore store, SessionJwts jwts, Ids ids, Clock clock) {
    this(store, jwts, ids, clock, DEFAULT_LAST_ACCESSED_WRITE_INTERVAL);
  }

  /**
   * @param lastAccessedWriteInterval an authenticate that changes nothing else writes {@code last_accessed_at}
   *     only when the stored one is at least this old; zero writes it every time.
   */
  public SessionService(SessionStore store, SessionJwts jwts, Ids ids, Clock clock,
      Duration lastAccessedWriteInterval) {
    this(store, jwts, ids, clock, lastAccessedWriteInterval, new ServerMetrics());
  }

  /** With the server's {@code metrics}, which count sessions started, authenticated and revoked, and JWT mints. */
  public SessionService(SessionStore store, SessionJwts jwts, Ids ids, Clock clock,
      Duration lastAccessedWriteInterval, ServerMetrics metrics) {
    this(store, jwts, ids, clock, lastAccessedWriteInterval, metrics, SessionPolicy.NONE);
  }

  /** With the project's lifecycle {@code policy} (idle timeout, absolute lifetime, sessions per user). */
  public SessionService(SessionStore store, SessionJwts jwts, Ids ids, Clock clock,
      Duration lastAccessedWriteInterval, ServerMetrics metrics, SessionPolicy policy) {
    if (lastAccessedWriteInterval.isNegative()) {
      throw new IllegalArgumentException("lastAccessedWriteInterval must not be negative: " + lastAccessedWriteInterval);
    }
    this.store = store;
    this.jwts = jwts;
    this.ids = ids;
    this.clock = clock;
    this.policy = policy;
    this.lastAccessedWriteInterval = policy.lastAccessedWriteInterval(lastAccessedWriteInterval);
    this.metrics = metrics;
  }

  /**
   * How long after its {@code iat} a JWT of this session is returned again by an authenticate that changes nothing:
   * a fifth of the JWT's life at most, less up to 20 s fixed by the session id, so that sessions signed in the same
   * second do not all sign again together.
   */
  public static Duration jwtReuseWindow(String sessionId) {
    return RecentJwts.reuseWindow(sessionId);
  }

  /** Which session a request names, by exactly one of token and JWT ({@code ""} counts as absent). */
  public record SessionRef(String token, String jwt) {
    public static SessionRef of(String token, String jwt) {
      return new SessionRef(blankToNull(token), blankToNull(jwt));
    }

    public boolean isEmpty() {
      return token == null && jwt == null;
    }

    @Override
    public String toString() {
      return "SessionRef[token=" + (token == null ? "none" : "<redacted>") + ", jwt="
          + (jwt == null ? "none" : "<redacted>") + "]";
    }
  }

  /** What to change on an existing session: all optional. */
  public record Change(Integer durationMinutes, Map<String, Object> customClaims, AuthenticationFactor factor) {}

  public static void checkDuration(Integer minutes) {
    if (minutes != null && (minutes < MIN_DURATION_MINUTES || minutes > MAX_DURATION_MINUTES)) {
      throw ErrorCode.INVALID_SESSION_DURATION_MINUTES.exception(
          "session_duration_minutes must be between 5 and 527040 (366 days); got " + minutes + ".");
    }
  }

  public static void checkRef(SessionRef ref) {
    if (ref.token() != null && ref.jwt() != null) {
      throw ErrorCode.TOO_MANY_SESSION_ARGUMENTS.exception();
    }
  }

  /** Starts a session for {@code userId} proven by {@code factor}. */
  public IssuedSession start(String userId, AuthenticationFactor factor, int durationMinutes,
      Map<String, Object> customClaims, Attributes attributes) {
    checkDuration(durationMinutes);
    Map<String, Object> claims = CustomClaims.merge(Map.of(), customClaims);
    Instant now = now();
    String token = Secrets.randomToken(Secrets.SESSION_TOKEN_BYTES);
    SessionRecord session = new SessionRecord(ids.session(), userId, Secrets.sha256(token), now, now,
        policy.capExpiry(now, now.plus(Duration.ofMinutes(durationMinutes))), attributes, List.of(factor), claims, 1);
    store.create(session);
    metrics.sessionCreated();
    StartListener listener = startListener;
    if (listener != null) {
      listener.started(session, store.listActive(userId, now).stream()
          .filter(s -> !s.sessionId().equals(session.sessionId())).toList());
    }
    if (policy.maxPerUser() > 0) {
      revokeOldestPastTheCap(userId, now);
    }
    return new IssuedSession(session, token, jwtFor(session, now));
  }

  /**
   * The one rule every sign-in method follows once its factor is proven for {@code userId}: with a session named in
   * the request (step-up), the factor is added to that session, which must belong to the same user, else
   * {@code user_id_mismatch}; without one, a new session starts when a duration is given; with neither, no session
   * (null), as Stytch does.
   */
  public IssuedSession signIn(String userId, AuthenticationFactor factor, SessionRef ref, Integer durationMinutes,
      Map<String, Object> customClaims, Attributes attributes) {
    checkRef(ref);
    checkDuration(durationMinutes);
    CustomClaims.checkNames(customClaims);
    if (!ref.isEmpty()) {
      if (!resolve(ref).userId().equals(userId)) {
        throw ErrorCode.USER_ID_MISMATCH.exception();
      }
      return authenticate(ref, new Change(durationMinutes, customClaims, factor));
    }
    if (durationMinutes == null) {
      return null;
    }
    return start(userId, factor, durationMinutes, customClaims, attributes);
  }

  /**
   * Refuses, before a factor is spent on it, a step-up into a session that is not live ({@code session_not_found})
   * or belongs to another user ({@code user_id_mismatch}). Does nothing when no session is named.
   */
  public void requireOwnedBy(SessionRef ref, String userId) {
    if (!ref.isEmpty() && !resolve(ref).userId().equals(userId)) {
      throw ErrorCode.USER_ID_MISMATCH.exception();
    }
  }

  /**
   * Finds the live session a request names; {@code session_not_found} when there is none. The JWT may be past its
   * {@code exp}: a good signature and a live session are enough.
   */
  public SessionRecord resolve(SessionRef ref) {
    checkRef(ref);
    if (ref.isEmpty()) {
      throw ErrorCode.NO_SESSION_ARGUMENTS.exception();
    }
    Instant now = now();
    Optional<SessionRecord> found;
    if (ref.token() != null) {
      String hash = Secrets.sha256(ref.token());
      found = store.findByTokenHash(hash).filter(s -> Secrets.constantTimeEquals(s.tokenHash(), hash));
    } else {
      SessionJwts.Subject subject = jwts.verifyIgnoringExpiry(ref.jwt());
      found = store.findById(subject.sessionId()).filter(s -> s.userId().equals(subject.userId()));
    }
    return found.filter(s -> isLive(s, now)).orElseThrow(ErrorCode.SESSION_NOT_FOUND::exception);
  }

  /**
   * Live: not past {@code expires_at}, and by the project's policy neither idle too long nor older than the absolute
   * lifetime (a session extended before the policy was set may still have a later {@code expires_at}).
   */
  private boolean isLive(SessionRecord s, Instant now) {
    return s.isActiveAt(now) && !policy.idleAt(s.lastAccessedAt(), now)
        && policy.capExpiry(s.startedAt(), s.expiresAt()).isAfter(now);
  }

  /**
   * With a cap on sessions per user, revokes the user's oldest live sessions past it, each through the store (so each
   * gets its {@code session.revoked} event). Called after each new session is stored: with sign-ins racing, the
   * last one to list sees every new session, so no more than the cap stay live once they are done.
   */
  private void revokeOldestPastTheCap(String userId, Instant now) {
    List<SessionRecord> live = store.listActive(userId, now);
    int excess = live.size() - policy.maxPerUser();
    int revoked = 0;
    for (int i = 0; i < excess; i++) {
      String oldest = live.get(i).sessionId();
      recentJwts.forget(oldest);
      if (store.delete(oldest)) {
        revoked++;
      }
    }
    metrics.sessionsRevoked(revoked);
  }

  /**
   * Authenticates the named session and applies {@code change}: a duration sets expiry to now + N, claims merge,
   * a factor is added (or refreshed if the session already has it). When that changes nothing and
   * {@code last_accessed_at} is younger than the write interval, nothing is written and the session is returned as
   * stored. The JWT is new unless the session's most recent one can be reused ({@link RecentJwts}).
   */
  public IssuedSession authenticate(SessionRef ref, Change change) {
    checkRef(ref);
    checkDuration(change.durationMinutes());
    CustomClaims.checkNames(change.customClaims());
    SessionRecord current = resolve(ref);
    for (int attempt = 0; attempt < MAX_UPDATE_ATTEMPTS; attempt++) {
      Instant now = now();
      Instant expires = change.durationMinutes() == null ? current.expiresAt()
          : policy.capExpiry(current.startedAt(), now.plus(Duration.ofMinutes(change.durationMinutes())));
      List<AuthenticationFactor> factors = change.factor() == null ? current.factors()
          : withFactor(current.factors(), change.factor());
      SessionRecord next = current.next(now, expires, factors,
          CustomClaims.merge(current.customClaims(), change.customClaims()));
      if (sameContent(current, next) && !lastAccessedWriteInterval.isZero()) {
        // Nothing asked for changes. While the last JWT is reused nothing is written at all; when a JWT must be
        // minted anyway, last_accessed_at is written with it if the stored one is at least the interval old. So the
        // write and the signature fall on the same call: a busy session signs every 40-60 s (RecentJwts) and writes with
        // the first signature after the interval.
        // With an idle timeout, last_accessed_at is what keeps the session alive: once it is due, it is written even
        // while the JWT could be reused.
        SigningKey key = jwts.signingKey();
        boolean writeDue = !now.isBefore(current.lastAccessedAt().plus(lastAccessedWriteInterval));
        String reused = writeDue && policy.hasIdleTimeout() ? null : recentJwts.find(current, key.kid(), now);
        if (reused != null) {
          metrics.sessionAuthenticated();
          metrics.jwtReused();
          return new IssuedSession(current, ref.token() == null ? "" : ref.token(), reused);
        }
        if (!writeDue) {
          metrics.sessionAuthenticated();
          return new IssuedSession(current, ref.token() == null ? "" : ref.token(), mint(current, key, now));
        }
      }
      if (store.update(next)) {
        metrics.sessionAuthenticated();
        return new IssuedSession(next, ref.token() == null ? "" : ref.token(), jwtFor(next, now));
      }
      current = store.findById(current.sessionId()).filter(s -> s.isActiveAt(now))
          .orElseThrow(ErrorCode.SESSION_NOT_FOUND::exception);
    }
    throw ErrorCode.SESSION_BUSY.exception();
  }

  /** Revokes the session named by exactly one of id, token and JWT. */
  public void revoke(String sessionId, SessionRef ref) {
    String id = blankToNull(sessionId);
    int given = (id == null ? 0 : 1) + (ref.token() == null ? 0 : 1) + (ref.jwt() == null ? 0 : 1);
    if (given > 1) {
      throw ErrorCode.TOO_MANY_SESSION_REVOKE_ARGUMENTS.exception();
    }
    if (given == 0) {
      throw ErrorCode.NO_SESSION_REVOKE_ARGUMENTS.exception();
    }
    if (id != null && !id.startsWith("session-")) {
      throw ErrorCode.INVALID_SESSION_ID.exception();
    }
    // By id as by token or JWT, an expired session that is not purged yet is not found: revoke answers 404 for it.
    String target = id != null ? liveSessionId(id) : resolve(ref).sessionId();
    recentJwts.forget(target);
    if (!store.delete(target)) {
      throw ErrorCode.SESSION_NOT_FOUND.exception();
    }
    metrics.sessionsRevoked(1);
  }

  /** The session's most recent JWT if it may be reused (see {@link RecentJwts}), else a new one, remembered. */
  private String jwtFor(SessionRecord session, Instant now) {
    SigningKey key = jwts.signingKey();
    String reused = recentJwts.find(session, key.kid(), now);
    if (reused != null) {
      metrics.jwtReused();
      return reused;
    }
    return mint(session, key, now);
  }

  /** A new JWT for the session signed by {@code key}, remembered for reuse. */
  private String mint(SessionRecord session, SigningKey key, Instant now) {
    String jwt = jwts.mint(session, DEFAULT_ROLES, now, key);
    metrics.jwtMinted();
    recentJwts.remember(session, key.kid(), Instant.ofEpochSecond(now.getEpochSecond()), jwt, now);
    return jwt;
  }

  /** Whether the two states differ only in {@code last_accessed_at} (and version): nothing a caller asked to change. */
  private static boolean sameContent(SessionRecord a, SessionRecord b) {
    return a.expiresAt().equals(b.expiresAt()) && a.factors().equals(b.factors())
        && a.customClaims().equals(b.customClaims());
  }

  private String liveSessionId(String sessionId) {
    Instant now = now();
    return store.findById(sessionId).filter(s -> s.isActiveAt(now)).map(SessionRecord::sessionId)
        .orElseThrow(ErrorCode.SESSION_NOT_FOUND::exception);
  }

  /**
   * Revokes every other live session of the user whose session {@code ref} names ("sign out my other devices"),
   * each through the store's revoke, so each gets its {@code session.revoked} event; returns their ids. A session
   * started while this runs is not among them. The named session must be live ({@code session_not_found}).
   */
  public List<String> revokeOthers(SessionRef ref) {
    SessionRecord kept = resolve(ref);
    List<String> revoked = new java.util.ArrayList<>();
    for (SessionRecord other : store.listActive(kept.userId(), now())) {
      if (!other.sessionId().equals(kept.sessionId())) {
        recentJwts.forget(other.sessionId());
        if (store.delete(other.sessionId())) {
          revoked.add(other.sessionId());
        }
      }
    }
    metrics.sessionsRevoked(revoked.size());
    return List.copyOf(revoked);
  }

  /** Revokes every session of the user except {@code keepSessionId} (null: all); returns how many. */
  public int revokeAllExcept(String userId, String keepSessionId) {
    int revoked = store.deleteForUser(userId, keepSessionId);
    metrics.sessionsRevoked(revoked);
    return revoked;
  }

  /** The user's live sessions (idle and over-age ones left out, as authenticate would refuse them). */
  public List<SessionRecord> listActive(String userId) {
    Instant now = now();
    return store.listActive(userId, now).stream().filter(s -> isLive(s, now)).toList();
  }

  /** The wire form of a stored session. */
  public static dev.latchkey.model.Session toWire(SessionRecord s) {
    return new dev.latchkey.model.Session(s.sessionId(), s.userId(), s.startedAt(), s.lastAccessedAt(),
        s.expiresAt(), s.attributes(), s.factors(), s.customClaims(), DEFAULT_ROLES,
        DeviceDescription.of(s.attributes() == null ? null : s.attributes().userAgent()));
  }

  private static List<AuthenticationFactor> withFactor(List<AuthenticationFactor> factors, AuthenticationFactor f) {
    List<AuthenticationFactor> out = new ArrayList<>(factors.size() + 1);
    boolean replaced = false;
    for (AuthenticationFactor existing : factors) {
      if (!replaced && existing.sameFactorAs(f)) {
        out.add(existing.reauthenticated(f.lastAuthenticatedAt()));
        replaced = true;
      } else {
        out.add(existing);
      }
    }
    if (!replaced) {
      out.add(f);
    }
    return out;
  }

  /** The clock sessions are timed by (tests move it), for services that work on sessions beside this one. */
  public Clock clock() {
    return clock;
  }

  private Instant now() {
    // The store keeps milliseconds; truncating here keeps a fresh reply equal to what a later read returns.
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  private static String blankToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
