package dev.latchkey.bench;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.SignedJWT;
import dev.latchkey.server.crypto.Secrets;
import dev.latchkey.server.session.SessionService;
import java.text.ParseException;
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

/**
 * Bare nimbus-jose-jwt RS256 verification of a realistic session JWT (minted by the server, with the Stytch session
 * claim, a password factor and two custom claims): the floor under any SDK's local {@code authenticateJwt}, before
 * claim checks and key-set caching. {@code parseAndVerify} includes parsing the compact form; {@code verifyOnly}
 * is the signature check alone on an already-parsed token.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class JwtVerifyBenchmark {
  private String serialized;
  private SignedJWT parsed;
  private RSASSAVerifier verifier;

  @Setup(Level.Trial)
  public void setUp() throws ParseException {
    try (BenchDatabase db = new BenchDatabase()) {
      serialized = db.jwts.mint(db.sampleSession(db.ids.user(), Secrets.randomToken(Secrets.SESSION_TOKEN_BYTES)),
          SessionService.DEFAULT_ROLES, Instant.now());
      verifier = new RSASSAVerifier(db.keys.signingKey().publicKey());
    }
    parsed = SignedJWT.parse(serialized);
  }

  @Benchmark
  public boolean parseAndVerify() throws ParseException, JOSEException {
    SignedJWT jwt = SignedJWT.parse(serialized);
    if (!jwt.verify(verifier)) {
      throw new IllegalStateException("the benchmark JWT does not verify");
    }
    return true;
  }

  @Benchmark
  public boolean verifyOnly() throws JOSEException {
    return parsed.verify(verifier);
  }
}
