package dev.latchkey.bench;

import dev.latchkey.server.crypto.Secrets;
import dev.latchkey.server.session.SessionJwts;
import dev.latchkey.server.session.SessionService;
import dev.latchkey.server.store.SessionRecord;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Server-side session JWT minting ({@link SessionJwts#mint}): claims map, JSON, RS256 signature with a 2048-bit key
 * from the real {@code KeyRing} over SQLite, signed by the provider the server uses by default
 * ({@code LATCHKEY_CRYPTO_PROVIDER=auto}: ACCP where it loads). Every authenticate that mints pays this once.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class JwtMintBenchmark {
  private BenchDatabase db;
  private SessionRecord session;

  @Setup(Level.Trial)
  public void setUp() {
    db = new BenchDatabase();
    session = db.sampleSession(db.ids.user(), Secrets.randomToken(Secrets.SESSION_TOKEN_BYTES));
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    db.close();
  }

  @Benchmark
  public String mintSessionJwt() {
    return db.jwts.mint(session, SessionService.DEFAULT_ROLES, Instant.now());
  }
}
