package dev.latchkey.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.model.AuthenticateResponse;
import dev.latchkey.model.AuthenticationFactor;
import dev.latchkey.model.Session;
import dev.latchkey.server.testing.SoftwareAuthenticator;
import dev.latchkey.server.testing.TestServer;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code webauthn()} against a real server, with a software authenticator in the platform's place: the client hands
 * out the options as JSON and takes the credential's JSON back, and the sessions it keeps gain the passkey factor.
 */
class WebAuthnClientTest {
  private static final String ORIGIN = "https://app.example.com";
  private static final String DOMAIN = "app.example.com";
  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of("LATCHKEY_WEBAUTHN_ORIGINS", ORIGIN), Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static List<String> factorTypes(Session s) {
    return s.authenticationFactors().stream().map(AuthenticationFactor::type).toList();
  }

  @Test
  void aPasskeyRegisteredWhileSignedInSignsInAloneLater() throws Exception {
    try (LatchkeyClient client = Fixture.client(server).scheduler(new ManualScheduler()).build()) {
      AuthenticateResponse signedUp = client.passwords().create(Fixture.newEmail(), "correct horse battery 5521",
          60).join();
      SoftwareAuthenticator platform = SoftwareAuthenticator.passkey();

      String options = client.webauthn().registerStart(DOMAIN, true).join();
      AuthenticateResponse registered = client.webauthn().register(platform.register(options, ORIGIN), 60).join();
      assertThat(registered.session().sessionId()).isEqualTo(signedUp.session().sessionId());
      assertThat(factorTypes(client.session().getSync())).containsExactly("password", "webauthn");
      assertThat(client.user().getSync().webauthnRegistrations()).singleElement()
          .satisfies(r -> assertThat(r.domain()).isEqualTo(DOMAIN));

      // Signed in, a sign-in start is a second factor for this user; its assertion steps the session up again.
      String secondary = client.webauthn().authenticateStart(DOMAIN, false).join();
      assertThat(secondary).contains("allowCredentials").contains(platform.credentialId());
      client.webauthn().authenticate(platform.authenticate(secondary, ORIGIN), 60).join();
      assertThat(client.session().getSync().sessionId()).isEqualTo(signedUp.session().sessionId());

      client.session().revoke(RevokeOptions.defaults()).join();
      assertThat(client.session().getSync()).isNull();
      String challenge = client.webauthn().authenticateStart(DOMAIN, true).join();
      AuthenticateResponse signedIn = client.webauthn().authenticate(platform.authenticate(challenge, ORIGIN), 60)
          .join();
      assertThat(signedIn.userId()).isEqualTo(signedUp.userId());
      assertThat(factorTypes(client.session().getSync())).containsExactly("webauthn");
      assertThat(client.session().getTokens().sessionToken()).isEqualTo(signedIn.sessionToken());
    }
  }

  @Test
  void registeringNeedsASessionAndARefusedCredentialKeepsTheSession() {
    try (LatchkeyClient client = Fixture.client(server).scheduler(new ManualScheduler()).build()) {
      assertThatThrownBy(() -> client.webauthn().register("{}", 60).join())
          .hasCauseInstanceOf(LatchkeyClientException.class)
          .satisfies(e -> assertThat(((LatchkeyClientException) e.getCause()).errorType())
              .isEqualTo(LatchkeyClientException.NO_SESSION));
      AuthenticateResponse signedUp = client.passwords().create(Fixture.newEmail(), "correct horse battery 5522",
          60).join();
      client.webauthn().registerStart(DOMAIN, true).join();
      assertThatThrownBy(() -> client.webauthn().register("{}", 60).join())
          .isInstanceOf(CompletionException.class)
          .satisfies(e -> assertThat(((LatchkeyClientException) e.getCause()).errorType())
              .isEqualTo("invalid_public_key_credential"));
      assertThat(client.session().getSync().sessionId()).isEqualTo(signedUp.session().sessionId());
      assertThatThrownBy(() -> client.webauthn().registerStart(" ", true))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("domain");
    }
  }
}
