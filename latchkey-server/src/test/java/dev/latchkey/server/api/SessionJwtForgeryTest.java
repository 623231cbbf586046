package dev.latchkey.server.api;

import dev.latchkey.server.store.jdbc.JdbcStores;

import static dev.latchkey.server.api.Wire.assertError;
import static dev.latchkey.server.api.Wire.authenticateJwt;
import static dev.latchkey.server.api.Wire.payload;
import static dev.latchkey.server.api.Wire.signUp;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import dev.latchkey.server.store.KeyRecord;
import dev.latchkey.server.store.Stores;
import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.ApiClient.Reply;
import dev.latchkey.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * JWTs signed with the project's real key (read from the unencrypted test database) but saying the wrong thing:
 * the signature alone must not be enough. Also algorithm confusion and unsigned tokens.
 */
class SessionJwtForgeryTest {
  private TestServer server;
  private ApiClient api;
  private Reply created;
  private String kid;
  private PrivateKey realKey;

  @BeforeEach
  void startServer() throws Exception {
    server = TestServer.start();
    api = server.api();
    created = signUp(api, 60);
    try (Stores stores = JdbcStores.open("jdbc:sqlite:" + server.dataDir().resolve("latchkey.db"),
        Duration.ofSeconds(10))) {
      KeyRecord k = stores.keys().all().get(0);
      kid = k.kid();
      realKey = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder()
          .decode(k.privateKey())));
    }
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  /** The genuine payload, changed by {@code edit}, signed RS256 with the real key and {@code header}. */
  private String resigned(JWSHeader header, Consumer<ObjectNode> edit) throws Exception {
    ObjectNode p = payload(created.text("session_jwt"));
    edit.accept(p);
    JWSObject jws = new JWSObject(header, new Payload(Wire.write(p)));
    jws.sign(new RSASSASigner(realKey));
    return jws.serialize();
  }

  private String resigned(Consumer<ObjectNode> edit) throws Exception {
    return resigned(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid).type(JOSEObjectType.JWT).build(), edit);
  }

  @Test
  void theUnchangedPayloadResignedIsAcceptedSoTheOtherTestsIsolateOneChange() throws Exception {
    Reply r = authenticateJwt(api, resigned(p -> { }));

    assertThat(r.status()).as(r.text()).isEqualTo(200);
  }

  @Test
  void anotherIssuerIsRejected() throws Exception {
    assertError(authenticateJwt(api, resigned(p -> p.put("iss", "stytch.com/project-test-" + UUID.randomUUID()))),
        401, "invalid_session_jwt");
  }

  @Test
  void anotherAudienceIsRejected() throws Exception {
    assertError(authenticateJwt(api, resigned(p -> p.putArray("aud").add("project-test-" + UUID.randomUUID()))),
        401, "invalid_session_jwt");
  }

  @Test
  void aMissingStytchSessionClaimIsRejected() throws Exception {
    assertError(authenticateJwt(api, resigned(p -> p.remove("https://stytch.com/session"))), 401,
        "invalid_session_jwt");
  }

  @Test
  void aSubjectThatDoesNotOwnTheSessionFindsNoSession() throws Exception {
    assertError(authenticateJwt(api, resigned(p -> p.put("sub", "user-test-" + UUID.randomUUID()))), 404,
        "session_not_found");
  }

  @Test
  void aMissingTypIsRejected() throws Exception {
    assertError(authenticateJwt(api, resigned(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid).build(),
        p -> { })), 401, "invalid_session_jwt");
  }

  @Test
  void anUnknownKidIsRejected() throws Exception {
    assertError(authenticateJwt(api, resigned(new JWSHeader.Builder(JWSAlgorithm.RS256)
        .keyID("jwk-test-" + UUID.randomUUID()).type(JOSEObjectType.JWT).build(), p -> { })), 401,
        "invalid_session_jwt");
  }

  @Test
  void hs256KeyedWithThePublicJwksIsRejected() throws Exception {
    // Algorithm confusion: an HMAC "signature" keyed with public material must never verify.
    String jwks = server.anonymous().get("/v1/sessions/jwks/" + server.projectId).text();
    JWSObject jws = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(kid).type(JOSEObjectType.JWT)
        .build(), new Payload(Wire.write(payload(created.text("session_jwt")))));
    jws.sign(new MACSigner(jwks.getBytes(StandardCharsets.UTF_8)));

    assertError(authenticateJwt(api, jws.serialize()), 401, "invalid_session_jwt");
  }

  @Test
  void anUnsignedJwtIsRefused() {
    String header = Base64.getUrlEncoder().withoutPadding().encodeToString(
        "{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    String body = created.text("session_jwt").split("\\.")[1];

    assertError(authenticateJwt(api, header + "." + body + "."), 400, "unable_to_parse_session_jwt");
  }

  @Test
  void revokingWithAForgedJwtRevokesNothing() throws Exception {
    String forged = resigned(p -> p.put("iss", "stytch.com/project-test-" + UUID.randomUUID()));

    assertError(api.post("/v1/sessions/revoke", Wire.body("session_jwt", forged)), 401, "invalid_session_jwt");
    assertThat(Wire.authenticateToken(api, created.text("session_token")).status()).isEqualTo(200);
  }
}
