package dev.latchkey.server.api;

import static dev.latchkey.server.testing.Wire.body;
import static dev.latchkey.server.testing.Wire.email;
import static dev.latchkey.server.testing.Wire.ok;
import static dev.latchkey.server.testing.Wire.refused;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.MutableClock;
import dev.latchkey.server.testing.SseStream;
import dev.latchkey.server.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The project's lifecycle settings against a real server, time moved by a {@link MutableClock}: an idle timeout, an
 * absolute lifetime, and a cap on sessions per user, each alongside {@code session_duration_minutes}.
 */
class SessionLifecycleApiTest {
  private static final String PASSWORD = "correct horse battery staple";

  private static JsonNode signUp(ApiClient api, String address, int minutes) {
    return ok(api.post("/v1/passwords", body("email", address, "password", PASSWORD, "session_duration_minutes",
        minutes)));
  }

  private static JsonNode signIn(ApiClient api, String address) {
    return ok(api.post("/v1/passwords/authenticate", body("email", address, "password", PASSWORD,
        "session_duration_minutes", 60)));
  }

  private static ApiClient.Reply check(ApiClient api, JsonNode session) {
    return api.post("/v1/sessions/authenticate", body("session_token", session.path("session_token").asText()));
  }

  @Test
  void aSessionIdleForTheTimeoutEndsAndIsPurgedWithItsEventWhileABusyOneLivesOn() {
    MutableClock clock = new MutableClock();
    try (TestServer server = TestServer.start(Map.of("LATCHKEY_SESSION_IDLE_TIMEOUT", "10m",
        "LATCHKEY_PURGE_INTERVAL", "1s"), clock)) {
      ApiClient api = server.api();
      String address = email("idle");
      JsonNode idle = signUp(api, address, 600);
      JsonNode busy = signIn(api, address);
      try (SseStream events = SseStream.open(server.baseUrl(), "/v1/sessions/events",
          ApiClient.basic(server.projectId, server.secret), Map.of())) {
        // Used every 40 s for 30 minutes: three idle timeouts, never idle. Some of these calls reuse the last JWT;
        // last_accessed_at is still written often enough (at most a tenth of the timeout old).
        for (int i = 0; i < 45; i++) {
          clock.advance(Duration.ofSeconds(40));
          assertThat(check(api, busy).status()).as("busy session after %d s", 40 * (i + 1)).isEqualTo(200);
        }

        refused(check(api, idle), 404, "session_not_found");
        refused(api.post("/v1/sessions/authenticate", body("session_jwt", idle.path("session_jwt").asText())), 404,
            "session_not_found");
        assertThat(ok(api.get("/v1/sessions?user_id=" + idle.path("user_id").asText())).path("sessions"))
            .extracting(s -> s.path("session_id").asText())
            .containsExactly(busy.path("session").path("session_id").asText());

        SseStream.Item expired = events.nextEvent("session.expired");
        assertThat(expired.json().path("session_id").asText())
            .isEqualTo(idle.path("session").path("session_id").asText());
        assertThat(expired.json().toString()).contains("idle");
      }
      assertThat(check(api, busy).status()).isEqualTo(200);
    }
  }

  @Test
  void justBeforeTheIdleTimeoutASessionStillAuthenticatesAndThatKeepsItAlive() {
    MutableClock clock = new MutableClock();
    try (TestServer server = TestServer.start(Map.of("LATCHKEY_SESSION_IDLE_TIMEOUT", "10m"), clock)) {
      ApiClient api = server.api();
      JsonNode s = signUp(api, email("edge"), 60);

      clock.advance(Duration.ofMinutes(9).plusSeconds(59));
      ok(check(api, s));
      clock.advance(Duration.ofMinutes(9).plusSeconds(59));
      ok(check(api, s));
      clock.advance(Duration.ofMinutes(10));

      refused(check(api, s), 404, "session_not_found");
    }
  }

  @Test
  void noSessionOutlivesTheAbsoluteLifetimeHoweverItIsCreatedOrExtended() {
    MutableClock clock = new MutableClock();
    try (TestServer server = TestServer.start(Map.of("LATCHKEY_SESSION_ABSOLUTE_LIFETIME", "2h"), clock)) {
      ApiClient api = server.api();
      JsonNode s = signUp(api, email("absolute"), 600);
      Instant started = Instant.parse(s.path("session").path("started_at").asText());
      assertThat(Instant.parse(s.path("session").path("expires_at").asText())).isEqualTo(started.plus(
          Duration.ofHours(2)));

      clock.advance(Duration.ofMinutes(90));
      JsonNode extended = ok(api.post("/v1/sessions/authenticate", body("session_token",
          s.path("session_token").asText(), "session_duration_minutes", 120)));
      assertThat(Instant.parse(extended.path("session").path("expires_at").asText()))
          .isEqualTo(started.plus(Duration.ofHours(2)));

      clock.advance(Duration.ofMinutes(30));
      refused(check(api, s), 404, "session_not_found");
    }
  }

  @Test
  void aSignInPastThePerUserCapRevokesTheOldestSessionWithItsEvent() {
    try (TestServer server = TestServer.start(Map.of("LATCHKEY_SESSION_MAX_PER_USER", "2"),
        java.time.Clock.systemUTC())) {
      ApiClient api = server.api();
      String address = email("cap");
      JsonNode first = signUp(api, address, 60);
      JsonNode second = signIn(api, address);
      JsonNode otherUser = signUp(api, email("cap-other"), 60);
      try (SseStream events = SseStream.open(server.baseUrl(), "/v1/sessions/events",
          ApiClient.basic(server.projectId, server.secret), Map.of())) {
        JsonNode third = signIn(api, address);

        SseStream.Item revoked = events.nextEvent("session.revoked");
        assertThat(revoked.json().path("session_id").asText())
            .isEqualTo(first.path("session").path("session_id").asText());
        refused(check(api, first), 404, "session_not_found");
        ok(check(api, second));
        ok(check(api, third));
        ok(check(api, otherUser));
      }
    }
  }

  @Test
  void signInsRacingPastTheCapLeaveNoMoreThanItLive() throws Exception {
    try (TestServer server = TestServer.start(Map.of("LATCHKEY_SESSION_MAX_PER_USER", "3"),
        java.time.Clock.systemUTC())) {
      ApiClient api = server.api();
      String address = email("cap-race");
      signUp(api, address, 60);
      List<Future<JsonNode>> racing = new ArrayList<>();
      try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
        for (int i = 0; i < 12; i++) {
          racing.add(pool.submit(() -> signIn(api, address)));
        }
      }
      Set<String> live = new HashSet<>();
      for (Future<JsonNode> f : racing) {
        if (check(api, f.get()).status() == 200) {
          live.add(f.get().path("session").path("session_id").asText());
        }
      }
      String userId = racing.get(0).get().path("user_id").asText();

      assertThat(ok(api.get("/v1/sessions?user_id=" + userId)).path("sessions")).hasSize(3);
      assertThat(live).hasSizeLessThanOrEqualTo(3);
    }
  }
}
