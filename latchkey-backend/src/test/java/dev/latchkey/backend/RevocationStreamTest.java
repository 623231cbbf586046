package dev.latchkey.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.backend.LatchkeyException.Reason;
import dev.latchkey.server.testing.TestServer;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code revocationStream(true)} against a real server: a revoke reaches local verification, and a stream that has
 * been down past its bound never leaves local verification trusting a JWT. Waits are bounded polls, not timings.
 */
class RevocationStreamTest {
  /** How long a test waits for what should happen within a second. */
  static final Duration WAIT = Duration.ofSeconds(30);

  private TestServer server;
  private LatchkeyBackend backend;

  @BeforeEach
  void start() {
    server = TestServer.start(Map.of("LATCHKEY_SESSION_EVENTS_HEARTBEAT", "1s"), Clock.systemUTC());
  }

  @AfterEach
  void stop() {
    if (backend != null) {
      backend.close();
    }
    server.close();
  }

  private LatchkeyBackend streaming(Duration bound, LatchkeyBackend.FailSafe failSafe) {
    return LatchkeyBackend.builder().baseUrl(URI.create(server.baseUrl())).projectId(server.projectId)
        .secret(server.secret).revocationStream(true).revocationStreamMaxDowntime(bound)
        .revocationStreamFailSafe(failSafe).build();
  }

  /** Polls {@code attempt} until it throws; returns what it threw, or fails after {@link #WAIT}. */
  static LatchkeyException eventuallyThrows(Supplier<?> attempt) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        attempt.get();
      } catch (LatchkeyException e) {
        return e;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("still accepted after " + WAIT);
  }

  @Test
  void aRevokedSessionsJwtIsRefusedLocallyAsRevoked() {
    backend = streaming(Duration.ofSeconds(30), LatchkeyBackend.FailSafe.CALL_API);
    JsonNode session = Fixture.signUp(server);
    String jwt = session.path("session_jwt").asText();
    assertThat(backend.sessions().authenticateJwtLocal(jwt).source()).isEqualTo(VerifiedSession.Source.LOCAL);

    server.api().post("/v1/sessions/revoke", "{\"session_id\":\""
        + session.path("session").path("session_id").asText() + "\"}");

    LatchkeyException e = eventuallyThrows(() -> backend.sessions().authenticateJwtLocal(jwt));
    assertThat(e.reason()).isEqualTo(Reason.REVOKED);
    assertThat(e.isRejection()).isTrue();
    assertThat(e.errorType()).isEqualTo("revoked");
    // The same verdict through the path the servlet filter takes.
    LatchkeyException viaFilterPath = catchThrowableOfType(LatchkeyException.class,
        () -> backend.sessions().authenticateJwt(jwt, Duration.ofMinutes(5)));
    assertThat(viaFilterPath.reason()).isEqualTo(Reason.REVOKED);
  }

  @Test
  void aSessionRevokedBeforeTheBackendStartedIsRefusedToo() {
    JsonNode session = Fixture.signUp(server);
    String jwt = session.path("session_jwt").asText();
    server.api().post("/v1/sessions/revoke", "{\"session_id\":\""
        + session.path("session").path("session_id").asText() + "\"}");

    backend = streaming(Duration.ofSeconds(30), LatchkeyBackend.FailSafe.CALL_API);

    assertThat(eventuallyThrows(() -> backend.sessions().authenticateJwtLocal(jwt)).reason())
        .isEqualTo(Reason.REVOKED);
  }

  @Test
  void anotherSessionOfTheSameUserStaysAccepted() {
    backend = streaming(Duration.ofSeconds(30), LatchkeyBackend.FailSafe.CALL_API);
    JsonNode first = Fixture.signUp(server);
    JsonNode second = Fixture.signUp(server);
    server.api().post("/v1/sessions/revoke", "{\"session_id\":\""
        + first.path("session").path("session_id").asText() + "\"}");
    eventuallyThrows(() -> backend.sessions().authenticateJwtLocal(first.path("session_jwt").asText()));

    assertThat(backend.sessions().authenticateJwtLocal(second.path("session_jwt").asText()).sessionId())
        .isEqualTo(second.path("session").path("session_id").asText());
  }

  @Test
  void aStreamDownPastItsBoundSendsLocalVerificationToTheApi() {
    backend = streaming(Duration.ofSeconds(1), LatchkeyBackend.FailSafe.CALL_API);
    String jwt = Fixture.jwt(server);
    assertThat(backend.sessions().authenticateJwtLocal(jwt).source()).isEqualTo(VerifiedSession.Source.LOCAL);

    server.stop();

    // Not trusted locally any more: it asks the (stopped) server, so it cannot answer at all.
    LatchkeyException e = eventuallyThrows(() -> backend.sessions().authenticateJwtLocal(jwt));
    assertThat(e.reason()).isEqualTo(Reason.NETWORK_ERROR);
    assertThat(e.isRejection()).isFalse();
  }

  @Test
  void aStreamDownPastItsBoundRefusesWhenSoConfigured() {
    backend = streaming(Duration.ofSeconds(1), LatchkeyBackend.FailSafe.REFUSE);
    String jwt = Fixture.jwt(server);
    assertThat(backend.sessions().authenticateJwtLocal(jwt).source()).isEqualTo(VerifiedSession.Source.LOCAL);

    server.stop();

    LatchkeyException e = eventuallyThrows(() -> backend.sessions().authenticateJwtLocal(jwt));
    assertThat(e.reason()).isEqualTo(Reason.REVOCATION_STREAM_DOWN);
    assertThat(e.isRejection()).isFalse();
  }

  @Test
  void withTheStreamUpLocalVerificationCallsNoApi() {
    backend = streaming(Duration.ofSeconds(30), LatchkeyBackend.FailSafe.REFUSE);
    String jwt = Fixture.jwt(server);
    for (int i = 0; i < 20; i++) {
      assertThat(backend.sessions().authenticateJwtLocal(jwt).source()).isEqualTo(VerifiedSession.Source.LOCAL);
    }
  }
}
