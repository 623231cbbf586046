package dev.latchkey.backend;

import static dev.latchkey.backend.Failures.notChecked;
import static dev.latchkey.backend.Failures.rejected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.latchkey.backend.LatchkeyException.Reason;
import dev.latchkey.model.AuthenticateResponse;
import dev.latchkey.model.JwksResponse;
import dev.latchkey.model.PasswordAuthenticateRequest;
import dev.latchkey.model.PasswordCreateRequest;
import dev.latchkey.model.PasswordCreateResponse;
import dev.latchkey.model.RevokeOthersResponse;
import dev.latchkey.model.Session;
import dev.latchkey.model.SessionAuthenticateRequest;
import dev.latchkey.model.SessionRevokeOthersRequest;
import dev.latchkey.model.SessionRevokeRequest;
import dev.latchkey.model.User;
import dev.latchkey.model.UserCreateRequest;
import dev.latchkey.model.UserCreateResponse;
import dev.latchkey.model.UserUpdateRequest;
import dev.latchkey.server.testing.TestServer;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every API call of the SDK against a real server, and how its errors surface. */
class BackendApiTest {
  private static TestServer server;
  private static LatchkeyBackend backend;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    backend = Fixture.backend(server, Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    backend.close();
    server.close();
  }

  private static String email() {
    return UUID.randomUUID() + "@example.com";
  }

  @Test
  void usersCanBeCreatedReadUpdatedAndDeleted() {
    String email = email();
    UserCreateResponse created = backend.users().create(
        new UserCreateRequest(email, null, new User.Name("Ada", "", "Lovelace"), null, Map.of("tier", "gold"), null,
            null, null));
    assertThat(created.statusCode()).isEqualTo(200);
    assertThat(created.requestId()).startsWith("request-id-test-");

    User read = backend.users().get(created.userId());
    assertThat(read.emails()).extracting(User.Email::email).containsExactly(email);
    assertThat(read.name().firstName()).isEqualTo("Ada");
    assertThat(read.trustedMetadata()).isEqualTo(Map.of("tier", "gold"));

    backend.users().update(created.userId(), new UserUpdateRequest(null, null, Map.of("theme", "dark"), null, null));
    assertThat(backend.users().get(created.userId()).untrustedMetadata()).isEqualTo(Map.of("theme", "dark"));

    assertThat(backend.users().delete(created.userId()).userId()).isEqualTo(created.userId());
    LatchkeyException e = rejected(Reason.API_REJECTED, () -> backend.users().get(created.userId()));
    assertThat(e.statusCode()).isEqualTo(404);
    assertThat(e.errorType()).isEqualTo("user_not_found");
    assertThat(e.errorMessage()).isEqualTo("User could not be found.");
  }

  @Test
  void aBackendCanRunItsOwnSignUpSignInAndSessionLifecycle() {
    String email = email();
    PasswordCreateResponse signedUp = backend.passwords().create(
        new PasswordCreateRequest(email, Fixture.PASSWORD, 60, null, null, null, null));
    AuthenticateResponse signedIn = backend.passwords().authenticate(
        new PasswordAuthenticateRequest(email, Fixture.PASSWORD, null, null, 60, Map.of("plan", "pro")));
    assertThat(signedIn.userId()).isEqualTo(signedUp.userId());

    AuthenticateResponse byToken = backend.sessions().authenticateToken(signedIn.sessionToken());
    assertThat(byToken.session().sessionId()).isEqualTo(signedIn.session().sessionId());
    assertThat(byToken.session().customClaims()).isEqualTo(Map.of("plan", "pro"));
    AuthenticateResponse byJwt = backend.sessions().authenticate(
        new SessionAuthenticateRequest(null, signedIn.sessionJwt(), null, null));
    assertThat(byJwt.session().sessionId()).isEqualTo(signedIn.session().sessionId());

    assertThat(backend.sessions().list(signedUp.userId()).sessions()).extracting(Session::sessionId)
        .containsExactlyInAnyOrder(signedUp.session().sessionId(), signedIn.session().sessionId());

    backend.sessions().revoke(new SessionRevokeRequest(null, signedIn.sessionToken(), null));
    assertThat(backend.sessions().list(signedUp.userId()).sessions()).extracting(Session::sessionId)
        .containsExactly(signedUp.session().sessionId());
    LatchkeyException e = rejected(Reason.API_REJECTED,
        () -> backend.sessions().authenticateToken(signedIn.sessionToken()));
    assertThat(e.errorType()).isEqualTo("session_not_found");
    assertThat(e.requestId()).startsWith("request-id-test-");
  }

  @Test
  void revokeOthersSignsOutEveryOtherDeviceOfTheUserAndKeepsTheNamedSession() {
    String email = email();
    PasswordCreateResponse first = backend.passwords().create(
        new PasswordCreateRequest(email, Fixture.PASSWORD, 60, null, null, null, null));
    AuthenticateResponse second = backend.passwords().authenticate(
        new PasswordAuthenticateRequest(email, Fixture.PASSWORD, null, null, 60, null));
    AuthenticateResponse kept = backend.passwords().authenticate(
        new PasswordAuthenticateRequest(email, Fixture.PASSWORD, null, null, 60, null));
    PasswordCreateResponse someoneElse = backend.passwords().create(
        new PasswordCreateRequest(email(), Fixture.PASSWORD, 60, null, null, null, null));

    RevokeOthersResponse byJwt = backend.sessions().revokeOthers(
        SessionRevokeOthersRequest.byJwt(kept.sessionJwt()));

    assertThat(byJwt.revokedSessionIds()).containsExactlyInAnyOrder(first.session().sessionId(),
        second.session().sessionId());
    assertThat(backend.sessions().list(kept.userId()).sessions()).extracting(Session::sessionId)
        .containsExactly(kept.session().sessionId());
    assertThat(backend.sessions().authenticateToken(someoneElse.sessionToken()).session().sessionId())
        .isEqualTo(someoneElse.session().sessionId());
    assertThat(backend.sessions().revokeOthers(SessionRevokeOthersRequest.byToken(kept.sessionToken()))
        .revokedSessionIds()).isEmpty();
    LatchkeyException gone = rejected(Reason.API_REJECTED, () -> backend.sessions().revokeOthers(
        SessionRevokeOthersRequest.byToken(second.sessionToken())));
    assertThat(gone.errorType()).isEqualTo("session_not_found");
    assertThat(SessionRevokeOthersRequest.byToken(kept.sessionToken()).toString())
        .doesNotContain(kept.sessionToken());
  }

  @Test
  void aWrongPasswordIsARejection() {
    String email = email();
    backend.passwords().create(new PasswordCreateRequest(email, Fixture.PASSWORD, null, null, null, null, null));

    LatchkeyException e = rejected(Reason.API_REJECTED, () -> backend.passwords().authenticate(
        new PasswordAuthenticateRequest(email, "wrong horse battery staple", null, null, 60, null)));
    assertThat(e.statusCode()).isEqualTo(401);
  }

  @Test
  void anInvalidRequestIsRefusedWithTheServersErrorType() {
    LatchkeyException e = rejected(Reason.API_REJECTED, () -> backend.sessions().authenticate(
        new SessionAuthenticateRequest("a-token", "a.jwt.value", null, null)));
    assertThat(e.statusCode()).isEqualTo(400);
    assertThat(e.errorType()).isEqualTo("too_many_session_arguments");
  }

  @Test
  void theJwksCallReturnsTheServersSigningKey() {
    JwksResponse jwks = backend.sessions().jwks();

    assertThat(jwks.keys()).extracting(k -> k.kid()).contains(Fixture.serverKey(server).kid());
    assertThat(jwks.keys()).allSatisfy(k -> assertThat(k.alg()).isEqualTo("RS256"));
  }

  @Test
  void aWrongSecretIsRefusedAsUnauthorizedCredentials() {
    try (LatchkeyBackend wrong = backend.newBuilder().secret("not-the-secret-" + UUID.randomUUID()).build()) {
      LatchkeyException e = rejected(Reason.API_REJECTED, () -> wrong.users().get("user-test-nobody"));
      assertThat(e.statusCode()).isEqualTo(401);
      assertThat(e.errorType()).isEqualTo("unauthorized_credentials");
    }
  }

  @Test
  void anUnreachableServerIsNotARejection() {
    TestServer gone = TestServer.start();
    URI url = URI.create(gone.baseUrl());
    gone.close();
    try (LatchkeyBackend b = Fixture.backend(gone, url, Clock.systemUTC())) {
      LatchkeyException e = notChecked(Reason.NETWORK_ERROR, () -> b.sessions().list("user-test-x"));
      assertThat(e.statusCode()).isEqualTo(0);
      assertThat(e.requestId()).isEmpty();
      assertThat(e.errorType()).isEqualTo("network_error");
    }
  }

  @Test
  void settingsOutsideTheirRangeAreRefusedWithTheirNameAndRange() {
    LatchkeyBackend.Builder b = LatchkeyBackend.builder();
    assertThat(catchThrowable(() -> b.leeway(Duration.ofMinutes(6))))
        .hasMessage("leeway is PT6M; it must be between PT0S and PT5M");
    assertThat(catchThrowable(() -> b.jwksCoolDown(Duration.ZERO)))
        .hasMessage("jwksCoolDown is PT0S; it must be between PT1S and PT1H");
    assertThat(catchThrowable(() -> b.baseUrl(URI.create("ftp://example.com"))))
        .hasMessageStartingWith("baseUrl is ftp://example.com; it must be an http or https URL");
    assertThat(catchThrowable(() -> b.projectId("")))
        .hasMessage("projectId must not be blank");
    assertThat(catchThrowable(() -> b.baseUrl(URI.create("http://127.0.0.1:1")).build()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("baseUrl, projectId and secret are required; missing: projectId secret");
  }

  @Test
  void theSecretIsNeverPrinted() {
    assertThat(backend.toString()).doesNotContain(server.secret).contains("<redacted>");
  }

  @Test
  void closingTwiceIsHarmless() {
    LatchkeyBackend b = backend.newBuilder().build();
    b.close();
    assertThatCode(b::close).doesNotThrowAnyException();
  }
}
