package dev.latchkey.server.api;

import static dev.latchkey.server.api.Wire.assertError;
import static dev.latchkey.server.api.Wire.authenticateToken;
import static dev.latchkey.server.api.Wire.header;
import static dev.latchkey.server.api.Wire.payload;
import static dev.latchkey.server.api.Wire.signUp;
import static dev.latchkey.server.api.Wire.tree;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.ApiClient.Reply;
import dev.latchkey.server.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Session JWTs as a standard verifier sees them, checked against the JWKS the server publishes. */
class SessionJwtTest {
  private TestServer server;
  private ApiClient api;

  @BeforeEach
  void startServer() {
    // Real time: Nimbus checks exp and nbf against the system clock.
    server = TestServer.start();
    api = server.api();
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  /** The served JWKS, as JSON and as a Nimbus key set built from its {@code keys} array. */
  static JWKSet jwks(TestServer server) throws Exception {
    Reply r = server.anonymous().get("/v1/sessions/jwks/" + server.projectId);
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    return JWKSet.parse("{\"keys\":" + r.json().path("keys") + "}");
  }

  /** A Nimbus processor pinned to RS256, typ JWT, this issuer and audience, requiring the registered times. */
  static DefaultJWTProcessor<SecurityContext> verifier(TestServer server, JWKSet keys) {
    DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
    p.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT));
    p.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, new ImmutableJWKSet<>(keys)));
    p.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(server.projectId,
        new JWTClaimsSet.Builder().issuer("stytch.com/" + server.projectId).build(),
        Set.of("iss", "aud", "sub", "exp", "nbf", "iat", "https://stytch.com/session")));
    return p;
  }

  @Test
  void theJwksIsServedWithoutCredentialsWithStytchsCacheControl() {
    Reply r = server.anonymous().get("/v1/sessions/jwks/" + server.projectId);

    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.header("Cache-Control")).isEqualTo("public, max-age=900");
    assertThat(r.header("Content-Type")).startsWith("application/json");
    assertThat(r.json().path("status_code").asInt()).isEqualTo(200);
    assertThat(r.text("request_id")).startsWith("request-id-test-");
    assertThat(r.json().path("keys").size()).isEqualTo(1);
  }

  @Test
  void everyKeyHasStytchsFieldsAndACertificateThatCarriesItsPublicKey() throws Exception {
    Reply r = server.anonymous().get("/v1/sessions/jwks/" + server.projectId);

    for (JsonNode key : r.json().path("keys")) {
      assertThat(key.path("kty").asText()).isEqualTo("RSA");
      assertThat(key.path("use").asText()).isEqualTo("sig");
      assertThat(key.path("key_ops")).isEqualTo(tree("[\"verify\"]"));
      assertThat(key.path("alg").asText()).isEqualTo("RS256");
      assertThat(key.path("kid").asText()).startsWith("jwk-test-");
      assertThat(key.path("x5c").isArray()).isTrue();
      assertThat(key.path("x5c").size()).isEqualTo(1);
      assertThat(key.path("n").asText()).isNotEmpty();
      assertThat(key.path("e").asText()).isEqualTo("AQAB");

      byte[] der = Base64.getDecoder().decode(key.path("x5c").path(0).asText());
      X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(der));
      RSAPublicKey fromJwk = RSAKey.parse(key.toString()).toRSAPublicKey();
      RSAPublicKey fromCert = (RSAPublicKey) cert.getPublicKey();
      assertThat(fromCert.getModulus()).isEqualTo(fromJwk.getModulus());
      assertThat(fromCert.getPublicExponent()).isEqualTo(fromJwk.getPublicExponent());
      assertThat(fromJwk.getModulus().bitLength()).isGreaterThanOrEqualTo(2048);
      assertThat(key.path("x5tS256").asText()).isEqualTo(Base64.getUrlEncoder().withoutPadding()
          .encodeToString(MessageDigest.getInstance("SHA-256").digest(der)));
    }
  }

  @Test
  void anUnknownProjectIdInTheJwksPathIsNotFound() {
    assertError(server.anonymous().get("/v1/sessions/jwks/project-test-" + UUID.randomUUID()), 404,
        "project_not_found");
  }

  @Test
  void aStandardVerifierAcceptsTheJwtAgainstTheServedJwks() throws Exception {
    Reply created = signUp(api, 60);
    String jwt = created.text("session_jwt");

    JWTClaimsSet claims = verifier(server, jwks(server)).process(jwt, null);

    assertThat(claims.getSubject()).isEqualTo(created.text("user_id"));
    assertThat(claims.getIssuer()).isEqualTo("stytch.com/" + server.projectId);
    assertThat(claims.getAudience()).isEqualTo(List.of(server.projectId));
  }

  @Test
  void theJwtFromAuthenticateAlsoVerifies() throws Exception {
    String token = signUp(api, 60).text("session_token");
    Reply r = authenticateToken(api, token);

    JWTClaimsSet claims = verifier(server, jwks(server)).process(r.text("session_jwt"), null);

    assertThat(claims.getJSONObjectClaim("https://stytch.com/session").get("id"))
        .isEqualTo(r.json().path("session").path("session_id").asText());
  }

  @Test
  void theHeaderIsRs256WithTypJwtAndAKidFromTheJwks() throws Exception {
    String jwt = signUp(api, 60).text("session_jwt");
    JsonNode header = header(jwt);

    assertThat(header.path("alg").asText()).isEqualTo("RS256");
    assertThat(header.path("typ").asText()).isEqualTo("JWT");
    List<String> kids = new ArrayList<>();
    jwks(server).getKeys().forEach(k -> kids.add(k.getKeyID()));
    assertThat(kids).contains(header.path("kid").asText());
    assertThat(SignedJWT.parse(jwt).getHeader().getKeyID()).isEqualTo(header.path("kid").asText());
  }

  @Test
  void theRegisteredClaimsFollowStytch() {
    Reply created = signUp(api, 60);
    JsonNode p = payload(created.text("session_jwt"));

    assertThat(p.path("iss").asText()).isEqualTo("stytch.com/" + server.projectId);
    assertThat(p.path("aud").isArray()).as("aud must be a JSON array: " + p).isTrue();
    assertThat(p.path("aud")).isEqualTo(tree("[\"" + server.projectId + "\"]"));
    assertThat(p.path("sub").asText()).isEqualTo(created.text("user_id"));
    assertThat(p.path("iat").isIntegralNumber()).isTrue();
    assertThat(p.path("nbf").asLong()).isEqualTo(p.path("iat").asLong());
    assertThat(p.path("exp").asLong()).isEqualTo(p.path("iat").asLong() + 300);
    assertThat(p.has("jti")).isFalse();
  }

  @Test
  void theStytchSessionClaimDescribesTheSession() {
    Reply created = signUp(api, 90);
    JsonNode session = created.json().path("session");

    JsonNode claim = payload(created.text("session_jwt")).path("https://stytch.com/session");

    assertThat(claim.path("id").asText()).isEqualTo(session.path("session_id").asText());
    assertThat(instant(claim, "started_at")).isEqualTo(instant(session, "started_at"));
    assertThat(instant(claim, "last_accessed_at")).isEqualTo(instant(session, "last_accessed_at"));
    assertThat(instant(claim, "expires_at")).isEqualTo(instant(session, "expires_at"));
    assertThat(instant(claim, "expires_at")).isEqualTo(instant(session, "started_at").plusSeconds(90 * 60));
    assertThat(claim.path("attributes").has("ip_address")).isTrue();
    assertThat(claim.path("attributes").has("user_agent")).isTrue();
    assertThat(claim.path("authentication_factors").size()).isEqualTo(1);
    JsonNode factor = claim.path("authentication_factors").path(0);
    assertThat(factor.path("type").asText()).isEqualTo("password");
    assertThat(factor.path("delivery_method").asText()).isEqualTo("knowledge");
    assertThat(instant(factor, "last_authenticated_at")).isEqualTo(instant(
        session.path("authentication_factors").path(0), "last_authenticated_at"));
    assertThat(claim.path("roles")).isEqualTo(tree("[\"stytch_user\"]"));
  }

  @Test
  void customClaimsAreTopLevelClaimsTheVerifierReturns() throws Exception {
    String token = signUp(api, 60).text("session_token");
    Reply r = authenticateToken(api, token, "session_custom_claims",
        Map.of("team", "blue", "org", Map.of("id", "o1")));

    JWTClaimsSet claims = verifier(server, jwks(server)).process(r.text("session_jwt"), null);

    assertThat(claims.getStringClaim("team")).isEqualTo("blue");
    assertThat(claims.getJSONObjectClaim("org")).isEqualTo(Map.of("id", "o1"));
    assertThat(claims.getJSONObjectClaim("https://stytch.com/session")).doesNotContainKeys("team", "org");
  }

  private static Instant instant(JsonNode node, String field) {
    return Instant.parse(node.path(field).asText());
  }
}
