package dev.latchkey.server.api;

import static dev.latchkey.server.api.Wire.authenticateToken;
import static dev.latchkey.server.api.Wire.body;
import static dev.latchkey.server.api.Wire.signUp;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.ApiClient.Reply;
import dev.latchkey.server.testing.SseStream;
import dev.latchkey.server.testing.TestServer;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code GET /v1/sessions/events} and {@code GET /sdk/v1/sessions/events} against a real server. */
class SessionEventsApiTest {
  private TestServer server;
  private ApiClient api;
  private String auth;

  @BeforeEach
  void startServer() {
    server = TestServer.start(Map.of("LATCHKEY_SESSION_EVENTS_HEARTBEAT", "1s"), Clock.systemUTC());
    api = server.api();
    auth = ApiClient.basic(server.projectId, server.secret);
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  private SseStream open(Map<String, String> headers) {
    SseStream s = SseStream.open(server.baseUrl(), "/v1/sessions/events", auth, headers);
    assertThat(s.status).isEqualTo(200);
    assertThat(s.contentType).startsWith("text/event-stream");
    return s;
  }

  private static String sessionId(Reply r) {
    return r.json().path("session").path("session_id").asText();
  }

  @Test
  void aRevokeIsStreamedWithItsSessionAndUserAndNoSecret() {
    try (SseStream events = open(Map.of())) {
      Reply created = signUp(api, 60);
      SseStream.Item c = events.nextEvent("session.created");
      assertThat(c.json().path("session_id").asText()).isEqualTo(sessionId(created));

      Reply revoked = api.post("/v1/sessions/revoke", body("session_id", sessionId(created)));
      assertThat(revoked.status()).as(revoked.text()).isEqualTo(200);

      SseStream.Item r = events.nextEvent("session.revoked");
      JsonNode e = r.json();
      assertThat(e.path("type").asText()).isEqualTo("session.revoked");
      assertThat(e.path("session_id").asText()).isEqualTo(sessionId(created));
      assertThat(e.path("user_id").asText()).isEqualTo(created.text("user_id"));
      assertThat(Long.parseLong(r.id())).isEqualTo(e.path("event_id").asLong()).isGreaterThan(Long.parseLong(c.id()));
      assertThat(Instant.parse(e.path("occurred_at").asText())).isNotNull();
      assertThat(r.data() + c.data()).doesNotContain(created.text("session_token"))
          .doesNotContain(created.text("session_jwt"));
    }
  }

  @Test
  void extendingAndAddingClaimsAreExtendedAndUpdatedEvents() {
    Reply created = signUp(api, 60);
    try (SseStream events = open(Map.of())) {
      authenticateToken(api, created.text("session_token"), "session_duration_minutes", 120);
      assertThat(events.nextEvent().event()).isEqualTo("session.extended");
      authenticateToken(api, created.text("session_token"), "session_custom_claims", Map.of("role", "admin"));
      SseStream.Item updated = events.nextEvent();
      assertThat(updated.event()).isEqualTo("session.updated");
      assertThat(updated.json().path("data").path("changed").toString()).contains("custom_claims");
    }
  }

  @Test
  void deletingAUserRevokesEachSessionThenReportsTheUser() {
    Reply created = signUp(api, 60);
    try (SseStream events = open(Map.of())) {
      Reply deleted = api.delete("/v1/users/" + created.text("user_id"));
      assertThat(deleted.status()).as(deleted.text()).isEqualTo(200);
      assertThat(events.nextEvent().json().path("session_id").asText()).isEqualTo(sessionId(created));
      SseStream.Item user = events.nextEvent();
      assertThat(user.event()).isEqualTo("user.deleted");
      assertThat(user.json().path("user_id").asText()).isEqualTo(created.text("user_id"));
    }
  }

  @Test
  void lastEventIdResumesExactlyAfterThatEvent() {
    long before;
    try (SseStream events = open(Map.of())) {
      signUp(api, 60);
      before = Long.parseLong(events.nextEvent("session.created").id());
    }
    Reply second = signUp(api, 60);
    Reply third = signUp(api, 60);
    try (SseStream resumed = open(Map.of("Last-Event-ID", String.valueOf(before)))) {
      SseStream.Item a = resumed.nextEvent();
      SseStream.Item b = resumed.nextEvent();
      assertThat(Long.parseLong(a.id())).isEqualTo(before + 1);
      assertThat(a.json().path("session_id").asText()).isEqualTo(sessionId(second));
      assertThat(Long.parseLong(b.id())).isEqualTo(before + 2);
      assertThat(b.json().path("session_id").asText()).isEqualTo(sessionId(third));
    }
  }

  @Test
  void lastEventIdZeroReplaysEverythingKept() {
    Reply first = signUp(api, 60);
    try (SseStream replay = open(Map.of("Last-Event-ID", "0"))) {
      SseStream.Item e = replay.nextEvent();
      assertThat(e.id()).isEqualTo("1");
      assertThat(e.json().path("session_id").asText()).isEqualTo(sessionId(first));
    }
  }

  @Test
  void anIdleStreamSendsHeartbeatComments() {
    try (SseStream events = open(Map.of())) {
      SseStream.Item subscribed = events.next();
      assertThat(subscribed.comment()).isEqualTo("subscribed");
      assertThat(events.next().comment()).isEqualTo("heartbeat");
    }
  }

  @Test
  void aMalformedLastEventIdIsA400() {
    for (String bad : new String[] {"abc", "-1", "1.5", "99999999999999999999"}) {
      SseStream s = SseStream.open(server.baseUrl(), "/v1/sessions/events", auth, Map.of("Last-Event-ID", bad));
      assertThat(s.status).as(bad).isEqualTo(400);
      assertThat(s.error().path("error_type").asText()).isEqualTo("invalid_last_event_id");
    }
  }

  @Test
  void aResumePointThatWasPrunedOrNeverExistedMustResync() {
    signUp(api, 60);
    signUp(api, 60);
    SseStream future = SseStream.open(server.baseUrl(), "/v1/sessions/events", auth, Map.of("Last-Event-ID", "1000"));
    assertThat(future.status).isEqualTo(410);
    assertThat(future.error().path("error_type").asText()).isEqualTo("event_history_expired");

    signUp(api, 60);
    int pruned = server.server().stores().sessionEvents().prune(Instant.now().plusSeconds(60));
    assertThat(pruned).isEqualTo(2);
    SseStream gone = SseStream.open(server.baseUrl(), "/v1/sessions/events", auth, Map.of("Last-Event-ID", "1"));
    assertThat(gone.status).isEqualTo(410);
    assertThat(gone.error().path("error_type").asText()).isEqualTo("event_history_expired");
    try (SseStream kept = open(Map.of("Last-Event-ID", "2"))) {
      assertThat(kept.nextEvent().id()).isEqualTo("3");
    }
  }

  @Test
  void theEventsNeedProjectCredentials() {
    SseStream s = SseStream.open(server.baseUrl(), "/v1/sessions/events", ApiClient.basic(server.projectId, "wrong"),
        Map.of());
    assertThat(s.status).isEqualTo(401);
  }

  @Test
  void theSdkStreamCarriesOnlyItsOwnSessionAndEndsAtItsRevocation() {
    Reply mine = signUp(api, 60);
    Reply other = signUp(api, 60);
    String sdkAuth = ApiClient.basic(server.publicToken, mine.text("session_token"));
    try (SseStream own = SseStream.open(server.baseUrl(), "/sdk/v1/sessions/events", sdkAuth, Map.of())) {
      assertThat(own.status).isEqualTo(200);
      api.post("/v1/sessions/revoke", body("session_id", sessionId(other)));
      authenticateToken(api, mine.text("session_token"), "session_duration_minutes", 90);
      SseStream.Item extended = own.nextEvent();
      assertThat(extended.event()).isEqualTo("session.extended");
      assertThat(extended.json().path("session_id").asText()).isEqualTo(sessionId(mine));

      api.post("/v1/sessions/revoke", body("session_id", sessionId(mine)));
      SseStream.Item revoked = own.nextEvent();
      assertThat(revoked.event()).isEqualTo("session.revoked");
      assertThat(revoked.json().path("session_id").asText()).isEqualTo(sessionId(mine));
      assertThat(own.nextEvent().ended()).isTrue();
    }
    SseStream after = SseStream.open(server.baseUrl(), "/sdk/v1/sessions/events", sdkAuth, Map.of());
    assertThat(after.status).isEqualTo(404);
    assertThat(after.error().path("error_type").asText()).isEqualTo("session_not_found");
  }

  @Test
  void aLongPollEndsWithTheSessionsEventAndTheIdToResumeFrom() {
    Reply mine = signUp(api, 60);
    String sdkAuth = ApiClient.basic(server.publicToken, mine.text("session_token"));
    Thread revoker = Thread.ofVirtual().start(() -> {
      try {
        // The poll must be waiting when the revocation comes (a revoked session's poll is a 404): a second is ample
        // for a request to a warm local server even on a loaded two-core CI machine, and well inside the 20 s wait.
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        return;
      }
      api.post("/v1/sessions/revoke", body("session_id", sessionId(mine)));
    });
    Reply r = api.send("GET", "/sdk/v1/sessions/events?wait_seconds=20", null, Map.of("Authorization", sdkAuth));
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.text()).contains("event: session.revoked").contains(sessionId(mine));
    assertThat(r.text().strip().lines().reduce((a, b) -> b).orElseThrow()).startsWith("id: ");
    revoker.interrupt();
  }

  @Test
  void aLongPollWithNothingForTheSessionEndsEmptyWithAResumeId() {
    Reply mine = signUp(api, 60);
    String sdkAuth = ApiClient.basic(server.publicToken, mine.text("session_token"));
    Reply r = api.send("GET", "/sdk/v1/sessions/events?wait_seconds=1", null, Map.of("Authorization", sdkAuth));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.text()).doesNotContain("event:").startsWith("id: ");
  }

  @Test
  void aWaitOutsideOneToTwentyFiveSecondsIsA400() {
    Reply mine = signUp(api, 60);
    String sdkAuth = ApiClient.basic(server.publicToken, mine.text("session_token"));
    for (String bad : new String[] {"0", "26", "x", "1.5"}) {
      Reply r = api.send("GET", "/sdk/v1/sessions/events?wait_seconds=" + bad, null,
          Map.of("Authorization", sdkAuth));
      assertThat(r.status()).as(bad).isEqualTo(400);
      assertThat(r.text("error_type")).isEqualTo("bad_request");
    }
  }
}
