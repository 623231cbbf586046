package dev.latchkey.server.compat;

import static dev.latchkey.server.compat.SdkCalls.error;
import static dev.latchkey.server.compat.SdkCalls.get;
import static dev.latchkey.server.compat.SdkCalls.success;
import static org.assertj.core.api.Assertions.assertThat;

import com.stytch.java.common.ErrorResponse;
import com.stytch.java.common.OptionalClientConfig;
import com.stytch.java.consumer.StytchClient;
import com.stytch.java.consumer.models.sessions.AuthenticationFactor;
import com.stytch.java.consumer.models.users.DeleteWebAuthnRegistrationRequest;
import com.stytch.java.consumer.models.users.DeleteWebAuthnRegistrationResponse;
import com.stytch.java.consumer.models.users.WebAuthnRegistration;
import com.stytch.java.consumer.models.webauthn.AuthenticateRequest;
import com.stytch.java.consumer.models.webauthn.AuthenticateResponse;
import com.stytch.java.consumer.models.webauthn.AuthenticateStartRequest;
import com.stytch.java.consumer.models.webauthn.AuthenticateStartResponse;
import com.stytch.java.consumer.models.webauthn.ListCredentialsRequest;
import com.stytch.java.consumer.models.webauthn.ListCredentialsResponse;
import com.stytch.java.consumer.models.webauthn.RegisterRequest;
import com.stytch.java.consumer.models.webauthn.RegisterResponse;
import com.stytch.java.consumer.models.webauthn.RegisterStartRequest;
import com.stytch.java.consumer.models.webauthn.RegisterStartResponse;
import com.stytch.java.consumer.models.webauthn.UpdateRequest;
import com.stytch.java.consumer.models.webauthn.UpdateResponse;
import dev.latchkey.server.testing.SoftwareAuthenticator;
import dev.latchkey.server.testing.TestServer;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The official Stytch Java SDK's {@code webauthn.*} calls (and {@code users.deleteWebAuthnRegistration}) against a
 * real Latchkey, with a software authenticator answering the options the SDK hands back: every reply must
 * deserialize into the SDK's models and every error into its error type.
 */
class StytchJavaSdkWebAuthnCompatTest {
  private static final String ORIGIN = "https://app.example.com";
  private static final String DOMAIN = "app.example.com";

  private static TestServer server;
  private static StytchClient stytch;

  @BeforeAll
  static void startServerAndClient() {
    server = TestServer.start(Map.of("LATCHKEY_WEBAUTHN_ORIGINS", ORIGIN), Clock.systemUTC());
    stytch = new StytchClient(server.projectId, server.secret, new OptionalClientConfig(server.baseUrl()));
  }

  @AfterAll
  static void stopServerAndClient() {
    stytch.close();
    server.close();
  }

  @Test
  void everyWebAuthnCallOfTheSdkWorksAndDeserializes() {
    String userId = server.api().post("/v1/users", "{\"email\":\"sdk-passkey-" + System.nanoTime()
        + "@example.com\"}").text("user_id");
    SoftwareAuthenticator passkey = SoftwareAuthenticator.passkey();

    RegisterStartResponse start = success(stytch.getWebauthn().registerStartCompletable(new RegisterStartRequest(
        userId, DOMAIN, "Mozilla/5.0 (compat)", "platform", true, null, null, null, true)));
    assertThat(start.getUserId()).isEqualTo(userId);
    RegisterResponse registered = success(stytch.getWebauthn().registerCompletable(new RegisterRequest(userId,
        passkey.register(start.getPublicKeyCredentialCreationOptions(), ORIGIN), null, 30)));
    String registrationId = registered.getWebauthnRegistrationId();
    assertThat(registrationId).startsWith("webauthn-registration-test-");
    assertThat(registered.getSession()).isNotNull();
    assertThat(registered.getUser().getWebauthnRegistrations()).singleElement().satisfies(r -> {
      assertThat(r.getDomain()).isEqualTo(DOMAIN);
      assertThat(r.getUserAgent()).isEqualTo("Mozilla/5.0 (compat)");
      assertThat(r.getAuthenticatorType()).isEqualTo("platform");
      assertThat(r.getVerified()).isTrue();
    });

    // A passkey sign-in names no user; the SDK parses the webauthn factor into its own enums.
    AuthenticateStartResponse signInStart = success(stytch.getWebauthn().authenticateStartCompletable(
        new AuthenticateStartRequest(DOMAIN, null, true, true)));
    assertThat(signInStart.getUserId()).isEmpty();
    AuthenticateResponse signedIn = success(stytch.getWebauthn().authenticateCompletable(new AuthenticateRequest(
        passkey.authenticate(signInStart.getPublicKeyCredentialRequestOptions(), ORIGIN), null, 60)));
    assertThat(signedIn.getUserId()).isEqualTo(userId);
    assertThat(signedIn.getWebauthnRegistrationId()).isEqualTo(registrationId);
    AuthenticationFactor factor = signedIn.getSession().getAuthenticationFactors().get(0);
    assertThat(factor.getType().name()).isEqualTo("WEBAUTHN");
    assertThat(factor.getDeliveryMethod().name()).isEqualTo("WEBAUTHN_REGISTRATION");
    assertThat(factor.getWebauthnFactor().getWebauthnRegistrationId()).isEqualTo(registrationId);
    assertThat(factor.getWebauthnFactor().getDomain()).isEqualTo(DOMAIN);

    UpdateResponse updated = success(stytch.getWebauthn().updateCompletable(new UpdateRequest(registrationId,
        "Work laptop")));
    WebAuthnRegistration renamed = updated.getWebauthnRegistration();
    assertThat(renamed.getName()).isEqualTo("Work laptop");

    ListCredentialsResponse listed = success(stytch.getWebauthn().listCredentialsCompletable(
        new ListCredentialsRequest(userId, DOMAIN)));
    assertThat(listed.getCredentials()).singleElement().satisfies(c -> {
      assertThat(c.getCredentialId()).isEqualTo(passkey.credentialId());
      assertThat(c.getWebauthnRegistrationId()).isEqualTo(registrationId);
      assertThat(c.getType()).isEqualTo("public-key");
      assertThat(c.getPublicKey()).isNotEmpty();
    });

    DeleteWebAuthnRegistrationResponse deleted = success(stytch.getUsers().deleteWebAuthnRegistrationCompletable(
        new DeleteWebAuthnRegistrationRequest(registrationId)));
    assertThat(deleted.getUser().getWebauthnRegistrations()).isEmpty();

    ErrorResponse gone = error(stytch.getWebauthn().authenticateStartCompletable(
        new AuthenticateStartRequest(DOMAIN, userId)));
    assertThat(gone.getStatusCode()).isEqualTo(404);
    assertThat(gone.getErrorType()).isEqualTo("webauthn_registration_not_found");
    ErrorResponse bad = error(stytch.getWebauthn().registerCompletable(new RegisterRequest(userId, "{}")));
    assertThat(bad.getErrorType()).isEqualTo("invalid_public_key_credential");
    ErrorResponse wrongDomain = error(stytch.getWebauthn().registerStartCompletable(
        new RegisterStartRequest(userId, "evil.example")));
    assertThat(wrongDomain.getErrorType()).isEqualTo("invalid_domain");
  }


}
