package dev.latchkey.server.api;

import static dev.latchkey.server.api.ApiAssertions.assertError;
import static dev.latchkey.server.api.ApiAssertions.assertOk;
import static dev.latchkey.server.api.ApiAssertions.literal;
import static dev.latchkey.server.api.ApiAssertions.uniqueEmail;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.ApiClient.Reply;
import dev.latchkey.server.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code /v1/passwords} and {@code /v1/passwords/authenticate} over real HTTP. */
class PasswordsApiTest {
  private static final String PASSWORD = "correct horse battery staple 42";
  private static TestServer server;
  private static ApiClient api;

  @BeforeAll
  static void startServer() {
    server = TestServer.start();
    api = server.api();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  private static Reply createPassword(String email, String password, Integer minutes) {
    return api.post("/v1/passwords", "{\"email\":" + literal(email) + ",\"password\":" + literal(password)
        + (minutes == null ? "" : ",\"session_duration_minutes\":" + minutes) + "}");
  }

  private static Reply authenticate(String email, String password, String extraFields) {
    return api.post("/v1/passwords/authenticate", "{\"email\":" + literal(email) + ",\"password\":" + literal(password)
        + (extraFields.isEmpty() ? "" : "," + extraFields) + "}");
  }

  // --- create ---

  @Test
  void createWithoutADurationMakesAUserWithAPasswordAndNoSession() {
    String email = uniqueEmail("signup");

    JsonNode body = assertOk(createPassword(email, PASSWORD, null));

    assertThat(body.path("user_id").asText()).startsWith("user-test-");
    assertThat(body.path("email_id").asText()).startsWith("email-test-");
    assertThat(body.path("session_token").isTextual()).isTrue();
    assertThat(body.path("session_token").asText()).isEmpty();
    assertThat(body.path("session_jwt").isTextual()).isTrue();
    assertThat(body.path("session_jwt").asText()).isEmpty();
    assertThat(body.path("session").isMissingNode() || body.path("session").isNull()).isTrue();
    JsonNode user = body.path("user");
    assertThat(user.path("user_id").asText()).isEqualTo(body.path("user_id").asText());
    assertThat(user.path("status").asText()).isEqualTo("active");
    assertThat(user.path("emails").get(0).path("email").asText()).isEqualTo(email);
    assertThat(user.path("emails").get(0).path("email_id").asText()).isEqualTo(body.path("email_id").asText());
    assertThat(user.path("password").path("password_id").asText()).startsWith("password-test-");
    assertThat(user.path("password").path("requires_reset").isBoolean()).isTrue();
    assertThat(user.path("password").path("requires_reset").asBoolean()).isFalse();
  }

  @Test
  void createWithADurationStartsASessionWithThePasswordFactor() {
    JsonNode body = assertOk(createPassword(uniqueEmail("withsession"), PASSWORD, 60));

    assertThat(body.path("session_token").asText()).hasSize(44);
    assertThat(body.path("session_jwt").asText().split("\\.")).hasSize(3);
    JsonNode session = body.path("session");
    assertThat(session.path("session_id").asText()).startsWith("session-test-");
    assertThat(session.path("user_id").asText()).isEqualTo(body.path("user_id").asText());
    assertThat(session.path("authentication_factors")).hasSize(1);
    JsonNode factor = session.path("authentication_factors").get(0);
    assertThat(factor.path("type").asText()).isEqualTo("password");
    assertThat(factor.path("delivery_method").asText()).isEqualTo("knowledge");
    assertThat(factor.path("last_authenticated_at").asText()).isNotEmpty();
    assertThat(Duration.between(Instant.parse(session.path("started_at").asText()),
        Instant.parse(session.path("expires_at").asText()))).isEqualTo(Duration.ofMinutes(60));
  }

  @Test
  void theCreatedSessionAuthenticatesThroughTheSessionsApi() {
    JsonNode body = assertOk(createPassword(uniqueEmail("usable"), PASSWORD, 30));

    JsonNode auth = assertOk(api.post("/v1/sessions/authenticate",
        "{\"session_token\":" + literal(body.path("session_token").asText()) + "}"));

    assertThat(auth.path("session").path("session_id").asText())
        .isEqualTo(body.path("session").path("session_id").asText());
    assertThat(auth.path("user").path("password").path("password_id").asText())
        .isEqualTo(body.path("user").path("password").path("password_id").asText());
  }

  @ParameterizedTest
  @ValueSource(strings = {"password", "12345678", "qwertyuiop", "aaaaaaaaaaaa"})
  void aWeakPasswordIsRefusedWithAMessageThatSaysHowToFixIt(String weak) {
    String email = uniqueEmail("weak");

    String message = assertError(createPassword(email, weak, null), 400, "weak_password");

    assertThat(message).startsWith("The password is too weak (score ").contains("at least 3 is required");
    assertThat(message.length()).as("message has advice beyond the score: " + message)
        .isGreaterThan("The password is too weak (score 0 of 4; at least 3 is required).".length());
    assertOk(createPassword(email, PASSWORD, null));
  }

  @Test
  void theEmailItselfIsAWeakPassword() {
    String email = uniqueEmail("lovelace");

    assertError(createPassword(email, email, null), 400, "weak_password");
  }

  @Test
  void createWithTheEmailOfAnExistingUserInAnyCaseIsADuplicate() {
    String email = uniqueEmail("taken");
    assertOk(createPassword(email, PASSWORD, null));
    String other = uniqueEmail("takenbyusers");
    assertOk(api.post("/v1/users", "{\"email\":" + literal(other) + "}"));

    assertError(createPassword(email, PASSWORD, null), 400, "duplicate_email");
    assertError(createPassword(email.toUpperCase(Locale.ROOT), PASSWORD, null), 400, "duplicate_email");
    assertError(createPassword(other, PASSWORD, null), 400, "duplicate_email");
  }

  @Test
  void createWithoutAPasswordOrEmailIsAMissingRequiredField() {
    assertThat(assertError(api.post("/v1/passwords", "{\"email\":" + literal(uniqueEmail("nopw")) + "}"), 400,
        "missing_required_field")).contains("password");
    assertThat(assertError(api.post("/v1/passwords", "{\"password\":" + literal(PASSWORD) + "}"), 400,
        "missing_required_field")).contains("email");
  }

  @Test
  void createWithAnInvalidEmailIsRefused() {
    assertError(createPassword("not-an-email", PASSWORD, null), 400, "invalid_email");
  }

  @Test
  void aPasswordWithAnUnpairedSurrogateIsRefusedBecauseItWouldHashLikeAQuestionMark() {
    String email = uniqueEmail("surrogate");
    String body = "{\"email\":" + literal(email) + ",\"password\":\"correct horse \\ud800 battery staple\"}";

    String message = assertError(api.post("/v1/passwords", body), 400, "invalid_field_type");

    assertThat(message).contains("password");
    assertOk(createPassword(email, "correct horse ? battery staple", null));
    assertError(api.post("/v1/passwords/authenticate", body), 400, "invalid_field_type");
    assertOk(authenticate(email, "correct horse ? battery staple", ""));
  }

  @Test
  void aPasswordWithAPairedSurrogateIsAccepted() {
    String email = uniqueEmail("emoji");
    String password = "correct horse \uD83D\uDE00 battery staple";

    assertOk(createPassword(email, password, null));

    assertOk(authenticate(email, password, ""));
    assertError(authenticate(email, "correct horse ? battery staple", ""), 401, "unauthorized_credentials");
  }

  // --- authenticate ---

  @Test
  void theRightPasswordAuthenticatesWithoutASessionWhenNoDurationIsGiven() {
    String email = uniqueEmail("signin");
    String userId = assertOk(createPassword(email, PASSWORD, null)).path("user_id").asText();

    JsonNode body = assertOk(authenticate(email, PASSWORD, ""));

    assertThat(body.path("user_id").asText()).isEqualTo(userId);
    assertThat(body.path("user").path("user_id").asText()).isEqualTo(userId);
    assertThat(body.path("session_token").asText()).isEmpty();
    assertThat(body.path("session_jwt").asText()).isEmpty();
    assertThat(body.path("session").isMissingNode() || body.path("session").isNull()).isTrue();
  }

  @Test
  void theRightPasswordWithADurationStartsANewSession() {
    String email = uniqueEmail("signinsession");
    String userId = assertOk(createPassword(email, PASSWORD, null)).path("user_id").asText();

    JsonNode body = assertOk(authenticate(email, PASSWORD, "\"session_duration_minutes\":5"));

    assertThat(body.path("session_token").asText()).hasSize(44);
    assertThat(body.path("session_jwt").asText().split("\\.")).hasSize(3);
    assertThat(body.path("session").path("user_id").asText()).isEqualTo(userId);
    assertThat(body.path("session").path("authentication_factors").get(0).path("type").asText())
        .isEqualTo("password");
  }

  @Test
  void authenticateMatchesTheEmailInAnyCase() {
    String email = uniqueEmail("anycase");
    String userId = assertOk(createPassword(email, PASSWORD, null)).path("user_id").asText();

    assertThat(assertOk(authenticate(email.toUpperCase(Locale.ROOT), PASSWORD, "")).path("user_id").asText())
        .isEqualTo(userId);
  }

  @Test
  void aWrongPasswordAnUnknownEmailAndAUserWithoutAPasswordGiveTheSameError() {
    String email = uniqueEmail("victim");
    assertOk(createPassword(email, PASSWORD, null));
    String passwordless = uniqueEmail("nopassword");
    assertOk(api.post("/v1/users", "{\"email\":" + literal(passwordless) + "}"));

    String wrong = assertError(authenticate(email, PASSWORD + "!", ""), 401, "unauthorized_credentials");
    String unknown = assertError(authenticate(uniqueEmail("nobody"), PASSWORD, ""), 401, "unauthorized_credentials");
    String noPassword = assertError(authenticate(passwordless, PASSWORD, ""), 401, "unauthorized_credentials");

    assertThat(unknown).isEqualTo(wrong);
    assertThat(noPassword).isEqualTo(wrong);
  }

  @Test
  void aFailedAuthenticateStartsNoSession() {
    String email = uniqueEmail("nosession");
    String userId = assertOk(createPassword(email, PASSWORD, null)).path("user_id").asText();

    assertError(authenticate(email, "wrong password entirely", "\"session_duration_minutes\":60"), 401,
        "unauthorized_credentials");

    assertThat(assertOk(api.get("/v1/sessions?user_id=" + userId)).path("sessions")).isEmpty();
  }

  // --- step-up on an existing session ---

  @Test
  void authenticatingWithTheSessionTokenOfTheSameUserRefreshesTheFactorOnTheSameSession() {
    String email = uniqueEmail("stepup");
    JsonNode created = assertOk(createPassword(email, PASSWORD, 60));
    String sessionId = created.path("session").path("session_id").asText();
    String token = created.path("session_token").asText();
    Instant firstAuth = Instant.parse(created.path("session").path("authentication_factors").get(0)
        .path("last_authenticated_at").asText());

    JsonNode body = assertOk(authenticate(email, PASSWORD, "\"session_token\":" + literal(token)));

    assertThat(body.path("session").path("session_id").asText()).isEqualTo(sessionId);
    assertThat(body.path("session_token").asText()).isEqualTo(token);
    assertThat(body.path("session_jwt").asText()).isNotEmpty();
    JsonNode factors = body.path("session").path("authentication_factors");
    assertThat(factors).as("the password factor is refreshed, not duplicated: " + factors).hasSize(1);
    assertThat(factors.get(0).path("type").asText()).isEqualTo("password");
    assertThat(Instant.parse(factors.get(0).path("last_authenticated_at").asText())).isAfterOrEqualTo(firstAuth);
    assertThat(assertOk(api.get("/v1/sessions?user_id=" + created.path("user_id").asText())).path("sessions"))
        .hasSize(1);
  }

  @Test
  void authenticatingWithTheSessionJwtOfTheSameUserUsesTheSameSession() {
    String email = uniqueEmail("stepupjwt");
    JsonNode created = assertOk(createPassword(email, PASSWORD, 60));

    JsonNode body = assertOk(authenticate(email, PASSWORD,
        "\"session_jwt\":" + literal(created.path("session_jwt").asText())));

    assertThat(body.path("session").path("session_id").asText())
        .isEqualTo(created.path("session").path("session_id").asText());
    assertThat(body.path("session").path("authentication_factors")).hasSize(1);
  }

  @Test
  void stepUpWithADurationExtendsTheSession() {
    String email = uniqueEmail("extend");
    JsonNode created = assertOk(createPassword(email, PASSWORD, 5));
    Instant firstExpiry = Instant.parse(created.path("session").path("expires_at").asText());

    JsonNode body = assertOk(authenticate(email, PASSWORD, "\"session_token\":"
        + literal(created.path("session_token").asText()) + ",\"session_duration_minutes\":600"));

    assertThat(Instant.parse(body.path("session").path("expires_at").asText())).isAfter(firstExpiry);
  }

  @Test
  void aSessionOfAnotherUserIsAUserIdMismatch() {
    String alice = uniqueEmail("alice");
    String bob = uniqueEmail("bob");
    assertOk(createPassword(alice, PASSWORD, null));
    JsonNode bobs = assertOk(createPassword(bob, PASSWORD, 60));

    assertError(authenticate(alice, PASSWORD, "\"session_token\":" + literal(bobs.path("session_token").asText())),
        400, "user_id_mismatch");

    JsonNode still = assertOk(api.post("/v1/sessions/authenticate",
        "{\"session_token\":" + literal(bobs.path("session_token").asText()) + "}"));
    assertThat(still.path("session").path("user_id").asText()).isEqualTo(bobs.path("user_id").asText());
  }

  @Test
  void anUnknownSessionTokenIsSessionNotFound() {
    String email = uniqueEmail("ghost");
    assertOk(createPassword(email, PASSWORD, null));

    assertError(authenticate(email, PASSWORD, "\"session_token\":\"" + "A".repeat(44) + "\""), 404,
        "session_not_found");
  }

  @Test
  void bothASessionTokenAndASessionJwtAreTooManySessionArguments() {
    String email = uniqueEmail("both");
    JsonNode created = assertOk(createPassword(email, PASSWORD, 60));

    assertError(authenticate(email, PASSWORD, "\"session_token\":" + literal(created.path("session_token").asText())
        + ",\"session_jwt\":" + literal(created.path("session_jwt").asText())), 400, "too_many_session_arguments");
  }

  // --- session_duration_minutes bounds ---

  @ParameterizedTest
  @ValueSource(ints = {-1, 0, 4, 527041})
  void aDurationOutsideFiveMinutesTo366DaysIsRefused(int minutes) {
    String email = uniqueEmail("bounds");

    assertError(createPassword(email, PASSWORD, minutes), 400, "invalid_session_duration_minutes");
    assertOk(createPassword(email, PASSWORD, null));
    assertError(authenticate(email, PASSWORD, "\"session_duration_minutes\":" + minutes), 400,
        "invalid_session_duration_minutes");
  }

  @ParameterizedTest
  @ValueSource(ints = {5, 527040})
  void theDurationBoundsThemselvesAreAccepted(int minutes) {
    String email = uniqueEmail("edges");

    JsonNode created = assertOk(createPassword(email, PASSWORD, minutes));
    JsonNode signedIn = assertOk(authenticate(email, PASSWORD, "\"session_duration_minutes\":" + minutes));

    for (JsonNode body : new JsonNode[] {created, signedIn}) {
      JsonNode session = body.path("session");
      assertThat(Duration.between(Instant.parse(session.path("started_at").asText()),
          Instant.parse(session.path("expires_at").asText()))).isEqualTo(Duration.ofMinutes(minutes));
    }
  }
}
