package dev.latchkey.client;

import static dev.latchkey.client.Fixture.failure;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.TestServer;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code revokeOthers()} against a real server: the other devices are signed out, this one stays. */
class RevokeOthersTest {
  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void theUsersOtherSessionsAreRevokedAndThisOneStays() {
    JsonNode other = Fixture.signUp(server);
    String email = other.path("user").path("emails").get(0).path("email").asText();
    ApiClient.Reply second = server.api().post("/v1/passwords/authenticate", "{\"email\":\"" + email
        + "\",\"password\":\"" + Fixture.PASSWORD + "\",\"session_duration_minutes\":60}");
    assertThat(second.status()).as(second.text()).isEqualTo(200);
    try (LatchkeyClient client = Fixture.client(server).scheduler(new ManualScheduler()).build()) {
      client.session().updateSession(Fixture.tokens(second.json()));
      client.session().authenticate(SessionOptions.checkOnly()).join();

      List<String> revoked = client.session().revokeOthers().join();

      assertThat(revoked).containsExactly(other.path("session").path("session_id").asText());
      assertThat(server.api().post("/v1/sessions/authenticate", "{\"session_token\":\""
          + other.path("session_token").asText() + "\"}").status()).isEqualTo(404);
      assertThat(client.session().authenticate(SessionOptions.checkOnly()).join().session().sessionId())
          .isEqualTo(second.json().path("session").path("session_id").asText());
    }
  }

  @Test
  void signedOutThereIsNoSessionToKeep() {
    try (LatchkeyClient client = Fixture.client(server).scheduler(new ManualScheduler()).build()) {
      assertThat(failure(client.session().revokeOthers()).errorType()).isEqualTo(LatchkeyClientException.NO_SESSION);
    }
  }
}
