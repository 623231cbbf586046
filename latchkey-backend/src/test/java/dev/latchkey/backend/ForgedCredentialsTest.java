package dev.latchkey.backend;

import static dev.latchkey.backend.Failures.rejected;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.jwk.RSAKey;
import dev.latchkey.backend.LatchkeyException.Reason;
import dev.latchkey.server.keys.SigningKey;
import dev.latchkey.server.testing.MutableClock;
import dev.latchkey.server.testing.TestServer;
import java.net.URI;
import java.security.KeyPair;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The forgeries {@link LocalVerificationTest} does not already cover, refused by the backend SDK with the same
 * verdicts the server gives (docs/security-tests-hostile.md maps each to the server's test): a {@code kid} injecting
 * a path or URL, header-supplied key locations, stripped and swapped signatures, another project's JWTs (a second real
 * server), a 100 KB JWT, and session tokens that are truncated, extended, foreign or revoked.
 */
class ForgedCredentialsTest {
  private static TestServer server;
  private static TestServer otherProject;
  private static SigningKey serverKey;
  private static KeyPair attacker;
  private MutableClock clock;
  private LatchkeyBackend backend;

  @BeforeAll
  static void startServers() {
    server = TestServer.start();
    otherProject = TestServer.start();
    serverKey = Fixture.serverKey(server);
    attacker = Fixture.ownKeys();
  }

  @AfterAll
  static void stopServers() {
    server.close();
    otherProject.close();
  }

  @BeforeEach
  void newBackend() {
    clock = new MutableClock();
    clock.set(Instant.now());
    backend = Fixture.backend(server, clock);
  }

  @AfterEach
  void closeBackend() {
    backend.close();
  }

  private String byAttacker(JWSHeader header) {
    return Fixture.sign((RSAPrivateKey) attacker.getPrivate(), header,
        Fixture.claims(server, clock.instant().getEpochSecond()));
  }

  @Test
  void aKidThatInjectsAPathOrAUrlIsAnUnknownKey() {
    for (String kid : List.of("../../../../etc/passwd", "..%2F..%2Fkeys", "https://attacker.example/jwks.json",
        "file:///etc/passwd", "jwk-test-x/../../v1/sessions/jwks/x", "' OR '1'='1")) {
      String jwt = byAttacker(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid).type(JOSEObjectType.JWT).build());

      rejected(Reason.JWT_UNKNOWN_KEY, () -> backend.sessions().authenticateJwtLocal(jwt));
      // authenticateJwt asks the server about a kid it does not know (it may be a key rotated in since the JWKS was
      // fetched); the server refuses it too.
      LatchkeyException viaApi = rejected(Reason.API_REJECTED,
          () -> backend.sessions().authenticateJwt(jwt, Duration.ofMinutes(5)));
      assertThat(viaApi.errorType()).isEqualTo("invalid_session_jwt");
    }
  }

  @Test
  void keysNamedInTheHeaderAreNeverTrusted() {
    // jku, x5u and an embedded jwk all point at the attacker's key; only the project's JWKS decides.
    String jwt = byAttacker(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(serverKey.kid()).type(JOSEObjectType.JWT)
        .jwkURL(URI.create("https://attacker.example/jwks.json"))
        .x509CertURL(URI.create("https://attacker.example/cert.pem"))
        .jwk(new RSAKey.Builder((RSAPublicKey) attacker.getPublic()).keyID(serverKey.kid()).build()).build());

    rejected(Reason.JWT_BAD_SIGNATURE, () -> backend.sessions().authenticateJwtLocal(jwt));
  }

  @Test
  void aStrippedSignatureIsMalformedNotAnAlgorithmProblem() {
    String[] parts = Fixture.jwt(server).split("\\.");

    rejected(Reason.JWT_MALFORMED, () -> backend.sessions().authenticateJwtLocal(parts[0] + "." + parts[1] + "."));
    rejected(Reason.JWT_MALFORMED, () -> backend.sessions().authenticateJwtLocal(parts[0] + "." + parts[1]));
  }

  @Test
  void aSignatureSwappedInFromAnotherGenuineJwtIsABadSignature() {
    String[] mine = Fixture.jwt(server).split("\\.");
    String[] other = Fixture.jwt(server).split("\\.");

    rejected(Reason.JWT_BAD_SIGNATURE, () -> backend.sessions().authenticateJwtLocal(
        mine[0] + "." + mine[1] + "." + other[2]));
  }

  @Test
  void aGenuineJwtOfAnotherProjectIsRefused() throws Exception {
    String foreign = Fixture.jwt(otherProject);
    JWSObject parsed = JWSObject.parse(foreign);
    String relabelled = new JWSHeader.Builder(parsed.getHeader()).keyID(serverKey.kid()).build().toBase64URL() + "."
        + parsed.getPayload().toBase64URL() + "." + parsed.getSignature();

    rejected(Reason.JWT_UNKNOWN_KEY, () -> backend.sessions().authenticateJwtLocal(foreign));
    rejected(Reason.JWT_BAD_SIGNATURE, () -> backend.sessions().authenticateJwtLocal(relabelled));
  }

  @Test
  void aHundredKilobyteJwtIsMalformedUnparsed() {
    String[] parts = Fixture.jwt(server).split("\\.");
    String jwt = parts[0] + "." + Fixture.b64("{\"pad\":\"" + "x".repeat(100 * 1024) + "\"}") + "." + parts[2];

    rejected(Reason.JWT_MALFORMED, () -> backend.sessions().authenticateJwtLocal(jwt));
    rejected(Reason.JWT_MALFORMED, () -> backend.sessions().authenticateJwt(jwt, Duration.ofMinutes(5)));
  }

  @Test
  void sessionTokensThatAreTruncatedExtendedForeignOrRevokedAreRejectedByTheApi() {
    JsonNode mine = Fixture.signUp(server);
    String token = mine.path("session_token").asText();
    String foreign = Fixture.signUp(otherProject).path("session_token").asText();
    JsonNode revoked = Fixture.signUp(server);
    backend.sessions().revoke(new dev.latchkey.model.SessionRevokeRequest(null,
        revoked.path("session_token").asText(), null));

    for (String bad : List.of(token.substring(0, 43), token + "A", foreign, revoked.path("session_token").asText())) {
      LatchkeyException e = rejected(Reason.API_REJECTED, () -> backend.sessions().authenticateToken(bad));
      assertThat(e.statusCode()).isEqualTo(404);
      assertThat(e.errorType()).isEqualTo("session_not_found");
    }
    assertThat(backend.sessions().authenticateToken(token).session().sessionId())
        .isEqualTo(mine.path("session").path("session_id").asText());
  }
}
