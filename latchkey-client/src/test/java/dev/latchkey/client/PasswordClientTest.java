package dev.latchkey.client;

import static dev.latchkey.client.Fixture.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.model.AuthenticateResponse;
import dev.latchkey.model.Session;
import dev.latchkey.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PasswordClientTest {
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
  void signUpThroughTheSdkStartsTheClientsSessionAndTellsTheListeners() throws Exception {
    try (LatchkeyClient client = Fixture.client(server).scheduler(new ManualScheduler()).build()) {
      Fixture.Recorder<Session> sessions = new Fixture.Recorder<>();
      client.session().onChange(sessions);
      String email = Fixture.newEmail();

      AuthenticateResponse r = client.passwords().create(email, Fixture.PASSWORD, 60).join();

      assertThat(client.session().getSync().sessionId()).isEqualTo(r.session().sessionId());
      assertThat(client.session().getTokens().sessionToken()).isEqualTo(r.sessionToken());
      assertThat(client.user().getSync().emails()).singleElement().satisfies(e -> assertThat(e.email())
          .isEqualTo(email));
      assertThat(((Session) sessions.next()).sessionId()).isEqualTo(r.session().sessionId());
    }
  }

  @Test
  void signInReplacesTheSignedOutStateAndAWrongPasswordLeavesTheSessionAlone() throws Exception {
    String email = Fixture.newEmail();
    try (LatchkeyClient signUp = Fixture.client(server).scheduler(new ManualScheduler()).build()) {
      signUp.passwords().create(email, Fixture.PASSWORD, 60).join();
    }
    try (LatchkeyClient client = Fixture.client(server).scheduler(new ManualScheduler()).build()) {
      LatchkeyClientException wrong = failure(client.passwords().authenticate(email, "not the password", 60));
      assertThat(wrong.errorType()).isEqualTo("unauthorized_credentials");
      assertThat(client.session().getSync()).isNull();

      AuthenticateResponse r = client.passwords().authenticate(email, Fixture.PASSWORD, 60).join();
      assertThat(client.session().getSync().sessionId()).isEqualTo(r.session().sessionId());

      // A wrong password while signed in is a failed sign-in, not a verdict on the session.
      assertThat(failure(client.passwords().authenticate(email, "not the password", 60)).errorType())
          .isEqualTo("unauthorized_credentials");
      assertThat(client.session().getSync().sessionId()).isEqualTo(r.session().sessionId());
      assertThat(client.session().authenticate(SessionOptions.checkOnly()).join().session().sessionId())
          .isEqualTo(r.session().sessionId());
    }
  }

  @Test
  void aDurationOutsideStytchsRangeIsRefusedBeforeAnyRequest() {
    try (LatchkeyClient client = Fixture.client(server).scheduler(new ManualScheduler()).build()) {
      assertThatThrownBy(() -> client.passwords().authenticate("a@example.com", Fixture.PASSWORD, 4))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("durationMinutes is 4; it must be between 5 and 527040");
    }
  }
}
