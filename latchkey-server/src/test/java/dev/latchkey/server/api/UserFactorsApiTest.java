package dev.latchkey.server.api;

import static dev.latchkey.server.api.ApiAssertions.assertError;
import static dev.latchkey.server.api.ApiAssertions.assertOk;
import static dev.latchkey.server.api.ApiAssertions.literal;
import static dev.latchkey.server.api.ApiAssertions.uniqueEmail;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.MutableClock;
import dev.latchkey.server.testing.TestServer;
import dev.latchkey.server.testing.TestSmtp;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Managing one factor of a user from the backend: {@code DELETE /v1/users/emails/{id}} and
 * {@code /passwords/{id}}, and the password resets by existing password and by session on {@code /v1}. Real server,
 * real SMTP (GreenMail) for the mailed links.
 */
class UserFactorsApiTest {
  private static final String PASSWORD = "correct horse battery staple 42";
  private static final MutableClock CLOCK = new MutableClock();
  private static TestSmtp smtp;
  private static TestServer server;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    smtp = TestSmtp.start();
    server = TestServer.start(smtp.env(), CLOCK);
    api = server.api();
  }

  @AfterAll
  static void stop() {
    server.close();
    smtp.close();
  }

  private static JsonNode signUp(String email, String password) {
    return assertOk(api.post("/v1/passwords", "{\"email\":" + literal(email) + ",\"password\":" + literal(password)
        + ",\"session_duration_minutes\":60}"));
  }

  private static ApiClient.Reply signIn(String email, String password) {
    return api.post("/v1/passwords/authenticate", "{\"email\":" + literal(email) + ",\"password\":"
        + literal(password) + ",\"session_duration_minutes\":60}");
  }

  private static ApiClient.Reply sessionAuthenticate(String token) {
    return api.post("/v1/sessions/authenticate", "{\"session_token\":" + literal(token) + "}");
  }

  // --- DELETE /v1/users/passwords/{password_id} ---

  @Test
  void deletingAPasswordRepliesWithTheUserWithoutItAndThePasswordNoLongerSignsIn() {
    String email = uniqueEmail("del-pw");
    JsonNode created = signUp(email, PASSWORD);
    String passwordId = created.path("user").path("password").path("password_id").asText();

    JsonNode body = assertOk(api.delete("/v1/users/passwords/" + passwordId));

    assertThat(body.path("user_id").asText()).isEqualTo(created.path("user_id").asText());
    assertThat(body.path("user").path("password").isNull()).isTrue();
    assertThat(body.path("user").path("emails")).hasSize(1);
    assertError(signIn(email, PASSWORD), 401, "unauthorized_credentials");
    // The user keeps its sessions, as in Stytch.
    assertOk(sessionAuthenticate(created.path("session_token").asText()));
  }

  @Test
  void deletingAnUnknownOrAlreadyDeletedPasswordIsA404() {
    JsonNode created = signUp(uniqueEmail("del-pw-twice"), PASSWORD);
    String passwordId = created.path("user").path("password").path("password_id").asText();
    assertOk(api.delete("/v1/users/passwords/" + passwordId));

    assertError(api.delete("/v1/users/passwords/" + passwordId), 404, "password_not_found");
    assertError(api.delete("/v1/users/passwords/password-test-00000000-0000-4000-8000-000000000000"), 404,
        "password_not_found");
    assertError(api.delete("/v1/users/passwords/not-an-id"), 404, "password_not_found");
  }

  @Test
  void deletingAFactorNeedsTheProjectCredentials() {
    JsonNode created = signUp(uniqueEmail("del-anon"), PASSWORD);

    assertError(server.anonymous().delete("/v1/users/passwords/"
        + created.path("user").path("password").path("password_id").asText()), 401, "unauthorized_credentials");
    assertError(server.anonymous().delete("/v1/users/emails/" + created.path("email_id").asText()), 401,
        "unauthorized_credentials");
  }

  // --- DELETE /v1/users/emails/{email_id} ---

  @Test
  void deletingTheLastEmailLeavesAConsistentUserAndFreesTheAddress() {
    String email = uniqueEmail("del-email");
    JsonNode created = assertOk(api.post("/v1/users", "{\"email\":" + literal(email) + "}"));
    String userId = created.path("user_id").asText();

    JsonNode body = assertOk(api.delete("/v1/users/emails/" + created.path("email_id").asText()));

    assertThat(body.path("user_id").asText()).isEqualTo(userId);
    assertThat(body.path("user").path("emails")).isEmpty();
    assertThat(assertOk(api.get("/v1/users/" + userId)).path("emails")).isEmpty();
    assertThat(assertOk(api.post("/v1/users", "{\"email\":" + literal(email) + "}")).path("user_id").asText())
        .isNotEqualTo(userId);
    assertError(api.delete("/v1/users/emails/" + created.path("email_id").asText()), 404, "email_not_found");
  }

  @Test
  void aMagicLinkMailedToADeletedEmailNoLongerWorks() {
    String email = uniqueEmail("del-link");
    JsonNode created = assertOk(api.post("/v1/users", "{\"email\":" + literal(email) + "}"));
    assertOk(api.post("/v1/magic_links/email/login_or_create", "{\"email\":" + literal(email) + "}"));
    String token = smtp.linkToken(email);

    assertOk(api.delete("/v1/users/emails/" + created.path("email_id").asText()));

    ApiClient.Reply r = api.post("/v1/magic_links/authenticate", "{\"token\":" + literal(token) + "}");
    assertThat(r.status()).isIn(401, 404);
    assertThat(assertOk(api.get("/v1/users/" + created.path("user_id").asText())).path("emails")).isEmpty();
  }

  @Test
  void anEmailCodeMailedToADeletedEmailNoLongerWorks() {
    String email = uniqueEmail("del-code");
    JsonNode sent = assertOk(api.post("/v1/otps/email/login_or_create", "{\"email\":" + literal(email) + "}"));
    String code = smtp.code(email);

    assertOk(api.delete("/v1/users/emails/" + sent.path("email_id").asText()));

    ApiClient.Reply r = api.post("/v1/otps/authenticate", "{\"method_id\":" + literal(sent.path("email_id").asText())
        + ",\"code\":" + literal(code) + "}");
    assertThat(r.status()).isIn(401, 404);
  }

  // --- POST /v1/passwords/existing_password/reset ---

  @Test
  void resetWithTheExistingPasswordSetsTheNewOneAndEndsEveryOtherSession() {
    String email = uniqueEmail("v1-existing");
    JsonNode first = signUp(email, PASSWORD);
    JsonNode second = assertOk(signIn(email, PASSWORD));
    String newPassword = "seven copper kettles hum at dusk";

    JsonNode body = assertOk(api.post("/v1/passwords/existing_password/reset", "{\"email\":" + literal(email)
        + ",\"existing_password\":" + literal(PASSWORD) + ",\"new_password\":" + literal(newPassword)
        + ",\"session_token\":" + literal(second.path("session_token").asText()) + "}"));

    assertThat(body.path("session").path("session_id").asText())
        .isEqualTo(second.path("session").path("session_id").asText());
    assertOk(sessionAuthenticate(second.path("session_token").asText()));
    assertError(sessionAuthenticate(first.path("session_token").asText()), 404, "session_not_found");
    assertError(signIn(email, PASSWORD), 401, "unauthorized_credentials");
    assertOk(signIn(email, newPassword));
  }

  @Test
  void resetWithoutSessionFieldsStartsNoSession() {
    String email = uniqueEmail("v1-existing-nosession");
    JsonNode first = signUp(email, PASSWORD);

    JsonNode body = assertOk(api.post("/v1/passwords/existing_password/reset", "{\"email\":" + literal(email)
        + ",\"existing_password\":" + literal(PASSWORD) + ",\"new_password\":\"nine amber lanterns drift seaward\"}"));

    assertThat(body.path("session_token").asText()).isEmpty();
    assertThat(body.path("session_jwt").asText()).isEmpty();
    assertError(sessionAuthenticate(first.path("session_token").asText()), 404, "session_not_found");
  }

  @Test
  void resetWithAWrongExistingPasswordChangesNothing() {
    String email = uniqueEmail("v1-existing-wrong");
    JsonNode first = signUp(email, PASSWORD);

    assertError(api.post("/v1/passwords/existing_password/reset", "{\"email\":" + literal(email)
        + ",\"existing_password\":\"not the password at all 1\",\"new_password\":\"nine amber lanterns drift "
        + "seaward\"}"), 401, "unauthorized_credentials");
    assertError(api.post("/v1/passwords/existing_password/reset", "{\"email\":" + literal(email)
        + ",\"existing_password\":" + literal(PASSWORD) + ",\"new_password\":\"password\"}"), 400, "weak_password");
    assertError(api.post("/v1/passwords/existing_password/reset", "{\"email\":" + literal(email)
        + ",\"new_password\":\"nine amber lanterns drift seaward\"}"), 400, "missing_required_field");

    assertOk(signIn(email, PASSWORD));
    assertOk(sessionAuthenticate(first.path("session_token").asText()));
  }

  // --- POST /v1/passwords/session/reset ---

  @Test
  void resetWithARecentSessionKeepsItAndEndsTheOthers() {
    String email = uniqueEmail("v1-session");
    JsonNode first = signUp(email, PASSWORD);
    JsonNode second = assertOk(signIn(email, PASSWORD));
    String newPassword = "nine amber lanterns drift seaward";

    JsonNode body = assertOk(api.post("/v1/passwords/session/reset", "{\"password\":" + literal(newPassword)
        + ",\"session_jwt\":" + literal(second.path("session_jwt").asText()) + "}"));

    assertThat(body.path("user_id").asText()).isEqualTo(first.path("user_id").asText());
    assertOk(sessionAuthenticate(second.path("session_token").asText()));
    assertError(sessionAuthenticate(first.path("session_token").asText()), 404, "session_not_found");
    assertOk(signIn(email, newPassword));
  }

  @Test
  void resetWithASessionSignedInLongAgoIsRefused() {
    String email = uniqueEmail("v1-session-old");
    JsonNode first = signUp(email, PASSWORD);
    CLOCK.advance(Duration.ofMinutes(6));

    assertError(api.post("/v1/passwords/session/reset", "{\"password\":\"nine amber lanterns drift seaward\","
        + "\"session_token\":" + literal(first.path("session_token").asText()) + "}"), 400,
        "session_too_old_to_reset_password");
    assertOk(signIn(email, PASSWORD));
  }

  @Test
  void resetBySessionNeedsExactlyOneSession() {
    JsonNode first = signUp(uniqueEmail("v1-session-args"), PASSWORD);

    assertError(api.post("/v1/passwords/session/reset", "{\"password\":\"nine amber lanterns drift seaward\"}"), 400,
        "no_session_arguments");
    assertError(api.post("/v1/passwords/session/reset", "{\"password\":\"nine amber lanterns drift seaward\","
        + "\"session_token\":" + literal(first.path("session_token").asText()) + ",\"session_jwt\":"
        + literal(first.path("session_jwt").asText()) + "}"), 400, "too_many_session_arguments");
    assertError(api.post("/v1/passwords/session/reset", "{\"password\":\"nine amber lanterns drift seaward\","
        + "\"session_token\":\"no-such-session-token-000000000000000000000\"}"), 404, "session_not_found");
  }
}
