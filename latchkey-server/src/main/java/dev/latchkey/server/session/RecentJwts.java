package dev.latchkey.server.session;

import dev.latchkey.server.store.SessionRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The most recent JWT minted for each session, so that an authenticate that changes nothing can return it instead
 * of paying for an RS256 signature (the one expensive step of the hot path).
 *
 * <p>A JWT is reused only when all of these hold: it was minted from the very same stored version of the session
 * (so every claim, {@code last_accessed_at} included, equals what the reply says); it was signed by the key that
 * signs now (a JWT signed by a key that has since been rotated out is never handed out again); and strictly less than
 * {@link #reuseWindow} (at most {@link #REUSE_WINDOW}) has passed since its {@code iat}, i.e. it has more than 80% of
 * its life left.
 *
 * <p>Kept in memory, per node, and never in the database: a session JWT is a bearer credential for five minutes, and
 * the store otherwise holds only hashes of credentials. Losing this map (a restart, another node) costs one signature.
 * The version check makes a stale entry harmless: concurrent writers can at worst replace an entry with an older
 * one, which then no longer matches and is minted again.
 *
 * <p>When the map is full of fresh entries a new one is not remembered: the first time this happens one WARN line
 * says so (once per cache, so once per server, never per request), and {@link #notCached()} counts every such mint.
 */
final class RecentJwts {
  /** 20% of the JWT lifetime: a reused JWT always has more than 80% (four minutes) left. */
  static final Duration REUSE_WINDOW = SessionJwts.LIFETIME.dividedBy(5);
  /**
   * Up to this much is taken off {@link #REUSE_WINDOW} for each session (by its id), so that sessions first given a
   * JWT in the same second (after a restart, or a benchmark's warm-up) do not all sign again in the same second of
   * every minute: with 10,000 such sessions the bench measured those bursts as the p99 of the session check.
   */
  static final Duration SPREAD = Duration.ofSeconds(20);
  /**
   * An entry is about 1.5 KB (the JWT dominates), so this bounds the map near 100 MB. Only sessions authenticated
   * within the last minute are worth keeping; past the bound new entries are simply not remembered (those sessions
   * mint every time), which is slower but correct; the first such miss is logged and all are counted.
   */
  static final int MAX_ENTRIES = 65_536;
  /** Stale entries are swept at most this often, so a full map of fresh entries does not make every insert O(n). */
  private static final Duration SWEEP_INTERVAL = Duration.ofSeconds(1);
  private static final Logger LOG = LoggerFactory.getLogger(RecentJwts.class);

  private record Entry(long version, String kid, Instant issuedAt, String jwt) {}

  private final ConcurrentHashMap<String, Entry> bySession = new ConcurrentHashMap<>();
  private final AtomicReference<Instant> lastSweep = new AtomicReference<>(Instant.MIN);
  private final LongAdder notCached = new LongAdder();
  private final AtomicBoolean fullReported = new AtomicBoolean();

  /** The JWT to reuse for {@code session} as stored now, or null when a new one must be minted. */
  String find(SessionRecord session, String signingKid, Instant now) {
    Entry e = bySession.get(session.sessionId());
    if (e == null || e.version() != session.version() || !e.kid().equals(signingKid)
        || !now.isBefore(e.issuedAt().plus(reuseWindow(session.sessionId())))) {
      return null;
    }
    return e.jwt();
  }

  /** Remembers {@code jwt}, minted from {@code session} with key {@code kid} at {@code issuedAt} (whole seconds). */
  void remember(SessionRecord session, String kid, Instant issuedAt, String jwt, Instant now) {
    if (bySession.size() >= MAX_ENTRIES && !bySession.containsKey(session.sessionId())) {
      sweep(now);
      if (bySession.size() >= MAX_ENTRIES) {
        notCached.increment();
        if (fullReported.compareAndSet(false, true)) {
          // Counts and durations only: never a session id, a token or a JWT.
          LOG.warn("The recent-JWT cache is full: more than {} sessions were given a JWT within {} on this node, so "
              + "further ones are signed anew on every authenticate (slower, still correct) until entries age out. "
              + "Logged once; spread the load over more nodes if it lasts.",
              MAX_ENTRIES, REUSE_WINDOW.toSeconds() + "s");
        }
        return;
      }
    }
    Entry next = new Entry(session.version(), kid, issuedAt, jwt);
    // Keep the newer version when two calls race: the older one could never be reused anyway.
    bySession.merge(session.sessionId(), next, (old, fresh) -> fresh.version() >= old.version() ? fresh : old);
  }

  /** How long a JWT of this session is reused: {@link #REUSE_WINDOW} less a part of {@link #SPREAD} fixed by the id. */
  static Duration reuseWindow(String sessionId) {
    return REUSE_WINDOW.minusMillis(Math.floorMod(sessionId.hashCode(), SPREAD.toMillis()));
  }

  void forget(String sessionId) {
    bySession.remove(sessionId);
  }

  int size() {
    return bySession.size();
  }

  /** How many minted JWTs were not remembered because the map was full, since this cache was created. */
  long notCached() {
    return notCached.sum();
  }

  private void sweep(Instant now) {
    Instant last = lastSweep.get();
    if (now.isBefore(last.plus(SWEEP_INTERVAL)) || !lastSweep.compareAndSet(last, now)) {
      return;
    }
    Instant cutoff = now.minus(REUSE_WINDOW);
    bySession.values().removeIf(e -> !e.issuedAt().isAfter(cutoff));
  }
}
