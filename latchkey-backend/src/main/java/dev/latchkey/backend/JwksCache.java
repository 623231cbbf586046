package dev.latchkey.backend;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import dev.latchkey.backend.LatchkeyException.Reason;
import dev.latchkey.model.Jwk;
import dev.latchkey.model.JwksResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The project's public keys, fetched from {@code GET /v1/sessions/jwks/{project_id}} and held as one immutable
 * {@link State} in an {@link AtomicReference}. This cache is an attack surface, so:
 *
 * <ul>
 *   <li>it is fetched on first use and again when {@code Cache-Control: max-age} runs out (bounded to [cool-down,
 *       24 h]; {@link #DEFAULT_MAX_AGE} without the header);
 *   <li>every fetch attempt, for any cause, opens a cool-down window in which no other fetch starts, so a flood of
 *       JWTs with made-up {@code kid}s costs at most one request per window;
 *   <li>fetches are single-flight: callers that find a fetch in progress wait for its result (no key set yet, or an
 *       unknown {@code kid}) or keep using the current set (refresh of an expired set);
 *   <li>when a refresh fails the last good set keeps serving for {@code maxStale} past its expiry;
 *   <li>replies are limited to {@link #MAX_JWKS_BYTES} and get a short timeout of their own.
 * </ul>
 */
final class JwksCache {
  /** A JWKS of one RSA-2048 key with its certificate is about 2.5 KiB; 64 KiB holds twenty keys. */
  static final int MAX_JWKS_BYTES = 64 * 1024;
  /** Key lifetime when the server sends no max-age: short, since rotation is then invisible to us. */
  static final Duration DEFAULT_MAX_AGE = Duration.ofMinutes(5);
  /** Longest lifetime honoured whatever max-age says, so a mistaken header cannot pin old keys for months. */
  static final Duration LONGEST_MAX_AGE = Duration.ofHours(24);
  /** RS256 keys shorter than this are ignored (NIST SP 800-131A). */
  static final int MIN_RSA_BITS = 2048;
  private static final Pattern MAX_AGE = Pattern.compile("(?:^|[,\\s])max-age\\s*=\\s*\"?(\\d{1,10})\"?");

  /** The usable keys of one successful fetch. */
  record KeySet(Map<String, RSASSAVerifier> verifiers, Instant fetchedAt, Instant freshUntil) {}

  /** Everything the cache knows: the last good set (null before the first), and the last fetch attempt. */
  record State(KeySet keys, Instant lastAttempt, LatchkeyException lastFailure) {
    static final State EMPTY = new State(null, null, null);
  }

  private final Transport transport;
  private final String path;
  private final Clock clock;
  private final Duration timeout;
  private final Duration coolDown;
  private final Duration maxStale;
  private final AtomicReference<State> state = new AtomicReference<>(State.EMPTY);
  private final ReentrantLock fetching = new ReentrantLock();

  JwksCache(Transport transport, String projectId, Clock clock, Duration timeout, Duration coolDown,
      Duration maxStale) {
    this.transport = transport;
    this.path = "/v1/sessions/jwks/" + URLEncoder.encode(projectId, StandardCharsets.UTF_8);
    this.clock = clock;
    this.timeout = timeout;
    this.coolDown = coolDown;
    this.maxStale = maxStale;
  }

  /**
   * The verifier for {@code kid}. Throws {@link Reason#JWT_UNKNOWN_KEY} when a key set is at hand and none of its
   * keys, even after a refetch the cool-down allowed, has this id; {@link Reason#JWKS_UNAVAILABLE} when no usable
   * key set could be had.
   */
  RSASSAVerifier verifier(String kid) {
    Instant now = clock.instant();
    State s = state.get();
    if (s.keys() == null || !now.isBefore(s.keys().freshUntil())) {
      if (mayFetch(s, now)) {
        // With no keys at all, wait for whoever is fetching; with an expired set, let one caller refresh it.
        s = fetch(s, now, s.keys() == null);
      }
    }
    if (s.keys() != null) {
      RSASSAVerifier v = s.keys().verifiers().get(kid);
      if (v != null) {
        if (now.isAfter(s.keys().freshUntil().plus(maxStale))) {
          throw unavailable(s, "the key set expired at " + s.keys().freshUntil() + " and could not be refreshed for "
              + "longer than jwksMaxStale (" + maxStale + ")");
        }
        return v;
      }
    }
    if (mayFetch(s, now)) {
      s = fetch(s, now, true);
      if (s.keys() != null && s.keys().verifiers().containsKey(kid)) {
        return s.keys().verifiers().get(kid);
      }
    }
    if (s.keys() == null || s.lastFailure() != null) {
      throw unavailable(s, "no key set with kid " + kid + " could be fetched");
    }
    throw LatchkeyException.local(Reason.JWT_UNKNOWN_KEY, "No key with kid " + kid + " is in the project's key "
        + "set (fetched at " + s.keys().fetchedAt() + "; next refetch allowed at " + s.lastAttempt().plus(coolDown)
        + ")");
  }

  private boolean mayFetch(State s, Instant now) {
    return s.lastAttempt() == null || !now.isBefore(s.lastAttempt().plus(coolDown));
  }

  /** Fetches unless another caller changed the state since {@code seen}; returns the state after. */
  private State fetch(State seen, Instant now, boolean wait) {
    if (wait) {
      fetching.lock();
    } else if (!fetching.tryLock()) {
      return state.get();
    }
    try {
      State current = state.get();
      if (current != seen) {
        return current;
      }
      State next;
      try {
        next = new State(load(now), now, null);
      } catch (LatchkeyException e) {
        next = new State(current.keys(), now, e);
      }
      state.set(next);
      return next;
    } finally {
      fetching.unlock();
    }
  }

  private KeySet load(Instant now) {
    Transport.Reply reply = transport.getPublic(path, timeout, MAX_JWKS_BYTES);
    if (reply.status() != 200) {
      throw transport.serverError(reply);
    }
    JwksResponse jwks = transport.read(reply.body(), JwksResponse.class);
    Map<String, RSASSAVerifier> verifiers = new HashMap<>();
    if (jwks.keys() != null) {
      for (Jwk k : jwks.keys()) {
        verifierOf(k).ifPresent(v -> verifiers.put(k.kid(), v));
      }
    }
    if (verifiers.isEmpty()) {
      throw LatchkeyException.local(Reason.BAD_RESPONSE, "The key set has no usable RS256 signing key");
    }
    return new KeySet(Map.copyOf(verifiers), now, now.plus(maxAge(reply.cacheControl())));
  }

  /** RSA signature keys for RS256 of at least {@link #MIN_RSA_BITS} bits; anything else is skipped. */
  private static Optional<RSASSAVerifier> verifierOf(Jwk k) {
    if (k == null || !"RSA".equals(k.kty()) || k.kid() == null || k.kid().isEmpty() || k.n() == null
        || k.e() == null || (k.alg() != null && !"RS256".equals(k.alg()))
        || (k.use() != null && !"sig".equals(k.use()))) {
      return Optional.empty();
    }
    try {
      RSAPublicKey key = new RSAKey.Builder(new Base64URL(k.n()), new Base64URL(k.e())).build().toRSAPublicKey();
      if (key.getModulus().bitLength() < MIN_RSA_BITS) {
        return Optional.empty();
      }
      return Optional.of(new RSASSAVerifier(key));
    } catch (JOSEException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private Duration maxAge(Optional<String> cacheControl) {
    Duration age = DEFAULT_MAX_AGE;
    if (cacheControl.isPresent()) {
      Matcher m = MAX_AGE.matcher(cacheControl.get().toLowerCase(java.util.Locale.ROOT));
      if (m.find()) {
        age = Duration.ofSeconds(Long.parseLong(m.group(1)));
      }
    }
    if (age.compareTo(coolDown) < 0) {
      return coolDown;
    }
    return age.compareTo(LONGEST_MAX_AGE) > 0 ? LONGEST_MAX_AGE : age;
  }

  private static LatchkeyException unavailable(State s, String what) {
    String cause = s.lastFailure() == null ? "" : ": " + s.lastFailure().getMessage();
    return LatchkeyException.local(Reason.JWKS_UNAVAILABLE, "Cannot check the JWT: " + what + cause,
        s.lastFailure());
  }
}
