package dev.latchkey.bench;

import dev.latchkey.server.crypto.CryptoProviders;
import dev.latchkey.server.crypto.Secrets;
import dev.latchkey.server.session.SessionJwts;
import dev.latchkey.server.session.SessionService;
import dev.latchkey.server.store.SessionRecord;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Signature;
import java.time.Instant;
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
 * RS256 signing with each JCA provider {@code LATCHKEY_CRYPTO_PROVIDER} offers, side by side in one run: the bare
 * {@code SHA256withRSA} signature over a session-JWT-sized input, and the server's whole {@link SessionJwts#mint}
 * with that provider. Throughput, so that "signatures per second" reads directly off the table; run with
 * {@code -t 2} for the two-core rate.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RsaSigningProviderBenchmark {
  /** jdk: the JDK's own provider; accp: Amazon Corretto Crypto Provider (fails the trial if it cannot load). */
  @Param({"jdk", "accp"})
  public String provider;

  private BenchDatabase db;
  private SessionRecord session;
  private SessionJwts jwts;
  private Provider jca;
  private byte[] signingInput;
  private PrivateKey privateKey;

  @Setup(Level.Trial)
  public void setUp() {
    jca = CryptoProviders.select(provider, message -> System.err.println("# " + message));
    if (!provider.equals("jdk") && jca == null) {
      throw new IllegalStateException(provider + " cannot load on this machine");
    }
    db = new BenchDatabase();
    session = db.sampleSession(db.ids.user(), Secrets.randomToken(Secrets.SESSION_TOKEN_BYTES));
    jwts = new SessionJwts(db.keys, BenchDatabase.PROJECT_ID, jca);
    String jwt = jwts.mint(session, SessionService.DEFAULT_ROLES, Instant.now());
    // The key as the provider holds it natively: translated once, as SessionJwts does for each signing key.
    PrivateKey jdkKey = db.keys.signingKey().privateKey();
    try {
      privateKey = jca == null ? jdkKey : (PrivateKey) KeyFactory.getInstance("RSA", jca).translateKey(jdkKey);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    signingInput = jwt.substring(0, jwt.lastIndexOf('.')).getBytes(StandardCharsets.US_ASCII);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    db.close();
  }

  /** One SHA256withRSA signature (RSA-2048) of the header and payload of a real session JWT. */
  @Benchmark
  public byte[] sign() throws GeneralSecurityException {
    Signature s = jca == null ? Signature.getInstance("SHA256withRSA") : Signature.getInstance("SHA256withRSA", jca);
    s.initSign(privateKey);
    s.update(signingInput);
    return s.sign();
  }

  /** {@link SessionJwts#mint} with the provider: claims, JSON, base64url and the signature. */
  @Benchmark
  public String mintSessionJwt() {
    return jwts.mint(session, SessionService.DEFAULT_ROLES, Instant.now());
  }
}
