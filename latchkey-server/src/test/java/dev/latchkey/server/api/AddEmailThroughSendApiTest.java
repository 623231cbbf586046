package dev.latchkey.server.api;

import static dev.latchkey.server.testing.Wire.body;
import static dev.latchkey.server.testing.Wire.email;
import static dev.latchkey.server.testing.Wire.ok;
import static dev.latchkey.server.testing.Wire.refused;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.ApiClient.Reply;
import dev.latchkey.server.testing.MutableClock;
import dev.latchkey.server.testing.TestServer;
import dev.latchkey.server.testing.TestSmtp;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 14, part 2: {@code POST /v1/magic_links/email/send} and {@code /v1/otps/email/send} with {@code user_id},
 * {@code session_token} or {@code session_jwt} leave the address pending for that user (not in its emails) until
 * the link or code is used, which adds it verified; another user's address is refused. A real server over HTTP,
 * mail through a real SMTP server. What a pending address does NOT do (pre-hijacking) is
 * {@link PendingEmailHijackTest}.
 */
class AddEmailThroughSendApiTest {
  private static final String PASSWORD = "correct horse battery staple 42";
  private static TestSmtp smtp;
  private static final MutableClock clock = new MutableClock();
  private static TestServer server;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    smtp = TestSmtp.start();
    server = TestServer.start(smtp.env(), clock);
    api = server.api();
  }

  @AfterAll
  static void stop() {
    server.close();
    smtp.close();
  }

  /** A user with a password and a live session: the reply of {@code POST /v1/passwords}. */
  private static JsonNode userWithSession(String local) {
    return ok(api.post("/v1/passwords", body("email", email(local), "password", PASSWORD,
        "session_duration_minutes", 60)));
  }

  private static JsonNode emailOf(String userId, String address) {
    for (JsonNode e : ok(api.get("/v1/users/" + userId)).path("emails")) {
      if (e.path("email").asText().equals(address)) {
        return e;
      }
    }
    return null;
  }

  @Test
  void aMagicLinkSentWithAUserIdLeavesTheAddressPendingAndUsingItAddsItVerifiedAndSignsInThatUser() {
    JsonNode ada = userWithSession("ada");
    String userId = ada.path("user_id").asText();
    String work = email("ada-work");

    JsonNode sent = ok(api.post("/v1/magic_links/email/send", body("email", work, "user_id", userId)));

    assertThat(sent.path("user_id").asText()).isEqualTo(userId);
    assertThat(emailOf(userId, work)).as("pending: not in the user's emails yet").isNull();

    JsonNode in = ok(api.post("/v1/magic_links/authenticate", body("token", smtp.linkToken(work),
        "session_duration_minutes", 30)));

    assertThat(in.path("user_id").asText()).isEqualTo(userId);
    assertThat(in.path("session").path("user_id").asText()).isEqualTo(userId);
    assertThat(in.path("method_id").asText()).isEqualTo(sent.path("email_id").asText());
    assertThat(emailOf(userId, work).path("verified").asBoolean()).isTrue();
    assertThat(emailOf(userId, work).path("email_id").asText()).isEqualTo(sent.path("email_id").asText());
    assertThat(in.path("user").path("emails").findValuesAsText("email")).contains(work, ada.path("user")
        .path("emails").get(0).path("email").asText());
  }

  @Test
  void anExternalIdNamesTheUserAsAUserIdDoes() {
    String externalId = "ext-" + UUID.randomUUID();
    String userId = ok(api.post("/v1/users", body("email", email("ext"), "external_id", externalId)))
        .path("user_id").asText();
    String added = email("ext-added");

    JsonNode sent = ok(api.post("/v1/otps/email/send", body("email", added, "user_id", externalId)));

    assertThat(sent.path("user_id").asText()).isEqualTo(userId);
    JsonNode in = ok(api.post("/v1/otps/authenticate", body("method_id", sent.path("email_id").asText(), "code",
        smtp.code(added))));
    assertThat(in.path("user_id").asText()).isEqualTo(userId);
    assertThat(emailOf(userId, added).path("verified").asBoolean()).isTrue();
  }

  @Test
  void anEmailCodeSentWithASessionTokenAddsTheAddressWhenUsedAndStepsUpThatSession() {
    JsonNode bo = userWithSession("bo");
    String userId = bo.path("user_id").asText();
    String token = bo.path("session_token").asText();
    String added = email("bo-new");

    JsonNode sent = ok(api.post("/v1/otps/email/send", body("email", added, "session_token", token)));
    assertThat(sent.path("user_id").asText()).isEqualTo(userId);
    assertThat(emailOf(userId, added)).as("pending").isNull();

    JsonNode in = ok(api.post("/v1/otps/authenticate", body("method_id", sent.path("email_id").asText(),
        "code", smtp.code(added), "session_token", token)));

    assertThat(in.path("user_id").asText()).isEqualTo(userId);
    assertThat(in.path("session").path("session_id").asText())
        .isEqualTo(bo.path("session").path("session_id").asText());
    assertThat(in.path("session").path("authentication_factors").findValuesAsText("delivery_method"))
        .contains("email");
    assertThat(emailOf(userId, added).path("verified").asBoolean()).isTrue();
  }

  @Test
  void aSessionJwtNamesTheSessionsUser() {
    JsonNode cy = userWithSession("cy");
    String added = email("cy-new");

    JsonNode sent = ok(api.post("/v1/magic_links/email/send", body("email", added, "session_jwt",
        cy.path("session_jwt").asText())));

    assertThat(sent.path("user_id").asText()).isEqualTo(cy.path("user_id").asText());
  }

  @Test
  void theUsersOwnAddressIsAnOrdinarySendToIt() {
    JsonNode di = userWithSession("di");
    String own = di.path("user").path("emails").get(0).path("email").asText();
    String ownId = di.path("user").path("emails").get(0).path("email_id").asText();

    JsonNode sent = ok(api.post("/v1/magic_links/email/send", body("email", own, "user_id",
        di.path("user_id").asText())));

    assertThat(sent.path("email_id").asText()).isEqualTo(ownId);
    assertThat(ok(api.get("/v1/users/" + di.path("user_id").asText())).path("emails").size()).isEqualTo(1);
    JsonNode in = ok(api.post("/v1/magic_links/authenticate", body("token", smtp.linkToken(own))));
    assertThat(in.path("user_id").asText()).isEqualTo(di.path("user_id").asText());
  }

  @Test
  void anotherUsersAddressIsRefusedAsDuplicateEmailMailsNothingAndChangesNothing() {
    JsonNode eve = userWithSession("eve");
    JsonNode fay = userWithSession("fay");
    String faysAddress = fay.path("user").path("emails").get(0).path("email").asText();
    int mailsBefore = smtp.count();

    for (String route : new String[] {"/v1/magic_links/email/send", "/v1/otps/email/send"}) {
      refused(api.post(route, body("email", faysAddress, "user_id", eve.path("user_id").asText())), 400,
          "duplicate_email", "another user");
      refused(api.post(route, body("email", faysAddress, "session_token", eve.path("session_token").asText())), 400,
          "duplicate_email", "another user");
    }

    assertThat(smtp.count()).as("mails sent").isEqualTo(mailsBefore);
    assertThat(ok(api.get("/v1/users/" + eve.path("user_id").asText())).path("emails").size()).isEqualTo(1);
    assertThat(ok(api.get("/v1/users/" + fay.path("user_id").asText())).path("emails").size()).isEqualTo(1);
  }

  @Test
  void anUnknownUserIsUserNotFoundAndMailsNothing() {
    int mailsBefore = smtp.count();

    refused(api.post("/v1/magic_links/email/send", body("email", email("nobody"), "user_id",
        "user-test-00000000-0000-4000-8000-000000000000")), 404, "user_not_found", "");
    refused(api.post("/v1/otps/email/send", body("email", email("nobody"), "user_id",
        "user-test-00000000-0000-4000-8000-000000000000")), 404, "user_not_found", "");

    assertThat(smtp.count()).isEqualTo(mailsBefore);
  }

  @Test
  void aUserIdAndASessionTogetherAre400NamingThem() {
    JsonNode gus = userWithSession("gus");
    int mailsBefore = smtp.count();

    refused(api.post("/v1/magic_links/email/send", body("email", email("gus-new"), "user_id",
        gus.path("user_id").asText(), "session_token", gus.path("session_token").asText())), 400, "bad_request",
        "user_id");
    refused(api.post("/v1/otps/email/send", body("email", email("gus-new"), "session_token",
        gus.path("session_token").asText(), "session_jwt", gus.path("session_jwt").asText())), 400,
        "too_many_session_arguments", "");

    assertThat(smtp.count()).isEqualTo(mailsBefore);
    assertThat(ok(api.get("/v1/users/" + gus.path("user_id").asText())).path("emails").size()).isEqualTo(1);
  }

  @Test
  void aRevokedOrUnknownSessionIsSessionNotFoundAndAddsNothing() {
    JsonNode hal = userWithSession("hal");
    ok(api.post("/v1/sessions/revoke", body("session_token", hal.path("session_token").asText())));
    int mailsBefore = smtp.count();

    refused(api.post("/v1/otps/email/send", body("email", email("hal-new"), "session_token",
        hal.path("session_token").asText())), 404, "session_not_found", "");
    refused(api.post("/v1/magic_links/email/send", body("email", email("hal-new"), "session_token",
        "not-a-session-token")), 404, "session_not_found", "");

    assertThat(smtp.count()).isEqualTo(mailsBefore);
    assertThat(ok(api.get("/v1/users/" + hal.path("user_id").asText())).path("emails").size()).isEqualTo(1);
  }

  @Test
  void malformedUserAndSessionFieldsAreClear4xxAndAddNothing() {
    JsonNode jo = userWithSession("jo");
    String added = email("jo-new");
    int mailsBefore = smtp.count();

    Reply wrongType = api.post("/v1/magic_links/email/send", body("email", added, "user_id", 42));
    assertThat(wrongType.status()).as(wrongType.text()).isEqualTo(400);
    Reply forged = api.post("/v1/otps/email/send", body("email", added, "session_jwt", "eyJhbGciOiJub25lIn0.e30."));
    assertThat(forged.status()).as(forged.text()).isBetween(400, 404);
    Reply tooLong = api.post("/v1/otps/email/send", body("email", added, "user_id", "x".repeat(10_000)));
    assertThat(tooLong.status()).as(tooLong.text()).isEqualTo(400);
    assertThat(tooLong.text("error_type")).isEqualTo("invalid_user_id");

    assertThat(smtp.count()).isEqualTo(mailsBefore);
    assertThat(ok(api.get("/v1/users/" + jo.path("user_id").asText())).path("emails").size()).isEqualTo(1);
  }

  @Test
  void aPendingAddressStepsUpNoOtherUsersSessionAndItsLinkWorksOnce() {
    JsonNode ivy = userWithSession("ivy");
    String userId = ivy.path("user_id").asText();
    JsonNode other = userWithSession("other");
    String added = email("ivy-pending");
    ok(api.post("/v1/magic_links/email/send", body("email", added, "user_id", userId)));
    String link = smtp.linkToken(added);

    refused(api.post("/v1/magic_links/authenticate", body("token", link, "session_token",
        other.path("session_token").asText())), 400, "user_id_mismatch", "");
    assertThat(emailOf(userId, added)).as("still pending").isNull();

    ok(api.post("/v1/magic_links/authenticate", body("token", link)));
    refused(api.post("/v1/magic_links/authenticate", body("token", link)), 404, "magic_link_not_found", "");
    assertThat(ok(api.get("/v1/users/" + userId)).path("emails").findValuesAsText("email")).containsOnlyOnce(added);
  }

  @Test
  void anEmailCodeForAPendingAddressWorksOnce() {
    JsonNode kit = userWithSession("kit");
    String userId = kit.path("user_id").asText();
    String added = email("kit-pending");
    String methodId = ok(api.post("/v1/otps/email/send", body("email", added, "user_id", userId)))
        .path("email_id").asText();
    String code = smtp.code(added);

    ok(api.post("/v1/otps/authenticate", body("method_id", methodId, "code", code)));
    refused(api.post("/v1/otps/authenticate", body("method_id", methodId, "code", code)), 404,
        "otp_code_not_found", "");
    assertThat(emailOf(userId, added).path("verified").asBoolean()).isTrue();
  }

  @Test
  void aLinkAndACodeSentForOnePendingAddressShareItsIdAndEitherAddsIt() {
    JsonNode lu = userWithSession("lu");
    String userId = lu.path("user_id").asText();
    String added = email("lu-pending");
    String byLink = ok(api.post("/v1/magic_links/email/send", body("email", added, "user_id", userId)))
        .path("email_id").asText();
    String link = smtp.linkToken(added);
    String byCode = ok(api.post("/v1/otps/email/send", body("email", added, "user_id", userId)))
        .path("email_id").asText();
    assertThat(byCode).isEqualTo(byLink);

    ok(api.post("/v1/otps/authenticate", body("method_id", byCode, "code", smtp.code(added))));
    // The address is the user's now: the older link still proves it, and changes nothing else.
    JsonNode in = ok(api.post("/v1/magic_links/authenticate", body("token", link)));

    assertThat(in.path("user_id").asText()).isEqualTo(userId);
    assertThat(in.path("method_id").asText()).isEqualTo(byLink);
    assertThat(in.path("user").path("emails").findValuesAsText("email")).containsOnlyOnce(added);
  }

  @Test
  void anExpiredLinkOrCodeForAPendingAddressAddsNothing() {
    JsonNode mo = userWithSession("mo");
    String userId = mo.path("user_id").asText();
    String byLink = email("mo-link");
    String byCode = email("mo-code");
    ok(api.post("/v1/magic_links/email/send", body("email", byLink, "user_id", userId,
        "login_expiration_minutes", 5)));
    String methodId = ok(api.post("/v1/otps/email/send", body("email", byCode, "user_id", userId,
        "expiration_minutes", 1))).path("email_id").asText();

    clock.advance(Duration.ofMinutes(6));

    refused(api.post("/v1/magic_links/authenticate", body("token", smtp.linkToken(byLink))), 401,
        "unable_to_auth_magic_link", "");
    refused(api.post("/v1/otps/authenticate", body("method_id", methodId, "code", smtp.code(byCode))), 404,
        "otp_code_not_found", "");
    assertThat(emailOf(userId, byLink)).isNull();
    assertThat(emailOf(userId, byCode)).isNull();
  }
}
