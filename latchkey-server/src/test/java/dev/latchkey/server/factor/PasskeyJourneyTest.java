package dev.latchkey.server.factor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.SoftwareAuthenticator;
import dev.latchkey.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A passkey as either factor of a two-factor session, through the frontend SDK endpoints as a device calls them:
 * a user signs up with a password and adds a passkey; later a password sign-in is stepped up with the passkey (same
 * session, both factors, in the reply and in the JWT the backend then accepts); and a passkey sign-in is stepped up
 * with the password. Another user's session cannot be stepped up with her passkey.
 */
class PasskeyJourneyTest {
  private static final String ORIGIN = "https://app.example.com";
  private static final String DOMAIN = "app.example.com";
  private static final String PASSWORD = "correct horse battery staple 2291";
  private static TestServer server;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of("LATCHKEY_WEBAUTHN_ORIGINS", ORIGIN), Clock.systemUTC());
    api = server.api();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** An {@code /sdk/v1} call as a device makes it: signed in with {@code sessionToken}, or signed out (null). */
  private static JsonNode sdk(String path, String sessionToken, String body) {
    String password = sessionToken == null ? server.publicToken : sessionToken;
    ApiClient.Reply r = server.anonymous().send("POST", path, body, Map.of("Authorization",
        ApiClient.basic(server.publicToken, password)));
    assertThat(r.status()).as(path + ": " + r.text()).isEqualTo(200);
    return r.json().path("data");
  }

  private static String quoted(String json) {
    return "\"" + json.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static List<String> factorTypes(JsonNode session) {
    List<String> types = new ArrayList<>();
    session.path("authentication_factors").forEach(f -> types.add(f.path("type").asText()));
    return types;
  }

  private static JsonNode jwtSessionClaim(String jwt) throws Exception {
    String payload = new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8);
    return new com.fasterxml.jackson.databind.ObjectMapper().readTree(payload).path("https://stytch.com/session");
  }

  @Test
  void aPasskeyIsTheSecondFactorOfAPasswordSessionAndTheFirstOfAnother() throws Exception {
    String email = "journey-passkey-" + System.nanoTime() + "@example.com";
    JsonNode signedUp = sdk("/sdk/v1/passwords", null, "{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD
        + "\",\"session_duration_minutes\":60}");
    String userId = signedUp.path("user_id").asText();

    // Enrolment: the passkey is registered from the password session, which it steps up.
    SoftwareAuthenticator passkey = SoftwareAuthenticator.passkey();
    JsonNode options = sdk("/sdk/v1/webauthn/register/start", signedUp.path("session_token").asText(),
        "{\"domain\":\"" + DOMAIN + "\",\"return_passkey_credential_options\":true}");
    JsonNode registered = sdk("/sdk/v1/webauthn/register", signedUp.path("session_token").asText(),
        "{\"public_key_credential\":" + quoted(passkey.register(
            options.path("public_key_credential_creation_options").asText(), ORIGIN)) + "}");
    assertThat(factorTypes(registered.path("session"))).containsExactly("password", "webauthn");

    // Later, a password sign-in is one factor; the passkey makes it two, in the same session.
    JsonNode password = sdk("/sdk/v1/passwords/authenticate", null, "{\"email\":\"" + email + "\",\"password\":\""
        + PASSWORD + "\",\"session_duration_minutes\":60}");
    String token = password.path("session_token").asText();
    assertThat(factorTypes(password.path("session"))).containsExactly("password");
    JsonNode challenge = sdk("/sdk/v1/webauthn/authenticate/start/secondary", token, "{\"domain\":\"" + DOMAIN
        + "\"}");
    JsonNode stepped = sdk("/sdk/v1/webauthn/authenticate", token, "{\"public_key_credential\":" + quoted(
        passkey.authenticate(challenge.path("public_key_credential_request_options").asText(), ORIGIN))
        + ",\"session_duration_minutes\":60}");
    assertThat(stepped.path("session").path("session_id").asText())
        .isEqualTo(password.path("session").path("session_id").asText());
    assertThat(factorTypes(stepped.path("session"))).containsExactly("password", "webauthn");
    assertThat(factorTypes(jwtSessionClaim(stepped.path("session_jwt").asText())))
        .containsExactly("password", "webauthn");
    ApiClient.Reply backend = api.post("/v1/sessions/authenticate", "{\"session_jwt\":\""
        + stepped.path("session_jwt").asText() + "\"}");
    assertThat(backend.status()).as(backend.text()).isEqualTo(200);
    assertThat(factorTypes(backend.json().path("session"))).containsExactly("password", "webauthn");

    // The other way round: a passkey sign-in (signed out, no user named), stepped up with the password.
    JsonNode primary = sdk("/sdk/v1/webauthn/authenticate/start/primary", null, "{\"domain\":\"" + DOMAIN + "\"}");
    JsonNode byPasskey = sdk("/sdk/v1/webauthn/authenticate", null, "{\"public_key_credential\":" + quoted(
        passkey.authenticate(primary.path("public_key_credential_request_options").asText(), ORIGIN))
        + ",\"session_duration_minutes\":60}");
    assertThat(byPasskey.path("user_id").asText()).isEqualTo(userId);
    assertThat(factorTypes(byPasskey.path("session"))).containsExactly("webauthn");
    ApiClient.Reply both = api.post("/v1/passwords/authenticate", "{\"email\":\"" + email + "\",\"password\":\""
        + PASSWORD + "\",\"session_token\":\"" + byPasskey.path("session_token").asText() + "\"}");
    assertThat(both.status()).as(both.text()).isEqualTo(200);
    assertThat(factorTypes(both.json().path("session"))).containsExactly("webauthn", "password");
  }

  @Test
  void anotherUsersSessionCannotBeSteppedUpWithMyPasskey() {
    JsonNode ada = sdk("/sdk/v1/passwords", null, "{\"email\":\"journey-ada-" + System.nanoTime()
        + "@example.com\",\"password\":\"" + PASSWORD + "\",\"session_duration_minutes\":60}");
    JsonNode bob = sdk("/sdk/v1/passwords", null, "{\"email\":\"journey-bob-" + System.nanoTime()
        + "@example.com\",\"password\":\"" + PASSWORD + "\",\"session_duration_minutes\":60}");
    SoftwareAuthenticator adas = SoftwareAuthenticator.passkey();
    JsonNode options = sdk("/sdk/v1/webauthn/register/start", ada.path("session_token").asText(),
        "{\"domain\":\"" + DOMAIN + "\",\"return_passkey_credential_options\":true}");
    sdk("/sdk/v1/webauthn/register", ada.path("session_token").asText(), "{\"public_key_credential\":" + quoted(
        adas.register(options.path("public_key_credential_creation_options").asText(), ORIGIN)) + "}");

    JsonNode primary = sdk("/sdk/v1/webauthn/authenticate/start/primary", null, "{\"domain\":\"" + DOMAIN + "\"}");
    String bobs = bob.path("session_token").asText();
    ApiClient.Reply r = server.anonymous().send("POST", "/sdk/v1/webauthn/authenticate", "{\"public_key_credential\":"
        + quoted(adas.authenticate(primary.path("public_key_credential_request_options").asText(), ORIGIN))
        + ",\"session_duration_minutes\":60}", Map.of("Authorization", ApiClient.basic(server.publicToken, bobs)));
    assertThat(r.status()).as(r.text()).isEqualTo(400);
    assertThat(r.text("error_type")).isEqualTo("user_id_mismatch");
    ApiClient.Reply still = api.post("/v1/sessions/authenticate", "{\"session_token\":\"" + bobs + "\"}");
    assertThat(factorTypes(still.json().path("session"))).containsExactly("password");
  }
}
