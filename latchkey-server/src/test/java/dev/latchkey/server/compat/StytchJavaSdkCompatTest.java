package dev.latchkey.server.compat;

import static dev.latchkey.server.compat.SdkCalls.error;
import static dev.latchkey.server.compat.SdkCalls.get;
import static dev.latchkey.server.compat.SdkCalls.success;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import com.stytch.java.common.ErrorResponse;
import com.stytch.java.common.JWTAuthResponse;
import com.stytch.java.common.JWTErrorResponse;
import com.stytch.java.common.JWTResponse;
import com.stytch.java.common.JWTSessionResponse;
import com.stytch.java.common.OptionalClientConfig;
import com.stytch.java.common.StytchResult;
import com.stytch.java.consumer.StytchClient;
import com.stytch.java.consumer.models.sessions.AuthenticateRequest;
import com.stytch.java.consumer.models.sessions.AuthenticateResponse;
import com.stytch.java.consumer.models.sessions.GetJWKSRequest;
import com.stytch.java.consumer.models.sessions.GetJWKSResponse;
import com.stytch.java.consumer.models.sessions.GetRequest;
import com.stytch.java.consumer.models.sessions.GetResponse;
import com.stytch.java.consumer.models.sessions.JWK;
import com.stytch.java.consumer.models.sessions.RevokeRequest;
import com.stytch.java.consumer.models.sessions.RevokeResponse;
import com.stytch.java.consumer.models.sessions.Session;
import com.stytch.java.consumer.models.users.CreateRequest;
import com.stytch.java.consumer.models.users.CreateResponse;
import com.stytch.java.consumer.models.users.DeleteRequest;
import com.stytch.java.consumer.models.users.DeleteResponse;
import dev.latchkey.server.testing.MutableClock;
import dev.latchkey.server.testing.TestServer;
import dev.latchkey.server.testing.TotpCodes;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The official Stytch Java SDK ({@code com.stytch.java:sdk}) pointed at a real Latchkey server: every call it makes
 * must succeed and deserialize, and every error must map onto the SDK's own error type. A failure here means the
 * server disagrees with what Stytch's SDK expects, and the server is what gets fixed.
 */
class StytchJavaSdkCompatTest {
  /** Generous: a call is a few milliseconds; this bound only stops a broken server from hanging the build. */
  private static final String PASSWORD = "correct horse battery staple 8472";

  private static TestServer server;
  private static StytchClient stytch;

  @BeforeAll
  static void startServerAndClient() {
    server = TestServer.start();
    stytch = client(server);
  }

  @AfterAll
  static void stopServerAndClient() {
    stytch.close();
    server.close();
  }

  private static StytchClient client(TestServer s) {
    return new StytchClient(s.projectId, s.secret, new OptionalClientConfig(s.baseUrl()));
  }

  @Test
  void usersCreateGetUpdateAndDeleteDeserializeIntoTheSdkModels() {
    String email = uniqueEmail();
    CreateResponse created = success(stytch.getUsers().createCompletable(new CreateRequest(email)));
    assertThat(created.getStatusCode()).isEqualTo(200);
    assertThat(created.getUserId()).startsWith("user-test-");
    assertThat(created.getEmailId()).startsWith("email-test-");
    assertThat(created.getStatus()).isEqualTo("active");
    assertThat(created.getUser().getEmails()).singleElement()
        .satisfies(e -> assertThat(e.getEmail()).isEqualTo(email));

    com.stytch.java.consumer.models.users.GetResponse got = success(stytch.getUsers().getCompletable(
        new com.stytch.java.consumer.models.users.GetRequest(created.getUserId())));
    assertThat(got.getUserId()).isEqualTo(created.getUserId());
    assertThat(got.getEmails()).singleElement().satisfies(e -> {
      assertThat(e.getEmailId()).isEqualTo(created.getEmailId());
      assertThat(e.getEmail()).isEqualTo(email);
      assertThat(e.getVerified()).isFalse();
    });
    assertThat(got.getStatus()).isEqualTo("active");
    assertThat(got.getRoles()).containsExactly("stytch_user");
    assertThat(got.isLocked()).isFalse();
    assertThat(got.getCreatedAt()).isNotNull();
    assertThat(got.getPassword()).isNull();

    // The SDK sends user_id in the body and empty metadata maps; neither may wipe what is stored.
    com.stytch.java.consumer.models.users.UpdateResponse updated = success(stytch.getUsers().updateCompletable(
        new com.stytch.java.consumer.models.users.UpdateRequest(created.getUserId(),
            new com.stytch.java.consumer.models.users.Name("Ada", "", "Lovelace"), null, Map.of("tier", "gold"))));
    assertThat(updated.getUser().getName().getFirstName()).isEqualTo("Ada");
    assertThat(updated.getUser().getTrustedMetadata()).containsEntry("tier", "gold");
    com.stytch.java.consumer.models.users.UpdateResponse renamed = success(stytch.getUsers().updateCompletable(
        new com.stytch.java.consumer.models.users.UpdateRequest(created.getUserId(),
            new com.stytch.java.consumer.models.users.Name("Augusta"))));
    assertThat(renamed.getUser().getName().getFirstName()).isEqualTo("Augusta");
    assertThat(renamed.getUser().getTrustedMetadata()).containsEntry("tier", "gold");

    DeleteResponse deleted = success(stytch.getUsers().deleteCompletable(new DeleteRequest(created.getUserId())));
    assertThat(deleted.getUserId()).isEqualTo(created.getUserId());

    ErrorResponse gone = error(stytch.getUsers().getCompletable(
        new com.stytch.java.consumer.models.users.GetRequest(created.getUserId())));
    assertThat(gone.getStatusCode()).isEqualTo(404);
    assertThat(gone.getErrorType()).isEqualTo("user_not_found");
  }

  @Test
  void passwordsCreateAndAuthenticateStartSessionsThatTheSdkReads() {
    String email = uniqueEmail();
    com.stytch.java.consumer.models.passwords.CreateResponse created = success(stytch.getPasswords()
        .createCompletable(new com.stytch.java.consumer.models.passwords.CreateRequest(email, PASSWORD, 60)));
    assertThat(created.getUserId()).startsWith("user-test-");
    assertThat(created.getEmailId()).startsWith("email-test-");
    assertThat(created.getSessionToken()).hasSize(44);
    assertThat(created.getSessionJWT()).isNotEmpty();
    assertThat(created.getUser().getPassword()).isNotNull();
    assertThat(created.getSession()).isNotNull();
    assertThat(created.getSession().getAuthenticationFactors()).singleElement().satisfies(f -> {
      assertThat(f.getType().toString()).isEqualToIgnoringCase("password");
      assertThat(f.getDeliveryMethod().toString()).isEqualToIgnoringCase("knowledge");
    });

    com.stytch.java.consumer.models.passwords.AuthenticateResponse signedIn = success(stytch.getPasswords()
        .authenticateCompletable(new com.stytch.java.consumer.models.passwords.AuthenticateRequest(email, PASSWORD,
            null, 30)));
    assertThat(signedIn.getUserId()).isEqualTo(created.getUserId());
    assertThat(signedIn.getSessionToken()).hasSize(44).isNotEqualTo(created.getSessionToken());
    assertThat(signedIn.getSession()).isNotNull();
    assertThat(signedIn.getSession().getUserId()).isEqualTo(created.getUserId());

    com.stytch.java.consumer.models.passwords.AuthenticateResponse noSession = success(stytch.getPasswords()
        .authenticateCompletable(new com.stytch.java.consumer.models.passwords.AuthenticateRequest(email,
            PASSWORD)));
    assertThat(noSession.getSessionToken()).isEmpty();
    assertThat(noSession.getSessionJWT()).isEmpty();
    assertThat(noSession.getSession()).isNull();
  }

  @Test
  void aWrongPasswordIsAnSdkErrorResponseWithItsErrorType() {
    String email = uniqueEmail();
    success(stytch.getPasswords().createCompletable(
        new com.stytch.java.consumer.models.passwords.CreateRequest(email, PASSWORD)));

    ErrorResponse refused = error(stytch.getPasswords().authenticateCompletable(
        new com.stytch.java.consumer.models.passwords.AuthenticateRequest(email, PASSWORD + "!", null, 30)));
    assertThat(refused.getStatusCode()).isEqualTo(401);
    assertThat(refused.getErrorType()).isEqualTo("unauthorized_credentials");
    assertThat(refused.getErrorMessage()).isNotEmpty();
    assertThat(refused.getErrorUrl()).isEqualTo("https://stytch.com/docs/api/errors/401#unauthorized_credentials");
    assertThat(refused.getRequestId()).startsWith("request-id-test-");
  }

  @Test
  void aWrongProjectSecretIsAnSdkErrorResponseNotACriticalFailure() {
    try (StytchClient wrong = new StytchClient(server.projectId, server.secret + "x",
        new OptionalClientConfig(server.baseUrl()))) {
      ErrorResponse refused = error(wrong.getUsers().createCompletable(new CreateRequest(uniqueEmail())));
      assertThat(refused.getStatusCode()).isEqualTo(401);
      assertThat(refused.getErrorType()).isEqualTo("unauthorized_credentials");
    }
  }

  @Test
  void sessionsAuthenticateAcceptsTheTokenAndTheJwtAndMergesCustomClaims() {
    Signup s = signUp();

    AuthenticateResponse byToken = success(stytch.getSessions().authenticateCompletable(
        new AuthenticateRequest(s.token(), null, null, Map.of("plan", "pro"))));
    assertThat(byToken.getStatusCode()).isEqualTo(200);
    assertThat(byToken.getSessionToken()).isEqualTo(s.token());
    assertThat(byToken.getSession().getSessionId()).isEqualTo(s.sessionId());
    assertThat(byToken.getSession().getUserId()).isEqualTo(s.userId());
    assertThat(byToken.getSession().getRoles()).containsExactly("stytch_user");
    assertThat(byToken.getSession().getCustomClaims()).containsEntry("plan", "pro");
    assertThat(byToken.getSession().getExpiresAt()).isAfter(Instant.now());
    assertThat(byToken.getUser().getUserId()).isEqualTo(s.userId());

    AuthenticateResponse byJwt = success(stytch.getSessions().authenticateCompletable(
        new AuthenticateRequest(null, 30, byToken.getSessionJWT())));
    assertThat(byJwt.getSession().getSessionId()).isEqualTo(s.sessionId());
    assertThat(byJwt.getSessionJWT()).isNotEmpty();
    assertThat(byJwt.getSession().getCustomClaims()).containsEntry("plan", "pro");
  }

  @Test
  void sessionsGetListsTheUsersActiveSessions() {
    Signup s = signUp();
    success(stytch.getPasswords().authenticateCompletable(
        new com.stytch.java.consumer.models.passwords.AuthenticateRequest(s.email(), PASSWORD, null, 60)));

    GetResponse list = success(stytch.getSessions().getCompletable(new GetRequest(s.userId())));
    assertThat(list.getStatusCode()).isEqualTo(200);
    assertThat(list.getSessions()).hasSize(2).allSatisfy(session -> {
      assertThat(session.getUserId()).isEqualTo(s.userId());
      assertThat(session.getAuthenticationFactors()).isNotEmpty();
    });
    assertThat(list.getSessions()).extracting(Session::getSessionId).contains(s.sessionId());
  }

  @Test
  void aRevokedSessionIsSessionNotFoundForTheSdk() {
    Signup s = signUp();
    RevokeResponse revoked = success(stytch.getSessions().revokeCompletable(new RevokeRequest(null, s.token())));
    assertThat(revoked.getStatusCode()).isEqualTo(200);

    ErrorResponse gone = error(stytch.getSessions().authenticateCompletable(new AuthenticateRequest(s.token())));
    assertThat(gone.getStatusCode()).isEqualTo(404);
    assertThat(gone.getErrorType()).isEqualTo("session_not_found");

    Signup other = signUp();
    success(stytch.getSessions().revokeCompletable(new RevokeRequest(other.sessionId())));
    assertThat(success(stytch.getSessions().getCompletable(new GetRequest(other.userId()))).getSessions())
        .isEmpty();
  }

  @Test
  void revokingByJwtEndsTheSessionForTheSdk() {
    Signup s = signUp();
    success(stytch.getSessions().revokeCompletable(new RevokeRequest(null, null, s.jwt())));

    ErrorResponse gone = error(stytch.getSessions().authenticateCompletable(new AuthenticateRequest(s.token())));
    assertThat(gone.getErrorType()).isEqualTo("session_not_found");
  }

  @Test
  void sendingBothTokenAndJwtIsAnSdkErrorResponse() {
    Signup s = signUp();
    ErrorResponse refused = error(stytch.getSessions().authenticateCompletable(
        new AuthenticateRequest(s.token(), null, s.jwt())));
    assertThat(refused.getStatusCode()).isEqualTo(400);
    assertThat(refused.getErrorType()).isEqualTo("too_many_session_arguments");
  }

  @Test
  void anUnknownSessionTokenIsSessionNotFoundForTheSdk() {
    ErrorResponse unknown = error(stytch.getSessions().authenticateCompletable(
        new AuthenticateRequest("x".repeat(44))));
    assertThat(unknown.getStatusCode()).isEqualTo(404);
    assertThat(unknown.getErrorType()).isEqualTo("session_not_found");
    assertThat(unknown.getErrorUrl()).isEqualTo("https://stytch.com/docs/api/errors/404#session_not_found");
  }

  @Test
  void getJwksReturnsTheKeyThatSignedTheSessionJwt() throws ParseException {
    Signup s = signUp();
    GetJWKSResponse jwks = success(stytch.getSessions().getJWKSCompletable(new GetJWKSRequest(server.projectId)));
    String kid = SignedJWT.parse(s.jwt()).getHeader().getKeyID();
    assertThat(jwks.getKeys()).extracting(JWK::getKid).contains(kid);
    JWK key = jwks.getKeys().stream().filter(k -> k.getKid().equals(kid)).findFirst().orElseThrow();
    assertThat(key.getKty()).isEqualTo("RSA");
    assertThat(key.getAlg()).isEqualTo("RS256");
    assertThat(key.getUse()).isEqualTo("sig");
    assertThat(key.getKeyOps()).containsExactly("verify");
    assertThat(key.getE()).isEqualTo("AQAB");
    assertThat(key.getX5C()).hasSize(1);
    assertThat(key.getX5TS256()).isNotEmpty();
  }

  @Test
  void authenticateJwtLocalVerifiesTheJwtAgainstTheServedJwks() {
    Signup s = signUp();
    Session local = success(stytch.getSessions().authenticateJwtLocalCompletable(s.jwt(), null, 0));
    assertThat(local.getSessionId()).isEqualTo(s.sessionId());
    assertThat(local.getUserId()).isEqualTo(s.userId());
    assertThat(local.getAuthenticationFactors()).singleElement()
        .satisfies(f -> assertThat(f.getType().toString()).isEqualToIgnoringCase("password"));
    assertThat(local.getExpiresAt()).isAfter(Instant.now());
  }

  @Test
  void customClaimsSetThroughTheApiComeBackFromTheSdksLocalJwtCheck() {
    Signup s = signUp();
    AuthenticateResponse withClaims = success(stytch.getSessions().authenticateCompletable(new AuthenticateRequest(
        s.token(), null, null, Map.of("plan", "pro", "https://example.com/tenant", Map.of("id", "acme")))));

    Session local = success(stytch.getSessions().authenticateJwtLocalCompletable(withClaims.getSessionJWT(), null,
        0));
    assertThat(local.getCustomClaims()).containsEntry("plan", "pro")
        .containsEntry("https://example.com/tenant", Map.of("id", "acme"))
        .doesNotContainKeys("iss", "sub", "aud", "exp", "nbf", "iat");
    // SDK 11.1.0 quirk, not ours: its local check leaves the Stytch session claim among the custom claims.
  }

  @Test
  void authenticateJwtAnswersLocallyWhileTheJwtIsYoungEnough() {
    Signup s = signUp();
    JWTResponse fresh = success(stytch.getSessions().authenticateJwtCompletable(s.jwt(), 300));
    assertThat(fresh).isInstanceOfSatisfying(JWTSessionResponse.class,
        r -> assertThat(r.getResponse().getSessionId()).isEqualTo(s.sessionId()));
  }

  @Test
  void authenticateJwtFallsBackToTheApiForAnOldJwtAndGetsAFreshOne() throws ParseException {
    MutableClock clock = new MutableClock();
    try (TestServer past = TestServer.start(clock); StytchClient client = client(past)) {
      // Sign up ten minutes ago, then come back to the present: the JWT from sign-up is past its exp, while the
      // hour-long session is still alive, so the SDK's local check fails and it asks the API, which re-issues.
      clock.set(Instant.now().minus(Duration.ofMinutes(10)));
      com.stytch.java.consumer.models.passwords.CreateResponse created = success(client.getPasswords()
          .createCompletable(new com.stytch.java.consumer.models.passwords.CreateRequest(uniqueEmail(), PASSWORD,
              60)));
      clock.set(Instant.now());

      StytchResult<Session> local = get(client.getSessions().authenticateJwtLocalCompletable(
          created.getSessionJWT(), null, 0));
      assertThat(local).isInstanceOf(StytchResult.Error.class);

      JWTResponse fallback = success(client.getSessions().authenticateJwtCompletable(created.getSessionJWT(), 60));
      assertThat(fallback).isInstanceOfSatisfying(JWTAuthResponse.class, r -> {
        assertThat(r.getResponse().getSession().getSessionId()).isEqualTo(created.getSession().getSessionId());
        assertThat(r.getResponse().getSessionJWT()).isNotEqualTo(created.getSessionJWT());
      });
      String freshJwt = ((JWTAuthResponse) fallback).getResponse().getSessionJWT();
      assertThat(SignedJWT.parse(freshJwt).getJWTClaimsSet().getExpirationTime()).isAfter(java.util.Date.from(
          Instant.now()));
      assertThat(success(client.getSessions().authenticateJwtLocalCompletable(freshJwt, null, 0)).getSessionId())
          .isEqualTo(created.getSession().getSessionId());
    }
  }

  @Test
  void authenticateJwtReportsSessionNotFoundFromTheApiForAnOldJwtOfARevokedSession() {
    MutableClock clock = new MutableClock();
    try (TestServer past = TestServer.start(clock); StytchClient client = client(past)) {
      clock.set(Instant.now().minus(Duration.ofMinutes(10)));
      com.stytch.java.consumer.models.passwords.CreateResponse created = success(client.getPasswords()
          .createCompletable(new com.stytch.java.consumer.models.passwords.CreateRequest(uniqueEmail(), PASSWORD,
              60)));
      clock.set(Instant.now());
      success(client.getSessions().revokeCompletable(new RevokeRequest(created.getSession().getSessionId())));

      // The SDK wraps the API's error of the fallback call in a successful JWTErrorResponse.
      JWTResponse answer = success(client.getSessions().authenticateJwtCompletable(created.getSessionJWT(), 60));
      assertThat(answer).isInstanceOfSatisfying(JWTErrorResponse.class, e -> {
        assertThat(e.getStatusCode()).isEqualTo(404);
        assertThat(e.getErrorType()).isEqualTo("session_not_found");
        assertThat(e.getErrorUrl()).isEqualTo("https://stytch.com/docs/api/errors/404#session_not_found");
        assertThat(e.getRequestId()).startsWith("request-id-test-");
      });
    }
  }

  @Test
  void totpsCreateAuthenticateListAndRecoverDeserializeIntoTheSdkModels() {
    Signup signup = signUp();
    com.stytch.java.consumer.models.totps.CreateResponse created = success(stytch.getTotps().createCompletable(
        new com.stytch.java.consumer.models.totps.CreateRequest(signup.userId())));
    assertThat(created.getTotpId()).startsWith("totp-test-");
    assertThat(created.getSecret()).matches("[A-Z2-7]{32}");
    assertThat(created.getQrCode()).startsWith("data:image/png;base64, ");
    assertThat(created.getRecoveryCodes()).hasSize(10);
    assertThat(created.getUser().getTotps()).singleElement().satisfies(t -> {
      assertThat(t.getTotpId()).isEqualTo(created.getTotpId());
      assertThat(t.getVerified()).isFalse();
    });

    ErrorResponse wrong = error(stytch.getTotps().authenticateCompletable(
        new com.stytch.java.consumer.models.totps.AuthenticateRequest(signup.userId(),
            TotpCodes.wrongAt(created.getSecret(), Instant.now()))));
    assertThat(wrong.getStatusCode()).isEqualTo(401);
    assertThat(wrong.getErrorType()).isEqualTo("unable_to_authenticate_totp");

    // Step-up: the SDK sends session_custom_claims {} and a null JWT beside the token.
    com.stytch.java.consumer.models.totps.AuthenticateResponse stepUp = success(stytch.getTotps()
        .authenticateCompletable(new com.stytch.java.consumer.models.totps.AuthenticateRequest(signup.userId(),
            TotpCodes.at(created.getSecret(), Instant.now()), signup.token(), 60)));
    assertThat(stepUp.getTotpId()).isEqualTo(created.getTotpId());
    assertThat(stepUp.getSession().getSessionId()).isEqualTo(signup.sessionId());
    assertThat(stepUp.getSession().getAuthenticationFactors()).hasSize(2);
    var totpFactor = stepUp.getSession().getAuthenticationFactors().get(1);
    assertThat(totpFactor.getType().toString()).isEqualToIgnoringCase("totp");
    assertThat(totpFactor.getAuthenticatorAppFactor().getTotpId()).isEqualTo(created.getTotpId());

    com.stytch.java.consumer.models.totps.RecoveryCodesResponse codes = success(stytch.getTotps()
        .recoveryCodesCompletable(new com.stytch.java.consumer.models.totps.RecoveryCodesRequest(signup.userId())));
    assertThat(codes.getTotps()).singleElement().satisfies(t -> {
      assertThat(t.getVerified()).isTrue();
      assertThat(t.getRecoveryCodes()).isEqualTo(created.getRecoveryCodes());
    });

    com.stytch.java.consumer.models.totps.RecoverResponse recovered = success(stytch.getTotps().recoverCompletable(
        new com.stytch.java.consumer.models.totps.RecoverRequest(signup.userId(), created.getRecoveryCodes().get(0),
            null, 30)));
    assertThat(recovered.getTotpId()).isEqualTo(created.getTotpId());
    var recoveryFactor = recovered.getSession().getAuthenticationFactors().get(0);
    assertThat(recoveryFactor.getRecoveryCodeFactor().getTotpRecoveryCodeId()).startsWith("totp-recovery-code-test-");
  }

  private record Signup(String email, String userId, String sessionId, String token, String jwt) {}

  private static Signup signUp() {
    String email = uniqueEmail();
    com.stytch.java.consumer.models.passwords.CreateResponse r = success(stytch.getPasswords().createCompletable(
        new com.stytch.java.consumer.models.passwords.CreateRequest(email, PASSWORD, 60)));
    return new Signup(email, r.getUserId(), r.getSession().getSessionId(), r.getSessionToken(), r.getSessionJWT());
  }

  private static String uniqueEmail() {
    return "sdk-" + UUID.randomUUID() + "@example.com";
  }


}
