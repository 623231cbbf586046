package dev.latchkey.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.model.Session;
import dev.latchkey.server.testing.TestServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The revocation watch against a real server: a revoke made elsewhere signs the client out through the event
 * stream, long before the next refresh (set to an hour here, so only the watch can be the cause).
 */
class RevocationWatchTest {
  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static LatchkeyClient watching() {
    return Fixture.client(server).refreshInterval(Duration.ofHours(1)).revocationWatch(true)
        .revocationWait(Duration.ofSeconds(5)).build();
  }

  @Test
  void aRevokeElsewhereFiresOnChangeNullWithoutARefresh() throws Exception {
    try (LatchkeyClient client = watching()) {
      Fixture.Recorder<Session> sessions = new Fixture.Recorder<>();
      client.session().onChange(sessions);
      Fixture.signIn(client, server);
      assertThat(sessions.next()).isInstanceOf(Session.class);
      String sessionId = client.session().getSync().sessionId();

      Fixture.revokeOnServer(server, sessionId);

      assertThat(sessions.next()).isEqualTo(Fixture.Recorder.SIGNED_OUT);
      assertThat(client.session().getSync()).isNull();
      assertThat(client.session().getTokens()).isNull();
    }
  }

  @Test
  void anotherSessionsRevokeLeavesThisClientSignedIn() throws Exception {
    try (LatchkeyClient client = watching()) {
      Fixture.Recorder<Session> sessions = new Fixture.Recorder<>();
      client.session().onChange(sessions);
      Fixture.signIn(client, server);
      assertThat(sessions.next()).isInstanceOf(Session.class);
      String mine = client.session().getSync().sessionId();
      String other = Fixture.signUp(server).path("session").path("session_id").asText();

      Fixture.revokeOnServer(server, other);
      // The watch's own revoke, later, proves the watch was running while the other revoke passed.
      Fixture.revokeOnServer(server, mine);

      assertThat(sessions.next()).isEqualTo(Fixture.Recorder.SIGNED_OUT);
      assertThat(sessions.seen).isEmpty();
    }
  }

  @Test
  void theWatchIsOnByDefaultOffTheAndroidRuntime() {
    assertThat(LatchkeyClient.onAndroid()).isFalse();
  }
}
