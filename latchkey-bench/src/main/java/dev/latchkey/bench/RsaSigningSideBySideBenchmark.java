package dev.latchkey.bench;

import dev.latchkey.server.crypto.CryptoProviders;
import dev.latchkey.server.crypto.Secrets;
import dev.latchkey.server.session.SessionJwts;
import dev.latchkey.server.session.SessionService;
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
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The JDK provider and Amazon Corretto Crypto Provider signing RS256 at the same moment, one thread each (a JMH
 * group): on a shared, noisy machine, whatever else runs slows both alike, so their ratio is meaningful where two
 * runs one after the other are not. Each thread signs the header and payload of a real session JWT with the same
 * 2048-bit key, held as each provider holds it.
 */
@State(Scope.Group)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RsaSigningSideBySideBenchmark {
  private BenchDatabase db;
  private Provider accp;
  private PrivateKey jdkKey;
  private PrivateKey accpKey;
  private byte[] signingInput;

  @Setup(Level.Trial)
  public void setUp() throws GeneralSecurityException {
    accp = CryptoProviders.select("accp", message -> System.err.println("# " + message));
    if (accp == null) {
      throw new IllegalStateException("Amazon Corretto Crypto Provider cannot load on this machine");
    }
    db = new BenchDatabase();
    jdkKey = db.keys.signingKey().privateKey();
    accpKey = (PrivateKey) KeyFactory.getInstance("RSA", accp).translateKey(jdkKey);
    String jwt = new SessionJwts(db.keys, BenchDatabase.PROJECT_ID).mint(
        db.sampleSession(db.ids.user(), Secrets.randomToken(Secrets.SESSION_TOKEN_BYTES)),
        SessionService.DEFAULT_ROLES, Instant.now());
    signingInput = jwt.substring(0, jwt.lastIndexOf('.')).getBytes(StandardCharsets.US_ASCII);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    db.close();
  }

  @Benchmark
  @Group("sign")
  @GroupThreads(1)
  public byte[] jdk() throws GeneralSecurityException {
    Signature s = Signature.getInstance("SHA256withRSA");
    s.initSign(jdkKey);
    s.update(signingInput);
    return s.sign();
  }

  @Benchmark
  @Group("sign")
  @GroupThreads(1)
  public byte[] accp() throws GeneralSecurityException {
    Signature s = Signature.getInstance("SHA256withRSA", accp);
    s.initSign(accpKey);
    s.update(signingInput);
    return s.sign();
  }
}
