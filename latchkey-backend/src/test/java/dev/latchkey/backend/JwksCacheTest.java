package dev.latchkey.backend;

import static dev.latchkey.backend.Failures.failure;
import static dev.latchkey.backend.Failures.notChecked;
import static dev.latchkey.backend.Failures.rejected;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.latchkey.backend.LatchkeyException.Reason;
import dev.latchkey.server.keys.SigningKey;
import dev.latchkey.server.testing.MutableClock;
import dev.latchkey.server.testing.TestServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.interfaces.RSAPrivateKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The key-set cache against a real server behind a counting proxy: the server and the backend share one
 * hand-moved clock, and JWKS fetches are counted on the wire.
 */
class JwksCacheTest {
  private final MutableClock clock = new MutableClock();
  private TestServer server;
  private CountingProxy proxy;
  private LatchkeyBackend backend;

  @BeforeEach
  void start() throws Exception {
    server = TestServer.start(clock);
    proxy = new CountingProxy(server.baseUrl());
    backend = Fixture.backend(server, proxy.url(), clock);
  }

  @AfterEach
  void stop() {
    backend.close();
    proxy.close();
    server.close();
  }

  @Test
  void theKeySetIsFetchedOnFirstUseAndReusedUntilItsMaxAgeRunsOut() {
    for (int i = 0; i < 5; i++) {
      backend.sessions().authenticateJwtLocal(Fixture.jwt(server));
    }
    assertThat(proxy.jwksFetches()).isEqualTo(1);

    clock.advance(Duration.ofSeconds(899)); // the server says max-age=900
    backend.sessions().authenticateJwtLocal(Fixture.jwt(server));
    assertThat(proxy.jwksFetches()).isEqualTo(1);

    clock.advance(Duration.ofSeconds(1));
    backend.sessions().authenticateJwtLocal(Fixture.jwt(server));
    assertThat(proxy.jwksFetches()).isEqualTo(2);
  }

  @Test
  void aRotatedKeyIsPickedUpOnceTheCoolDownAllowsAndOldJwtsKeepVerifying() throws Exception {
    String before = Fixture.jwt(server);
    backend.sessions().authenticateJwtLocal(before);

    server.stop();
    String newKid = Fixture.rotateKeys(server);
    server.restart();
    proxy.upstream(server.baseUrl());
    String after = Fixture.jwt(server);
    assertThat(SignedJWT.parse(after).getHeader().getKeyID()).isEqualTo(newKid);

    // Within the cool-down of the first fetch the new kid is unknown locally; the API settles it.
    rejected(Reason.JWT_UNKNOWN_KEY, () -> backend.sessions().authenticateJwtLocal(after));
    assertThat(backend.sessions().authenticateJwt(after, Duration.ofMinutes(5)).source())
        .isEqualTo(VerifiedSession.Source.API);
    assertThat(proxy.jwksFetches()).isEqualTo(1);

    clock.advance(Duration.ofSeconds(30));
    assertThat(backend.sessions().authenticateJwtLocal(after).source()).isEqualTo(VerifiedSession.Source.LOCAL);
    assertThat(backend.sessions().authenticateJwtLocal(before).source()).isEqualTo(VerifiedSession.Source.LOCAL);
    assertThat(proxy.jwksFetches()).isEqualTo(2);
  }

  @Test
  void aFloodOfMadeUpKidsCostsAtMostOneFetchPerCoolDown() throws Exception {
    backend.sessions().authenticateJwtLocal(Fixture.jwt(server));
    RSAPrivateKey attacker = (RSAPrivateKey) Fixture.ownKeys().getPrivate();

    flood(attacker, 400);
    assertThat(proxy.jwksFetches()).isEqualTo(1);

    clock.advance(Duration.ofSeconds(30));
    flood(attacker, 400);
    assertThat(proxy.jwksFetches()).isEqualTo(2);

    clock.advance(Duration.ofSeconds(29));
    flood(attacker, 400);
    assertThat(proxy.jwksFetches()).isEqualTo(2);
  }

  /** {@code count} JWTs with fresh random kids from eight threads at once; each must be refused as unknown key. */
  private void flood(RSAPrivateKey key, int count) throws Exception {
    long iat = clock.instant().getEpochSecond();
    List<Callable<Reason>> calls = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String jwt = Fixture.sign(key, "jwk-test-" + UUID.randomUUID(), Fixture.claims(server, iat));
      calls.add(() -> failure(() -> backend.sessions().authenticateJwtLocal(jwt)).reason());
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      for (Future<Reason> f : pool.invokeAll(calls)) {
        assertThat(f.get()).isEqualTo(Reason.JWT_UNKNOWN_KEY);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void theLastGoodKeySetKeepsServingWhileTheServerIsDownForUpToMaxStale() {
    SigningKey key = Fixture.serverKey(server);
    backend.sessions().authenticateJwtLocal(Fixture.jwt(server));
    server.stop();

    clock.advance(Duration.ofMinutes(16)); // past max-age: the refresh fails, the cached keys still serve
    assertThat(backend.sessions().authenticateJwtLocal(signedNow(key)).source())
        .isEqualTo(VerifiedSession.Source.LOCAL);
    // A kid we do not know cannot be called forged while we cannot fetch: could not check.
    notChecked(Reason.JWKS_UNAVAILABLE, () -> backend.sessions().authenticateJwtLocal(
        Fixture.sign(key.privateKey(), "jwk-test-unknown", Fixture.claims(server, clock.instant().getEpochSecond()))));

    clock.advance(Duration.ofHours(1).minusMinutes(1)); // max-age + 1h: the default jwksMaxStale is used up
    assertThat(backend.sessions().authenticateJwtLocal(signedNow(key)).source())
        .isEqualTo(VerifiedSession.Source.LOCAL);
    clock.advance(Duration.ofSeconds(1));
    notChecked(Reason.JWKS_UNAVAILABLE, () -> backend.sessions().authenticateJwtLocal(signedNow(key)));
    assertThat(proxy.jwksFetches()).as("one try per cool-down while down").isBetween(2L, 1L + 60 * 60 / 30 + 1);
  }

  private String signedNow(SigningKey key) {
    Map<String, Object> claims = Fixture.claims(server, clock.instant().getEpochSecond());
    return Fixture.sign(key.privateKey(), key.kid(), claims);
  }

  @Test
  void withTheServerDownFromTheStartNothingIsRejectedAndNothingPasses() {
    SigningKey key = Fixture.serverKey(server);
    URI stoppedServer = URI.create(server.baseUrl());
    server.stop();

    LatchkeyException e = notChecked(Reason.JWKS_UNAVAILABLE,
        () -> backend.sessions().authenticateJwtLocal(signedNow(key)));
    assertThat(e.statusCode()).as("the proxy answered 502 for the stopped server").isEqualTo(0);
    LatchkeyBackend direct = Fixture.backend(server, stoppedServer, clock);
    notChecked(Reason.JWKS_UNAVAILABLE, () -> direct.sessions().authenticateJwtLocal(signedNow(key)));
    notChecked(Reason.NETWORK_ERROR, () -> direct.sessions().authenticateToken("token"));
  }

  @Test
  void anOversizedKeySetIsRefusedUnreadAndReportedAsUnavailable() throws Exception {
    HttpServer huge = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    byte[] body = ("{\"keys\":[" + "{\"kty\":\"RSA\"},".repeat(10_000) + "{}]}").getBytes();
    huge.createContext("/", ex -> {
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    huge.start();
    try (LatchkeyBackend b = Fixture.backend(server, URI.create("http://127.0.0.1:" + huge.getAddress().getPort()),
        clock)) {
      LatchkeyException e = notChecked(Reason.JWKS_UNAVAILABLE, () -> b.sessions().authenticateJwtLocal(
          signedNow(Fixture.serverKey(server))));
      assertThat(e.getMessage()).contains("exceeds " + JwksCache.MAX_JWKS_BYTES + " bytes");
    } finally {
      huge.stop(0);
    }
  }
}
