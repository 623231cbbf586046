package dev.latchkey.backend;

import static dev.latchkey.backend.Failures.rejected;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.MACSigner;
import dev.latchkey.backend.LatchkeyException.Reason;
import dev.latchkey.server.keys.SigningKey;
import dev.latchkey.server.testing.MutableClock;
import dev.latchkey.server.testing.TestServer;
import java.security.interfaces.RSAPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Local verification against a real server's JWTs and key set. Forged JWTs are signed with the server's own key
 * (read from its database) so that each one fails for exactly the one reason under test.
 */
class LocalVerificationTest {
  private static TestServer server;
  private static SigningKey serverKey;
  private MutableClock clock;
  private LatchkeyBackend backend;

  @BeforeAll
  static void startServer() {
    server = TestServer.start();
    serverKey = Fixture.serverKey(server);
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @BeforeEach
  void newBackend() {
    clock = new MutableClock();
    backend = Fixture.backend(server, clock);
  }

  @AfterEach
  void closeBackend() {
    backend.close();
  }

  /**
   * A real JWT from the server; our clock is then set to its {@code iat} (the server runs on the system clock). Not
   * to "now": {@code iat} is in whole seconds, and the server may return a JWT it minted earlier (JWT reuse), so the
   * token's own issue time is the only exact reference for the age checks below.
   */
  private String serverJwt() {
    String jwt = Fixture.jwt(server);
    try {
      clock.set(com.nimbusds.jwt.SignedJWT.parse(jwt).getJWTClaimsSet().getIssueTime().toInstant());
    } catch (java.text.ParseException e) {
      throw new AssertionError("the server's JWT does not parse", e);
    }
    return jwt;
  }

  private long now() {
    return clock.instant().getEpochSecond();
  }

  private String forged(Map<String, Object> claims) {
    return Fixture.sign(serverKey.privateKey(), serverKey.kid(), claims);
  }

  @Test
  void aGoodJwtIsAcceptedWithItsSessionFactorsRolesAndCustomClaims() {
    JsonNode signedUp = Fixture.signUp(server, "{\"plan\":\"pro\",\"org\":{\"id\":7}}");
    clock.set(Instant.now());

    VerifiedSession s = backend.sessions().authenticateJwtLocal(signedUp.path("session_jwt").asText());

    assertThat(s.source()).isEqualTo(VerifiedSession.Source.LOCAL);
    assertThat(s.sessionId()).isEqualTo(signedUp.path("session").path("session_id").asText());
    assertThat(s.userId()).isEqualTo(signedUp.path("user_id").asText());
    assertThat(s.session().expiresAt()).isEqualTo(Instant.parse(signedUp.path("session").path("expires_at").asText()));
    assertThat(s.authenticationFactors()).extracting(f -> f.type() + "/" + f.deliveryMethod())
        .containsExactly("password/knowledge");
    assertThat(s.roles()).containsExactly("stytch_user");
    assertThat(s.customClaims()).isEqualTo(Map.of("plan", "pro", "org", Map.of("id", 7L)));
    assertThat(Duration.between(s.jwtIssuedAt(), s.jwtExpiresAt())).isEqualTo(Duration.ofMinutes(5));
    assertThat(s.jwt()).isEqualTo(signedUp.path("session_jwt").asText());
    assertThat(s.toString()).doesNotContain(s.jwt());
  }

  @Test
  void aForgedJwtWithEveryClaimRightAndTheServersKeyIsAccepted() {
    // The control for every forged JWT below: only the edited claim makes them fail.
    Map<String, Object> claims = Fixture.claims(server, now());
    claims.put("tier", "gold");

    VerifiedSession s = backend.sessions().authenticateJwtLocal(forged(claims));

    assertThat(s.userId()).isEqualTo(claims.get("sub"));
    assertThat(s.customClaims()).isEqualTo(Map.of("tier", "gold"));
  }

  @Test
  void anExpiredJwtIsRejectedAsExpired() {
    String jwt = serverJwt();
    clock.advance(Duration.ofMinutes(5).plusSeconds(1));

    rejected(Reason.JWT_EXPIRED, () -> backend.sessions().authenticateJwtLocal(jwt));
  }

  @Test
  void leewayAcceptsAJwtThatExpiredWithinIt() {
    String jwt = serverJwt();
    LatchkeyBackend lenient = backend.newBuilder().leeway(Duration.ofSeconds(30)).build();
    clock.advance(Duration.ofMinutes(5).plusSeconds(20));

    assertThat(lenient.sessions().authenticateJwtLocal(jwt).jwt()).isEqualTo(jwt);

    clock.advance(Duration.ofSeconds(11));
    rejected(Reason.JWT_EXPIRED, () -> lenient.sessions().authenticateJwtLocal(jwt));
  }

  @Test
  void aJwtWhoseNotBeforeIsAheadOfOurClockIsNotYetValid() {
    String jwt = serverJwt();
    clock.advance(Duration.ofSeconds(-60));

    rejected(Reason.JWT_NOT_YET_VALID, () -> backend.sessions().authenticateJwtLocal(jwt));
    LatchkeyBackend lenient = backend.newBuilder().leeway(Duration.ofMinutes(2)).build();
    assertThat(lenient.sessions().authenticateJwtLocal(jwt).jwt()).isEqualTo(jwt);
  }

  @Test
  void aJwtForAnotherAudienceIsRejected() {
    Map<String, Object> claims = Fixture.claims(server, now());
    claims.put("aud", List.of("project-test-00000000-0000-0000-0000-000000000000"));

    rejected(Reason.JWT_WRONG_AUDIENCE, () -> backend.sessions().authenticateJwtLocal(forged(claims)));
  }

  @Test
  void anAudienceGivenAsOneStringRatherThanAnArrayIsAccepted() {
    // RFC 7519 4.1.3: aud may be a single string; Latchkey mints an array, other issuers may not.
    Map<String, Object> claims = Fixture.claims(server, now());
    claims.put("aud", server.projectId);

    assertThat(backend.sessions().authenticateJwtLocal(forged(claims)).userId()).isEqualTo(claims.get("sub"));
  }

  @Test
  void aPayloadNamingAClaimTwiceIsRejectedRatherThanReadOneWay() throws JOSEException {
    // Parsers disagree on which duplicate wins; a signed token that two readers read differently is refused.
    Map<String, Object> claims = Fixture.claims(server, now());
    String json = com.nimbusds.jose.util.JSONObjectUtils.toJSONString(claims);
    String twice = json.substring(0, json.length() - 1) + ",\"sub\":\"user-test-someone-else\"}";
    JWSObject jws = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(serverKey.kid())
        .type(JOSEObjectType.JWT).build(), new Payload(twice));
    jws.sign(new com.nimbusds.jose.crypto.RSASSASigner(serverKey.privateKey()));

    rejected(Reason.JWT_MALFORMED, () -> backend.sessions().authenticateJwtLocal(jws.serialize()));
  }

  @Test
  void aJwtFromAnotherIssuerIsRejected() {
    Map<String, Object> claims = Fixture.claims(server, now());
    claims.put("iss", "stytch.com/project-test-00000000-0000-0000-0000-000000000000");

    rejected(Reason.JWT_WRONG_ISSUER, () -> backend.sessions().authenticateJwtLocal(forged(claims)));
  }

  @Test
  void aJwtWithoutSubjectOrSessionClaimOrExpiryIsRejectedAsMissingAClaim() {
    for (String claim : List.of("sub", "https://stytch.com/session", "exp", "iat")) {
      Map<String, Object> claims = Fixture.claims(server, now());
      claims.remove(claim);

      rejected(Reason.JWT_MISSING_CLAIM, () -> backend.sessions().authenticateJwtLocal(forged(claims)));
    }
  }

  @Test
  void aJwtWhoseSessionHasEndedIsRejectedAsExpiredEvenBeforeItsExp() {
    Map<String, Object> claims = Fixture.claims(server, now());
    @SuppressWarnings("unchecked")
    Map<String, Object> session = (Map<String, Object>) claims.get("https://stytch.com/session");
    session.put("expires_at", clock.instant().minusSeconds(1).toString());

    rejected(Reason.JWT_EXPIRED, () -> backend.sessions().authenticateJwtLocal(forged(claims)));
  }

  @Test
  void aJwtWithoutTypJwtIsRejectedAsMalformed() {
    JWSHeader noTyp = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(serverKey.kid()).build();
    String jwt = Fixture.sign(serverKey.privateKey(), noTyp, Fixture.claims(server, now()));

    rejected(Reason.JWT_MALFORMED, () -> backend.sessions().authenticateJwtLocal(jwt));
  }

  @Test
  void aJwtWithAnEditedPayloadHasABadSignature() {
    String[] parts = serverJwt().split("\\.");
    String payload = Fixture.decode(parts[1]).replaceFirst("\"sub\":\"[^\"]+\"", "\"sub\":\"user-test-someone-else\"");

    rejected(Reason.JWT_BAD_SIGNATURE, () -> backend.sessions().authenticateJwtLocal(
        parts[0] + "." + Fixture.b64(payload) + "." + parts[2]));
  }

  @Test
  void aJwtSignedWithAnotherKeyUnderTheServersKidHasABadSignature() {
    String jwt = Fixture.sign((RSAPrivateKey) Fixture.ownKeys().getPrivate(), serverKey.kid(),
        Fixture.claims(server, now()));

    rejected(Reason.JWT_BAD_SIGNATURE, () -> backend.sessions().authenticateJwtLocal(jwt));
  }

  @Test
  void anUnsignedJwtWithAlgNoneIsRejected() {
    String[] parts = serverJwt().split("\\.");
    String header = Fixture.b64("{\"alg\":\"none\",\"kid\":\"" + serverKey.kid() + "\",\"typ\":\"JWT\"}");

    rejected(Reason.JWT_UNSUPPORTED_ALGORITHM, () -> backend.sessions().authenticateJwtLocal(
        header + "." + parts[1] + "."));
    rejected(Reason.JWT_UNSUPPORTED_ALGORITHM, () -> backend.sessions().authenticateJwtLocal(
        header + "." + parts[1] + "." + parts[2]));
  }

  @Test
  void aJwtMacedWithTheServersPublicKeyAsHs256SecretIsRejected() throws JOSEException {
    // The classic key-confusion attack: the public key is public, so an HMAC with it proves nothing.
    JWSObject jws = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(serverKey.kid())
        .type(JOSEObjectType.JWT).build(), new Payload(Fixture.claims(server, now())));
    jws.sign(new MACSigner(serverKey.publicKey().getEncoded()));

    rejected(Reason.JWT_UNSUPPORTED_ALGORITHM, () -> backend.sessions().authenticateJwtLocal(jws.serialize()));
  }

  @Test
  void aJwtNamingAKeyTheServerDoesNotHaveIsRejectedAsUnknownKey() {
    String jwt = Fixture.sign((RSAPrivateKey) Fixture.ownKeys().getPrivate(), "jwk-test-forged",
        Fixture.claims(server, now()));

    rejected(Reason.JWT_UNKNOWN_KEY, () -> backend.sessions().authenticateJwtLocal(jwt));
  }

  @Test
  void textThatIsNoJwtIsRejectedAsMalformed() {
    for (String notJwt : List.of("", "abc", "a.b", "a.b.c", "x".repeat(20_000) + ".a.b")) {
      rejected(Reason.JWT_MALFORMED, () -> backend.sessions().authenticateJwtLocal(notJwt));
    }
    rejected(Reason.JWT_MALFORMED, () -> backend.sessions().authenticateJwtLocal(null));
  }

  @Test
  void aJwtAtLeastMaxTokenAgeOldIsTooOld() {
    String jwt = serverJwt();
    clock.advance(Duration.ofSeconds(59));
    assertThat(backend.sessions().authenticateJwtLocal(jwt, Duration.ofSeconds(60)).jwt()).isEqualTo(jwt);

    clock.advance(Duration.ofSeconds(1));
    rejected(Reason.JWT_TOO_OLD, () -> backend.sessions().authenticateJwtLocal(jwt, Duration.ofSeconds(60)));
    rejected(Reason.JWT_TOO_OLD, () -> backend.sessions().authenticateJwtLocal(jwt, Duration.ZERO));
  }

  @Test
  void aRevokedSessionsJwtStillVerifiesLocallyButNotWithTheApi() {
    JsonNode signedUp = Fixture.signUp(server);
    clock.set(Instant.now());
    String jwt = signedUp.path("session_jwt").asText();
    backend.sessions().revoke(new dev.latchkey.model.SessionRevokeRequest(
        signedUp.path("session").path("session_id").asText(), null, null));

    // Documented: a JWT is a 5-minute bearer credential; only the API knows about revocation.
    assertThat(backend.sessions().authenticateJwtLocal(jwt).jwt()).isEqualTo(jwt);
    LatchkeyException e = rejected(Reason.API_REJECTED,
        () -> backend.sessions().authenticateJwt(jwt, Duration.ZERO));
    assertThat(e.statusCode()).isEqualTo(404);
    assertThat(e.errorType()).isEqualTo("session_not_found");
    assertThat(e.requestId()).startsWith("request-id-test-");
  }
}
