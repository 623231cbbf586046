package dev.latchkey.server.api;

import static dev.latchkey.server.testing.Wire.body;
import static dev.latchkey.server.testing.Wire.email;
import static dev.latchkey.server.testing.Wire.ok;
import static dev.latchkey.server.testing.Wire.refused;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.TestServer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** "Sign me out everywhere else": the user's other sessions are revoked, the one presented and other users' stay. */
class RevokeOthersApiTest {
  private static final String PASSWORD = "correct horse battery staple 7";
  private static TestServer server;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of(), Clock.systemUTC());
    api = server.api();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** Signs a new user up and in {@code n} times; the sessions, oldest first, as {token, session_id}. */
  private static List<String[]> sessionsOf(String address, int n) {
    List<String[]> out = new ArrayList<>();
    JsonNode created = ok(api.post("/v1/passwords", body("email", address, "password", PASSWORD,
        "session_duration_minutes", 60)));
    out.add(new String[] {created.path("session_token").asText(), created.path("session").path("session_id").asText()});
    for (int i = 1; i < n; i++) {
      JsonNode in = ok(api.post("/v1/passwords/authenticate", body("email", address, "password", PASSWORD,
          "session_duration_minutes", 60)));
      out.add(new String[] {in.path("session_token").asText(), in.path("session").path("session_id").asText()});
    }
    return out;
  }

  private static int check(String token) {
    return api.post("/v1/sessions/authenticate", body("session_token", token)).status();
  }

  @Test
  void theUsersOtherSessionsAreRevokedAndThePresentedOneAndOtherUsersStay() {
    List<String[]> mine = sessionsOf(email("others"), 3);
    List<String[]> someoneElse = sessionsOf(email("bystander"), 1);

    JsonNode r = ok(api.post("/v1/sessions/revoke_others", body("session_token", mine.get(1)[0])));

    assertThat(r.path("revoked_session_ids")).extracting(JsonNode::asText)
        .containsExactlyInAnyOrder(mine.get(0)[1], mine.get(2)[1]);
    assertThat(check(mine.get(0)[0])).isEqualTo(404);
    assertThat(check(mine.get(2)[0])).isEqualTo(404);
    assertThat(check(mine.get(1)[0])).isEqualTo(200);
    assertThat(check(someoneElse.get(0)[0])).isEqualTo(200);
    // Again: nothing left to revoke.
    assertThat(ok(api.post("/v1/sessions/revoke_others", body("session_token", mine.get(1)[0])))
        .path("revoked_session_ids")).isEmpty();
  }

  @Test
  void theSessionToKeepMayBeNamedByItsJwt() {
    String address = email("others-jwt");
    List<String[]> mine = sessionsOf(address, 2);
    String jwt = ok(api.post("/v1/sessions/authenticate", body("session_token", mine.get(1)[0])))
        .path("session_jwt").asText();

    JsonNode r = ok(api.post("/v1/sessions/revoke_others", body("session_jwt", jwt)));

    assertThat(r.path("revoked_session_ids")).extracting(JsonNode::asText).containsExactly(mine.get(0)[1]);
    assertThat(check(mine.get(1)[0])).isEqualTo(200);
  }

  @Test
  void aDeviceSignsItsUserOutOfEveryOtherDevice() {
    List<String[]> mine = sessionsOf(email("others-sdk"), 2);
    ApiClient device = new ApiClient(server.baseUrl(), server.publicToken, mine.get(1)[0]);

    JsonNode r = ok(device.post("/sdk/v1/sessions/revoke_others", "")).path("data");

    assertThat(r.path("revoked_session_ids")).extracting(JsonNode::asText).containsExactly(mine.get(0)[1]);
    assertThat(check(mine.get(0)[0])).isEqualTo(404);
    assertThat(check(mine.get(1)[0])).isEqualTo(200);
  }

  @Test
  void withoutALiveSessionToKeepNothingIsRevoked() {
    List<String[]> mine = sessionsOf(email("others-refused"), 2);

    refused(api.post("/v1/sessions/revoke_others", "{}"), 400, "no_session_arguments");
    refused(api.post("/v1/sessions/revoke_others", body("session_token", mine.get(0)[0], "session_jwt", "x.y.z")),
        400, "too_many_session_arguments");
    refused(api.post("/v1/sessions/revoke_others", body("session_token", "A".repeat(44))), 404,
        "session_not_found");
    refused(api.post("/v1/sessions/revoke_others", body("session_token", 7)), 400, "invalid_field_type");
    refused(new ApiClient(server.baseUrl(), server.publicToken, server.publicToken)
        .post("/sdk/v1/sessions/revoke_others", ""), 401, "user_unauthenticated");

    assertThat(check(mine.get(0)[0])).isEqualTo(200);
    assertThat(check(mine.get(1)[0])).isEqualTo(200);
  }
}
