package dev.latchkey.bench;

import dev.latchkey.server.crypto.Secrets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * {@link Secrets#sha256} of a 44-character session token: what every token-based authenticate computes before it
 * looks the session up (tokens are stored only as hashes).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TokenHashBenchmark {
  private String token;

  @Setup
  public void setUp() {
    token = Secrets.randomToken(Secrets.SESSION_TOKEN_BYTES);
  }

  @Benchmark
  public String sha256OfSessionToken() {
    return Secrets.sha256(token);
  }
}
