package dev.latchkey.bench;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import dev.latchkey.backend.LatchkeyBackend;
import dev.latchkey.backend.VerifiedSession;
import dev.latchkey.model.PasswordCreateRequest;
import dev.latchkey.model.PasswordCreateResponse;
import dev.latchkey.server.LatchkeyServer;
import dev.latchkey.server.config.Settings;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Clock;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
 * The backend SDK's local session check against its floor, on the same token in the same run. A real Latchkey server
 * (temporary SQLite, loopback port) issues a session JWT through a password sign-up; the SDK fetches the server's
 * JWKS once during set-up, so the measured {@code authenticateJwtLocal} is what a web app pays per request: parse,
 * RS256 signature, {@code typ}/{@code iss}/{@code aud}/{@code exp}/{@code nbf} checks and mapping the session claim to
 * a typed {@code Session} with its custom claims. {@code nimbusParseAndVerify} is bare nimbus-jose-jwt on the same
 * token with the same public key taken from the same JWKS: parse and verify the signature, nothing else.
 *
 * <p>The session JWT lives five minutes, so a trial (fork) must finish within that: the set-up mints a fresh one.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class BackendVerifyBenchmark {
  private Path dataDir;
  private LatchkeyServer server;
  private LatchkeyBackend backend;
  private String jwt;
  private RSASSAVerifier verifier;

  @Setup(Level.Trial)
  public void setUp() throws IOException, ParseException, JOSEException {
    dataDir = Files.createTempDirectory("latchkey-bench-backend-");
    String projectId = "project-test-" + UUID.randomUUID();
    String secret = "secret-test-" + UUID.randomUUID().toString().replace("-", "");
    server = LatchkeyServer.start(Settings.load(Map.of(
        "LATCHKEY_PORT", "0",
        "LATCHKEY_BIND", "127.0.0.1",
        "LATCHKEY_DATA_DIR", dataDir.toString(),
        "LATCHKEY_PROJECT_ID", projectId,
        "LATCHKEY_SECRET", secret,
        "LATCHKEY_PUBLIC_TOKEN", "public-token-test-" + UUID.randomUUID(),
        "LATCHKEY_ARGON2_MEMORY_KIB", "8192",
        "LATCHKEY_ARGON2_ITERATIONS", "1")), Clock.systemUTC());
    backend = LatchkeyBackend.builder().baseUrl(URI.create(server.baseUrl())).projectId(projectId).secret(secret)
        .build();
    PasswordCreateResponse created = backend.passwords().create(new PasswordCreateRequest(
        "bench-" + UUID.randomUUID() + "@example.com", "correct horse battery staple 1987!", 60,
        Map.of("plan", "pro", "tenant", "acme"), null, null, null));
    jwt = created.sessionJwt();
    // Warms the SDK's JWKS cache, and proves both paths accept the token before anything is measured.
    VerifiedSession first = backend.sessions().authenticateJwtLocal(jwt);
    if (!first.session().customClaims().containsKey("plan")) {
      throw new IllegalStateException("the SDK lost the custom claims: " + first);
    }
    JWKSet jwks = JWKSet.load(new URL(server.baseUrl() + "/v1/sessions/jwks/" + projectId));
    String kid = SignedJWT.parse(jwt).getHeader().getKeyID();
    verifier = new RSASSAVerifier(((RSAKey) jwks.getKeyByKeyId(kid)).toRSAPublicKey());
    if (!SignedJWT.parse(jwt).verify(verifier)) {
      throw new IllegalStateException("nimbus does not verify the server's JWT");
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    backend.close();
    server.stop();
    try (Stream<Path> files = Files.walk(dataDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Benchmark
  public VerifiedSession latchkeyAuthenticateJwtLocal() {
    return backend.sessions().authenticateJwtLocal(jwt);
  }

  @Benchmark
  public boolean nimbusParseAndVerify() throws ParseException, JOSEException {
    SignedJWT parsed = SignedJWT.parse(jwt);
    if (!parsed.verify(verifier)) {
      throw new IllegalStateException("the benchmark JWT does not verify");
    }
    return true;
  }
}
