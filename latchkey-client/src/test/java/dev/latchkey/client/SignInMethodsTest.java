package dev.latchkey.client;

import static dev.latchkey.client.Fixture.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.model.AuthenticateResponse;
import dev.latchkey.model.AuthenticationFactor;
import dev.latchkey.model.Session;
import dev.latchkey.model.TotpRecoveryCodesResponse;
import dev.latchkey.model.User;
import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.TestServer;
import dev.latchkey.server.testing.TotpCodes;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Magic links, email codes, TOTPs and password resets through the client against a real server; mailed links and
 * codes are read from the server's dev outbox, as a developer without SMTP reads them.
 */
class SignInMethodsTest {
  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of("LATCHKEY_DEV_OUTBOX", "true"), Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** The newest mail to {@code email} in the dev outbox. */
  private static JsonNode lastMail(String email) {
    ApiClient.Reply r = server.api().get("/v1/dev/outbox?email=" + email + "&limit=1");
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    return r.json().path("messages").get(0);
  }

  private static List<String> factorTypes(Session s) {
    return s.authenticationFactors().stream().map(AuthenticationFactor::type).toList();
  }

  @Test
  void anEmailCodeSignsInAndTheListenersHearOfTheNewSession() throws Exception {
    try (LatchkeyClient client = Fixture.client(server).scheduler(new ManualScheduler()).build()) {
      Fixture.Recorder<Session> sessions = new Fixture.Recorder<>();
      client.session().onChange(sessions);
      String email = Fixture.newEmail();

      EmailSent sent = client.otps().loginOrCreate(email).join();
      AuthenticateResponse r = client.otps().authenticate(sent.methodId(), lastMail(email).path("code").asText(),
          60).join();

      assertThat(sent.userCreated()).isTrue();
      assertThat(sent.methodId()).isEqualTo(sent.emailId());
      assertThat(client.session().getSync().sessionId()).isEqualTo(r.session().sessionId());
      assertThat(factorTypes(client.session().getSync())).containsExactly("otp");
      assertThat(client.session().getTokens().sessionToken()).isEqualTo(r.sessionToken());
      assertThat(client.user().getSync().userId()).isEqualTo(sent.userId());
      assertThat(Fixture.sessionOf(sessions.next()).sessionId()).isEqualTo(r.session().sessionId());
    }
  }

  @Test
  void aMagicLinkSignsInAndAnEmailCodeSentWhileSignedInStepsThatSessionUp() throws Exception {
    try (LatchkeyClient client = Fixture.client(server).scheduler(new ManualScheduler()).build()) {
      Fixture.Recorder<Session> sessions = new Fixture.Recorder<>();
      client.session().onChange(sessions);
      String email = Fixture.newEmail();
      client.magicLinks().loginOrCreate(email).join();
      JsonNode mail = lastMail(email);
      AuthenticateResponse first = client.magicLinks().authenticate(mail.path("token").asText(), 60).join();
      assertThat(factorTypes(Fixture.sessionOf(sessions.next()))).containsExactly("magic_link");

      EmailSent sent = client.otps().send(email).join();
      AuthenticateResponse stepped = client.otps().authenticate(sent.methodId(),
          lastMail(email).path("code").asText(), 60).join();

      assertThat(stepped.session().sessionId()).isEqualTo(first.session().sessionId());
      Session heard = Fixture.sessionOf(sessions.next());
      assertThat(heard.sessionId()).isEqualTo(first.session().sessionId());
      assertThat(factorTypes(heard)).containsExactlyInAnyOrder("magic_link", "otp");
      assertThat(factorTypes(client.session().getSync())).hasSize(2);
    }
  }

  @Test
  void signedOutASendGoesOnlyToAnExistingUser() {
    try (LatchkeyClient client = Fixture.client(server).scheduler(new ManualScheduler()).build()) {
      assertThat(failure(client.magicLinks().send(Fixture.newEmail())).errorType()).isEqualTo("email_not_found");
      assertThat(failure(client.otps().send(Fixture.newEmail())).errorType()).isEqualTo("email_not_found");
      assertThat(client.session().getSync()).isNull();
    }
  }

  @Test
  void anAuthenticatorAppEnrolledThroughTheClientMakesATwoFactorSession() throws Exception {
    try (LatchkeyClient client = Fixture.client(server).scheduler(new ManualScheduler()).build()) {
      AuthenticateResponse signUp = client.passwords().create(Fixture.newEmail(), Fixture.PASSWORD, 60).join();
      Fixture.Recorder<User> users = new Fixture.Recorder<>();
      client.user().onChange(users);

      TotpRegistration reg = client.totps().create(60).join();
      User withTotp = (User) users.next();
      assertThat(withTotp.totps()).singleElement().satisfies(t -> assertThat(t.verified()).isFalse());
      assertThat(reg.recoveryCodes()).hasSize(10);
      assertThat(reg.toString()).doesNotContain(reg.secret());

      AuthenticateResponse r = client.totps().authenticate(TotpCodes.at(reg.secret(), Instant.now()), 60).join();
      assertThat(r.session().sessionId()).isEqualTo(signUp.session().sessionId());
      assertThat(factorTypes(client.session().getSync())).containsExactlyInAnyOrder("password", "totp");

      List<TotpRecoveryCodesResponse.TotpRecoveryCodes> codes = client.totps().recoveryCodes().join();
      assertThat(codes).singleElement().satisfies(c -> assertThat(c.recoveryCodes()).hasSize(10));
      AuthenticateResponse recovered = client.totps().recover(reg.recoveryCodes().get(0), 60).join();
      assertThat(recovered.session().sessionId()).isEqualTo(signUp.session().sessionId());
      assertThat(client.totps().recoveryCodes().join().get(0).recoveryCodes()).hasSize(9);
    }
  }

  @Test
  void totpCallsNeedASessionAndFailAtOnceWithoutOne() {
    try (LatchkeyClient client = Fixture.client(server).scheduler(new ManualScheduler()).build()) {
      assertThat(failure(client.totps().create(60)).errorType()).isEqualTo(LatchkeyClientException.NO_SESSION);
      assertThat(failure(client.totps().authenticate("123456", 60)).errorType())
          .isEqualTo(LatchkeyClientException.NO_SESSION);
      assertThat(failure(client.totps().recoveryCodes()).errorType()).isEqualTo(LatchkeyClientException.NO_SESSION);
      assertThatThrownBy(() -> client.totps().create(4)).isInstanceOf(IllegalArgumentException.class)
          .hasMessage("expirationMinutes is 4; it must be between 5 and 1440");
    }
  }

  @Test
  void aPasswordResetByEmailSignsInWithTheNewPassword() {
    String email = Fixture.newEmail();
    String newPassword = "a brand new passphrase 77";
    try (LatchkeyClient client = Fixture.client(server).scheduler(new ManualScheduler()).build()) {
      client.passwords().create(email, Fixture.PASSWORD, 60).join();
    }
    try (LatchkeyClient client = Fixture.client(server).scheduler(new ManualScheduler()).build()) {
      assertThat(client.passwords().strengthCheck(email, "password").join().validPassword()).isFalse();
      assertThat(client.passwords().strengthCheck(null, newPassword).join().validPassword()).isTrue();

      client.passwords().resetByEmailStart(email).join();
      AuthenticateResponse r = client.passwords().resetByEmail(lastMail(email).path("token").asText(), newPassword,
          60).join();

      assertThat(client.session().getSync().sessionId()).isEqualTo(r.session().sessionId());
      assertThat(failure(client.passwords().authenticate(email, Fixture.PASSWORD, 60)).errorType())
          .isEqualTo("unauthorized_credentials");
      client.passwords().authenticate(email, newPassword, 60).join();
    }
  }

  @Test
  void resetsByExistingPasswordAndBySessionKeepTheClientSignedIn() {
    String email = Fixture.newEmail();
    String second = "a brand new passphrase 77";
    String third = "quartz lantern meadow 4921";
    try (LatchkeyClient client = Fixture.client(server).scheduler(new ManualScheduler()).build()) {
      assertThat(failure(client.passwords().resetBySession(second, 60)).errorType())
          .isEqualTo(LatchkeyClientException.NO_SESSION);
      client.passwords().create(email, Fixture.PASSWORD, 60).join();

      AuthenticateResponse byExisting = client.passwords().resetByExistingPassword(email, Fixture.PASSWORD, second,
          60).join();
      assertThat(client.session().getSync().sessionId()).isEqualTo(byExisting.session().sessionId());

      AuthenticateResponse bySession = client.passwords().resetBySession(third, 60).join();
      assertThat(bySession.session().sessionId()).isEqualTo(byExisting.session().sessionId());
      assertThat(client.session().getSync().sessionId()).isEqualTo(byExisting.session().sessionId());
      client.passwords().authenticate(email, third, 60).join();
    }
  }
}
