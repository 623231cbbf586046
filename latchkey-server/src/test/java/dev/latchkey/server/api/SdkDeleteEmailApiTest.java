package dev.latchkey.server.api;

import static dev.latchkey.server.api.ApiAssertions.assertError;
import static dev.latchkey.server.api.ApiAssertions.assertOk;
import static dev.latchkey.server.api.ApiAssertions.literal;
import static dev.latchkey.server.api.ApiAssertions.uniqueEmail;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;

import dev.latchkey.server.store.TotpRecord;
import dev.latchkey.server.store.UserRecord;
import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.TestServer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code DELETE /sdk/v1/users/emails/{email_id}} over real HTTP: a signed-in user removes their own email, never
 * someone else's, never their last one, and not past an enrolled authenticator app the session has not passed.
 * Users with two emails are written through the server's own store (Latchkey cannot add a second email over HTTP
 * yet); their sessions come from a real password sign-in.
 */
class SdkDeleteEmailApiTest {
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

  private record Signed(String userId, String secondEmailId, String firstEmailId, String sessionToken) {}

  /** A user signed up with a password (first email), then given a second email in the store. */
  private static Signed userWithTwoEmails() {
    String email = uniqueEmail("sdk-del");
    JsonNode created = assertOk(api.post("/v1/passwords", "{\"email\":" + literal(email) + ",\"password\":"
        + literal(PASSWORD) + ",\"session_duration_minutes\":60}"));
    String userId = created.path("user_id").asText();
    UserRecord u = server.server().stores().users().find(userId).orElseThrow();
    // Recreate the user with a second email (the store has no add-email yet): same ids, same password hash.
    String secondId = "email-test-" + UUID.randomUUID();
    server.server().stores().users().delete(userId);
    server.server().stores().users().create(new UserRecord(userId, u.status(), u.name(), u.trustedMetadata(),
        u.untrustedMetadata(), u.externalId(), u.createdAt(), List.of(u.emails().get(0),
        new UserRecord.StoredEmail(secondId, uniqueEmail("sdk-del-second"), true)), u.password()));
    JsonNode signedIn = assertOk(api.post("/v1/passwords/authenticate", "{\"email\":" + literal(email)
        + ",\"password\":" + literal(PASSWORD) + ",\"session_duration_minutes\":60}"));
    return new Signed(userId, secondId, u.emails().get(0).emailId(), signedIn.path("session_token").asText());
  }

  private static ApiClient sdk(String sessionToken) {
    return new ApiClient(server.baseUrl(), server.publicToken, sessionToken);
  }

  @Test
  void aSignedInUserDeletesTheirOwnSecondEmailAndGetsTheUserBack() {
    Signed s = userWithTwoEmails();

    ApiClient.Reply r = sdk(s.sessionToken()).delete("/sdk/v1/users/emails/" + s.secondEmailId());

    assertThat(r.status()).as(r.text()).isEqualTo(200);
    JsonNode data = r.json().path("data");
    assertThat(data.path("user_id").asText()).isEqualTo(s.userId());
    assertThat(data.path("__user").path("emails")).hasSize(1);
    assertThat(data.path("__user").path("emails").get(0).path("email_id").asText()).isEqualTo(s.firstEmailId());
    assertThat(assertOk(api.get("/v1/users/" + s.userId())).path("emails")).hasSize(1);
  }

  @Test
  void theLastEmailCannotBeDeletedFromTheSdk() {
    Signed s = userWithTwoEmails();
    assertThat(sdk(s.sessionToken()).delete("/sdk/v1/users/emails/" + s.secondEmailId()).status()).isEqualTo(200);

    String message = assertError(sdk(s.sessionToken()).delete("/sdk/v1/users/emails/" + s.firstEmailId()), 400,
        "bad_request");

    assertThat(message).contains("last");
    assertThat(assertOk(api.get("/v1/users/" + s.userId())).path("emails")).hasSize(1);
  }

  @Test
  void anotherUsersEmailIsNotFoundAndStays() {
    Signed mallory = userWithTwoEmails();
    Signed victim = userWithTwoEmails();

    assertError(sdk(mallory.sessionToken()).delete("/sdk/v1/users/emails/" + victim.secondEmailId()), 404,
        "email_not_found");

    assertThat(assertOk(api.get("/v1/users/" + victim.userId())).path("emails")).hasSize(2);
  }

  @Test
  void withAVerifiedTotpTheSessionMustHavePassedIt() {
    Signed s = userWithTwoEmails();
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    server.server().stores().totps().create(new TotpRecord("totp-test-" + UUID.randomUUID(), s.userId(),
        "sealed", "none", true, now, now.plusSeconds(600), TotpRecord.NO_STEP, 0, null, List.of()), now);

    String message = assertError(sdk(s.sessionToken()).delete("/sdk/v1/users/emails/" + s.secondEmailId()), 400,
        "bad_request");

    assertThat(message).contains("TOTP");
    assertThat(assertOk(api.get("/v1/users/" + s.userId())).path("emails")).hasSize(2);
  }

  @Test
  void withoutASessionItIsRefused() {
    Signed s = userWithTwoEmails();

    assertError(sdk(server.publicToken).delete("/sdk/v1/users/emails/" + s.secondEmailId()), 401,
        "user_unauthenticated");
    assertError(sdk("not-a-session-token").delete("/sdk/v1/users/emails/" + s.secondEmailId()), 401,
        "invalid_secret_authentication");
    assertThat(assertOk(api.get("/v1/users/" + s.userId())).path("emails")).hasSize(2);
  }

}
