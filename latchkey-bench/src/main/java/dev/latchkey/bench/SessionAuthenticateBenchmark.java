package dev.latchkey.bench;

import dev.latchkey.server.crypto.CryptoProviders;
import dev.latchkey.server.session.IssuedSession;
import dev.latchkey.server.session.SessionJwts;
import dev.latchkey.server.session.SessionService;
import dev.latchkey.server.session.SessionService.Change;
import dev.latchkey.server.session.SessionService.SessionRef;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The server-side authenticate path ({@link SessionService#authenticate}) without HTTP, over SQLite with 1,000
 * sessions, round-robin by token (each session is authenticated once before measuring, as a live one would have been):
 *
 * <ul>
 *   <li>{@code byTokenNoChange}: the hot path as configured by default: hash, indexed read, and (within a minute of
 *       the last one) the session's JWT reused; no write, no signature.
 *   <li>{@code byTokenNoChangeEveryCallWrites}: the same call with {@code LATCHKEY_LAST_ACCESSED_WRITE_INTERVAL=0}:
 *       hash, read, an optimistic {@code UPDATE}, and a new signature every time (what every call paid before).
 *   <li>{@code byTokenWithExtension}: {@code session_duration_minutes} given: read, write, signature.
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SessionAuthenticateBenchmark {
  @Param({"jdk", "accp"})
  public String provider;

  /** Few enough that the warm-up pass (one signature each) takes about a second. */
  private static final int SESSIONS = 1_000;

  private BenchDatabase db;
  private List<String> tokens;
  private SessionService coalescing;
  private SessionService writingEveryTime;
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    db = new BenchDatabase();
    tokens = db.populate(SESSIONS / 2, 2);
    SessionJwts jwts = new SessionJwts(db.keys, BenchDatabase.PROJECT_ID,
        CryptoProviders.select(provider, message -> System.err.println("# " + message)));
    coalescing = new SessionService(db.stores.sessions(), jwts, db.ids, Clock.systemUTC(),
        SessionService.DEFAULT_LAST_ACCESSED_WRITE_INTERVAL);
    writingEveryTime = new SessionService(db.stores.sessions(), jwts, db.ids, Clock.systemUTC(), Duration.ZERO);
    for (String token : tokens) {
      coalescing.authenticate(SessionRef.of(token, null), new Change(null, null, null));
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    db.close();
  }

  private SessionRef nextRef() {
    next = (next + 1) % tokens.size();
    return SessionRef.of(tokens.get(next), null);
  }

  @Benchmark
  public IssuedSession byTokenNoChange() {
    return coalescing.authenticate(nextRef(), new Change(null, null, null));
  }

  @Benchmark
  public IssuedSession byTokenNoChangeEveryCallWrites() {
    return writingEveryTime.authenticate(nextRef(), new Change(null, null, null));
  }

  @Benchmark
  public IssuedSession byTokenWithExtension() {
    return coalescing.authenticate(nextRef(), new Change(60 * 24, null, null));
  }
}
