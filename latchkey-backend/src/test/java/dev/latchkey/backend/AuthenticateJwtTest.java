package dev.latchkey.backend;

import static dev.latchkey.backend.Failures.rejected;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.backend.LatchkeyException.Reason;
import dev.latchkey.model.SessionRevokeRequest;
import dev.latchkey.server.testing.MutableClock;
import dev.latchkey.server.testing.TestServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code authenticateJwt}: local first, the API only when the local check cannot decide. API calls are counted. */
class AuthenticateJwtTest {
  private static final String AUTHENTICATE = "POST /v1/sessions/authenticate";
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
  void aFreshJwtIsVerifiedLocallyWithoutAnApiCall() {
    String jwt = Fixture.jwt(server);

    VerifiedSession s = backend.sessions().authenticateJwt(jwt, Duration.ofMinutes(1));

    assertThat(s.source()).isEqualTo(VerifiedSession.Source.LOCAL);
    assertThat(s.jwt()).isEqualTo(jwt);
    assertThat(proxy.count(AUTHENTICATE)).isEqualTo(0);
  }

  @Test
  void aJwtOlderThanMaxTokenAgeIsSettledByTheApiWhichReturnsAFreshJwt() {
    JsonNode signedUp = Fixture.signUp(server);
    String jwt = signedUp.path("session_jwt").asText();
    clock.advance(Duration.ofSeconds(60));

    VerifiedSession s = backend.sessions().authenticateJwt(jwt, Duration.ofSeconds(60));

    assertThat(s.source()).isEqualTo(VerifiedSession.Source.API);
    assertThat(s.sessionId()).isEqualTo(signedUp.path("session").path("session_id").asText());
    assertThat(s.jwt()).isNotEqualTo(jwt);
    assertThat(s.jwtIssuedAt()).isEqualTo(clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    assertThat(backend.sessions().authenticateJwt(s.jwt(), Duration.ofSeconds(60)).source())
        .isEqualTo(VerifiedSession.Source.LOCAL);
    assertThat(proxy.count(AUTHENTICATE)).isEqualTo(1);
  }

  @Test
  void anExpiredJwtOfALiveSessionIsSettledByTheApi() {
    String jwt = Fixture.jwt(server);
    clock.advance(Duration.ofMinutes(6));

    assertThat(backend.sessions().authenticateJwt(jwt, Duration.ofHours(1)).source())
        .isEqualTo(VerifiedSession.Source.API);
    assertThat(proxy.count(AUTHENTICATE)).isEqualTo(1);
  }

  @Test
  void anExpiredJwtOfARevokedSessionIsRejectedByTheApi() {
    JsonNode signedUp = Fixture.signUp(server);
    backend.sessions().revoke(new SessionRevokeRequest(signedUp.path("session").path("session_id").asText(), null,
        null));
    clock.advance(Duration.ofMinutes(6));

    LatchkeyException e = rejected(Reason.API_REJECTED,
        () -> backend.sessions().authenticateJwt(signedUp.path("session_jwt").asText(), Duration.ofHours(1)));
    assertThat(e.statusCode()).isEqualTo(404);
    assertThat(e.errorType()).isEqualTo("session_not_found");
  }

  @Test
  void aForgedJwtIsRefusedWithoutAskingTheApi() {
    String[] parts = Fixture.jwt(server).split("\\.");
    String tampered = parts[0] + "." + Fixture.b64(Fixture.decode(parts[1]).replace("\"iat\"", "\"iat \"")) + "."
        + parts[2];

    rejected(Reason.JWT_BAD_SIGNATURE, () -> backend.sessions().authenticateJwt(tampered, Duration.ZERO));
    assertThat(proxy.count(AUTHENTICATE)).isEqualTo(0);
  }

  @Test
  void maxTokenAgeMustNotBeNegative() {
    assertThat(org.assertj.core.api.Assertions.catchThrowable(
        () -> backend.sessions().authenticateJwt("x", Duration.ofSeconds(-1))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxTokenAge is PT-1S; it must be between PT0S and PT8784H");
  }
}
