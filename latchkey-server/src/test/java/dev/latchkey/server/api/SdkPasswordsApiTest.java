package dev.latchkey.server.api;

import static dev.latchkey.server.api.Wire.PASSWORD;
import static dev.latchkey.server.api.Wire.assertError;
import static dev.latchkey.server.api.Wire.body;
import static dev.latchkey.server.api.Wire.signUp;
import static dev.latchkey.server.api.Wire.uniqueEmail;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.ApiClient.Reply;
import dev.latchkey.server.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code /sdk/v1/passwords} and {@code PUT /sdk/v1/users/me}: signing up, in and editing oneself from a device. */
class SdkPasswordsApiTest {
  private static TestServer server;
  private static ApiClient backend;

  @BeforeAll
  static void startServer() {
    server = TestServer.start();
    backend = server.api();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  private static ApiClient sdk(String password) {
    return new ApiClient(server.baseUrl(), server.publicToken, password);
  }

  private static ApiClient signedOut() {
    return sdk(server.publicToken);
  }

  private static JsonNode data(Reply r) {
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.json().size()).as("only the data envelope at the top: %s", r.text()).isEqualTo(1);
    return r.json().path("data");
  }

  private static String signUpOnDevice(String email) {
    return data(signedOut().post("/sdk/v1/passwords", body("email", email, "password", PASSWORD,
        "session_duration_minutes", 60))).path("session_token").asText();
  }

  @Test
  void signingUpStartsASessionTheDeviceCanUseAtOnce() {
    String email = uniqueEmail();

    JsonNode d = data(signedOut().post("/sdk/v1/passwords", body("email", email, "password", PASSWORD,
        "session_duration_minutes", 60)));

    assertThat(d.path("email_id").asText()).startsWith("email-test-");
    assertThat(d.path("user").path("emails").get(0).path("email").asText()).isEqualTo(email);
    assertThat(d.path("session").path("authentication_factors").get(0).path("type").asText()).isEqualTo("password");
    assertThat(d.path("session_jwt").asText()).startsWith("eyJ");
    JsonNode again = data(sdk(d.path("session_token").asText()).post("/sdk/v1/sessions/authenticate", "{}"));
    assertThat(again.path("session").path("session_id").asText())
        .isEqualTo(d.path("session").path("session_id").asText());
  }

  @Test
  void aSignInFromADeviceMustAskForASession() {
    Reply r = signedOut().post("/sdk/v1/passwords", body("email", uniqueEmail(), "password", PASSWORD));
    assertError(r, 400, "missing_required_field",
        "session_duration_minutes is required: a sign-in from an SDK always starts a session.");
    signUp(backend, "taken-" + server.projectId + "@example.com", 60);
    Reply signIn = signedOut().post("/sdk/v1/passwords/authenticate", body("email", "taken-" + server.projectId
        + "@example.com", "password", PASSWORD));
    assertError(signIn, 400, "missing_required_field");
  }

  @Test
  void aWeakPasswordIsAFlatError() {
    Reply r = signedOut().post("/sdk/v1/passwords", body("email", uniqueEmail(), "password", "password",
        "session_duration_minutes", 60));
    assertError(r, 400, "weak_password");
    assertThat(r.json().has("data")).isFalse();
  }

  @Test
  void signingInSignedOutStartsANewSession() {
    String email = uniqueEmail();
    Reply first = signUp(backend, email, 60);

    JsonNode d = data(signedOut().post("/sdk/v1/passwords/authenticate", body("email", email, "password", PASSWORD,
        "session_duration_minutes", 30)));

    assertThat(d.path("user_id").asText()).isEqualTo(first.text("user_id"));
    assertThat(d.path("session").path("session_id").asText())
        .isNotEqualTo(first.json().path("session").path("session_id").asText());
    assertThat(d.path("session_token").asText()).hasSize(44).isNotEqualTo(first.text("session_token"));
  }

  @Test
  void signingInWithTheSameUsersSessionAddsToThatSession() {
    String email = uniqueEmail();
    String token = signUpOnDevice(email);
    String sessionId = data(sdk(token).post("/sdk/v1/sessions/authenticate", "{}")).path("session")
        .path("session_id").asText();

    JsonNode d = data(sdk(token).post("/sdk/v1/passwords/authenticate", body("email", email, "password", PASSWORD,
        "session_duration_minutes", 30)));

    assertThat(d.path("session").path("session_id").asText()).isEqualTo(sessionId);
    assertThat(d.path("session_token").asText()).isEqualTo(token);
    assertThat(d.path("session").path("authentication_factors")).hasSize(1);
  }

  @Test
  void aStaleSessionOnTheDeviceDoesNotStopASignIn() {
    String email = uniqueEmail();
    String token = signUpOnDevice(email);
    data(sdk(token).post("/sdk/v1/sessions/revoke", null));

    JsonNode d = data(sdk(token).post("/sdk/v1/passwords/authenticate", body("email", email, "password", PASSWORD,
        "session_duration_minutes", 30)));

    assertThat(d.path("session_token").asText()).isNotEqualTo(token);
  }

  @Test
  void signingInAsAnotherUserWhileSignedInIsRefused() {
    String token = signUpOnDevice(uniqueEmail());
    String other = uniqueEmail();
    signUp(backend, other, 60);

    assertError(sdk(token).post("/sdk/v1/passwords/authenticate", body("email", other, "password", PASSWORD,
        "session_duration_minutes", 30)), 400, "user_id_mismatch");
  }

  @Test
  void aWrongPasswordIsTheSameErrorAsTheBackendGives() {
    String email = uniqueEmail();
    signUp(backend, email, 60);

    assertError(signedOut().post("/sdk/v1/passwords/authenticate", body("email", email, "password", "wrong " + PASSWORD,
        "session_duration_minutes", 30)), 401, "unauthorized_credentials", "The email or password is incorrect.");
  }

  @Test
  void aUserChangesTheirNameAndUntrustedMetadataButNotTrustedMetadata() {
    Reply signup = signUp(backend, uniqueEmail(), 60);
    String token = signup.text("session_token");

    JsonNode d = data(sdk(token).put("/sdk/v1/users/me", body(
        "name", Map.of("first_name", "Ada", "last_name", "Lovelace"),
        "untrusted_metadata", Map.of("theme", "dark"),
        "trusted_metadata", Map.of("plan", "free-upgrade"))));

    assertThat(d.path("user_id").asText()).isEqualTo(signup.text("user_id"));
    assertThat(d.path("emails")).hasSize(1);
    assertThat(d.path("__user").path("name").path("first_name").asText()).isEqualTo("Ada");
    assertThat(d.path("__user").path("untrusted_metadata").path("theme").asText()).isEqualTo("dark");
    JsonNode stored = backend.get("/v1/users/" + signup.text("user_id")).json();
    assertThat(stored.path("name").path("last_name").asText()).isEqualTo("Lovelace");
    assertThat(stored.path("trusted_metadata").size()).as("trusted metadata is the backend's").isZero();
  }

  @Test
  void aSignedOutDeviceCannotChangeAUser() {
    assertError(signedOut().put("/sdk/v1/users/me", body("untrusted_metadata", Map.of("a", 1))), 401,
        "user_unauthenticated");
  }
}
