package dev.latchkey.server.api;

import static dev.latchkey.server.api.Wire.assertError;
import static dev.latchkey.server.api.Wire.authenticateJwt;
import static dev.latchkey.server.api.Wire.authenticateToken;
import static dev.latchkey.server.api.Wire.payload;
import static dev.latchkey.server.api.Wire.signUp;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.ApiClient.Reply;
import dev.latchkey.server.testing.TestServer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Forged and foreign credentials the other suites do not already cover (see docs/security-tests-hostile.md for the
 * full map): a {@code kid} that injects a path or a URL, a {@code jku} pointing at the attacker's key set, stripped
 * and swapped signatures, a JWT and a session token of another project (a second real server), a 100 KB JWT, and a
 * revoked session's token and JWT. Each is refused with its documented error type and leaves the victim's session
 * working.
 */
class ForgedCredentialsTest {
  private static TestServer server;
  private static TestServer otherProject;
  private static ApiClient api;
  private static Reply victim;
  private static RSAKey attacker;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start();
    otherProject = TestServer.start();
    api = server.api();
    victim = signUp(api, 60);
    attacker = new RSAKeyGenerator(2048).keyID("attacker").generate();
  }

  @AfterAll
  static void stop() {
    server.close();
    otherProject.close();
  }

  private static String kidOfVictim() {
    return Wire.header(victim.text("session_jwt")).path("kid").asText();
  }

  /** The victim's genuine claims under {@code header}, signed with the attacker's key. */
  private static String signedByAttacker(JWSHeader header) throws Exception {
    JWSObject jws = new JWSObject(header, new Payload(Wire.write(payload(victim.text("session_jwt")))));
    jws.sign(new RSASSASigner(attacker));
    return jws.serialize();
  }

  private static void assertVictimUnharmed() {
    assertThat(authenticateToken(api, victim.text("session_token")).status()).isEqualTo(200);
  }

  @ParameterizedTest
  @ValueSource(strings = {"../../../../etc/passwd", "..%2F..%2Fkeys", "https://attacker.example/jwks.json",
      "file:///etc/passwd", "jwk-test-x/../../v1/sessions/jwks/x", "' OR '1'='1", "\u0000", ""})
  void aKidThatInjectsAPathOrAUrlIsRejected(String kid) throws Exception {
    String jwt = signedByAttacker(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid).type(JOSEObjectType.JWT)
        .build());

    assertError(authenticateJwt(api, jwt), 401, "invalid_session_jwt");
    assertVictimUnharmed();
  }

  @Test
  void aJkuOrX5uHeaderPointingAtTheAttackersKeysIsIgnored() throws Exception {
    // Keys come only from this project's key ring: header-supplied key locations are never fetched or trusted.
    String jwt = signedByAttacker(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kidOfVictim())
        .type(JOSEObjectType.JWT).jwkURL(URI.create("https://attacker.example/jwks.json"))
        .x509CertURL(URI.create("https://attacker.example/cert.pem")).jwk(attacker.toPublicJWK()).build());

    assertError(authenticateJwt(api, jwt), 401, "invalid_session_jwt");
    assertVictimUnharmed();
  }

  @Test
  void aStrippedSignatureIsRejected() {
    String[] parts = victim.text("session_jwt").split("\\.");

    assertError(authenticateJwt(api, parts[0] + "." + parts[1] + "."), 400, "unable_to_parse_session_jwt");
    assertError(authenticateJwt(api, parts[0] + "." + parts[1]), 400, "unable_to_parse_session_jwt");
  }

  @Test
  void aSignatureSwappedInFromAnotherGenuineJwtIsRejected() {
    String[] mine = victim.text("session_jwt").split("\\.");
    String[] other = signUp(api, 60).text("session_jwt").split("\\.");

    assertError(authenticateJwt(api, mine[0] + "." + mine[1] + "." + other[2]), 401, "invalid_session_jwt");
    assertError(authenticateJwt(api, other[0] + "." + mine[1] + "." + other[2]), 401, "invalid_session_jwt");
  }

  @Test
  void aGenuineJwtOfAnotherProjectIsRejected() {
    String foreign = signUp(otherProject.api(), 60).text("session_jwt");

    assertError(authenticateJwt(api, foreign), 401, "invalid_session_jwt");
  }

  @Test
  void aJwtOfAnotherProjectWithThisProjectsKidIsRejected() throws Exception {
    // Same kid string as ours, signed by the other project's genuine key: the kid alone must not select trust.
    JWSObject foreign = JWSObject.parse(signUp(otherProject.api(), 60).text("session_jwt"));
    String relabelled = new JWSHeader.Builder(foreign.getHeader()).keyID(kidOfVictim()).build().toBase64URL() + "."
        + foreign.getPayload().toBase64URL() + "." + foreign.getSignature();

    assertError(authenticateJwt(api, relabelled), 401, "invalid_session_jwt");
  }

  @Test
  void aSessionTokenOfAnotherProjectIsNotFound() {
    String foreign = signUp(otherProject.api(), 60).text("session_token");

    assertError(authenticateToken(api, foreign), 404, "session_not_found");
    assertError(new ApiClient(server.baseUrl(), server.publicToken, foreign).post("/sdk/v1/sessions/authenticate",
        "{}"), 404, "session_not_found");
  }

  @Test
  void aHundredKilobyteJwtIsRefusedUnparsed() {
    String[] parts = victim.text("session_jwt").split("\\.");
    String padded = Base64URL.encode(("{\"pad\":\"" + "x".repeat(100 * 1024) + "\"}")
        .getBytes(StandardCharsets.UTF_8)).toString();

    assertError(authenticateJwt(api, parts[0] + "." + padded + "." + parts[2]), 400, "unable_to_parse_session_jwt");
    assertError(api.post("/v1/sessions/revoke", Wire.body("session_jwt", parts[0] + "." + padded + "." + parts[2])),
        400, "unable_to_parse_session_jwt");
    assertVictimUnharmed();
  }

  @Test
  void aRevokedSessionsTokenAndJwtAreNotFoundEverywhere() {
    Reply revoked = signUp(api, 60);
    assertThat(api.post("/v1/sessions/revoke", Wire.body("session_token", revoked.text("session_token"))).status())
        .isEqualTo(200);

    assertError(authenticateToken(api, revoked.text("session_token")), 404, "session_not_found");
    assertError(authenticateJwt(api, revoked.text("session_jwt")), 404, "session_not_found");
    assertError(new ApiClient(server.baseUrl(), server.publicToken, revoked.text("session_token"))
        .get("/sdk/v1/users/me"), 404, "session_not_found");
  }

  @Test
  void aTruncatedOrExtendedSessionTokenOnTheSdkIsRefused() {
    String token = victim.text("session_token");
    // Not the shape of a token: refused before any lookup. The right shape but another value: no such session.
    for (String bad : List.of(token.substring(0, 43), token + "A", token + token)) {
      assertError(new ApiClient(server.baseUrl(), server.publicToken, bad).get("/sdk/v1/users/me"), 401,
          "invalid_secret_authentication");
    }
    assertError(new ApiClient(server.baseUrl(), server.publicToken, token.substring(1) + "A")
        .get("/sdk/v1/users/me"), 404, "session_not_found");
    assertVictimUnharmed();
  }

  @Test
  void theProjectSecretOfAnotherProjectIsUnauthorized() {
    Reply r = new ApiClient(server.baseUrl(), otherProject.projectId, otherProject.secret).get("/v1/sessions?user_id="
        + victim.text("user_id"));

    assertError(r, 401, "unauthorized_credentials");
  }

  /**
   * The server remembers the last Authorization header that passed, to skip decoding and hashing on the next
   * identical one: a header that differs anywhere (one character of the secret, the project id, the scheme's case,
   * extra characters) still gets the full check, before and after a good one.
   */
  @Test
  void aHeaderThatDiffersFromTheAcceptedOneInAnyCharacterIsStillUnauthorized() {
    String good = ApiClient.basic(server.projectId, server.secret);
    String path = "/v1/sessions?user_id=" + victim.text("user_id");
    String lastChar = server.secret.substring(server.secret.length() - 1);
    List<String> forged = List.of(
        ApiClient.basic(server.projectId, server.secret.substring(0, server.secret.length() - 1)
            + (lastChar.equals("x") ? "y" : "x")),
        ApiClient.basic(server.projectId, server.secret + "x"),
        ApiClient.basic(otherProject.projectId, server.secret),
        ApiClient.basic(server.projectId, ""),
        good + "x",
        good.substring(0, good.length() - 1));
    for (int round = 0; round < 2; round++) {
      assertThat(api.send("GET", path, null, java.util.Map.of("Authorization", good)).status())
          .as("the genuine header, round %d", round).isEqualTo(200);
      for (String header : forged) {
        assertError(api.send("GET", path, null, java.util.Map.of("Authorization", header)), 401,
            "unauthorized_credentials");
      }
    }
    assertThat(api.send("GET", path, null, java.util.Map.of("Authorization", "basic " + good.substring(6))).status())
        .as("the scheme is case-insensitive, as before").isEqualTo(200);
  }
}
