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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Account pre-hijacking through a send that names a user: user A asks for a link or code to an address it does not
 * own. That address is only PENDING for A: it signs nobody in to A, finds nobody, blocks nobody. When the mailbox's
 * real owner signs up (magic link, email code, password), they land in a NEW account of their own, and A's link or
 * code then fails with {@code duplicate_email}, changing nothing. (OAuth: {@code OAuthPendingEmailTest}.) A real
 * server over HTTP, mail through a real SMTP server.
 */
class PendingEmailHijackTest {
  private static final String PASSWORD = "correct horse battery staple 42";
  private static TestSmtp smtp;
  private static TestServer server;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    smtp = TestSmtp.start();
    server = TestServer.start(smtp.env(), new MutableClock());
    api = server.api();
  }

  @AfterAll
  static void stop() {
    server.close();
    smtp.close();
  }

  /** The attacker: a user with a password and a live session. */
  private static JsonNode attacker() {
    return ok(api.post("/v1/passwords", body("email", email("attacker"), "password", PASSWORD,
        "session_duration_minutes", 60)));
  }

  private static List<String> emailsOf(String userId) {
    return ok(api.get("/v1/users/" + userId)).path("emails").findValuesAsText("email");
  }

  private static List<String> usersFoundBy(String address) {
    return ok(api.post("/v1/users/search", "{\"query\":{\"operator\":\"AND\",\"operands\":[{\"filter_name\":"
        + "\"email_address\",\"filter_value\":[\"" + address + "\"]}]}}")).path("results").findValuesAsText("user_id");
  }

  @Test
  void theOwnerSigningUpByMagicLinkGetsANewAccountAndTheAttackersLinkThenFailsWithDuplicateEmail() {
    JsonNode a = attacker();
    String victim = email("victim-ml");
    ok(api.post("/v1/magic_links/email/send", body("email", victim, "user_id", a.path("user_id").asText())));
    String attackersLink = smtp.linkToken(victim);

    // Pending for A: not A's, found by nobody.
    assertThat(emailsOf(a.path("user_id").asText())).doesNotContain(victim);
    assertThat(usersFoundBy(victim)).isEmpty();

    // The owner signs up: a new user, a sign-up link, their own account once they use it.
    JsonNode signup = ok(api.post("/v1/magic_links/email/login_or_create", body("email", victim)));
    assertThat(signup.path("user_created").asBoolean()).isTrue();
    String ownerId = signup.path("user_id").asText();
    assertThat(ownerId).isNotEqualTo(a.path("user_id").asText());
    JsonNode owner = ok(api.post("/v1/magic_links/authenticate", body("token", smtp.linkToken(victim),
        "session_duration_minutes", 60)));
    assertThat(owner.path("user_id").asText()).isEqualTo(ownerId);
    assertThat(owner.path("session").path("user_id").asText()).isEqualTo(ownerId);

    // A's link (the owner clicking the old mail, or A holding it) adds nothing and signs nobody in, again and again.
    for (int i = 0; i < 2; i++) {
      refused(api.post("/v1/magic_links/authenticate", body("token", attackersLink, "session_duration_minutes",
          60)), 400, "duplicate_email");
    }
    assertThat(emailsOf(a.path("user_id").asText())).doesNotContain(victim);
    assertThat(emailsOf(ownerId)).containsExactly(victim);
    assertThat(usersFoundBy(victim)).containsExactly(ownerId);
  }

  @Test
  void theOwnerSigningUpByEmailCodeGetsANewAccountAndTheAttackersCodeThenFailsWithDuplicateEmail() {
    JsonNode a = attacker();
    String victim = email("victim-otp");
    String attackersMethod = ok(api.post("/v1/otps/email/send", body("email", victim, "session_token",
        a.path("session_token").asText()))).path("email_id").asText();
    String attackersCode = smtp.code(victim);

    JsonNode signup = ok(api.post("/v1/otps/email/login_or_create", body("email", victim)));
    assertThat(signup.path("user_created").asBoolean()).isTrue();
    String ownerId = signup.path("user_id").asText();
    assertThat(signup.path("email_id").asText()).isNotEqualTo(attackersMethod);
    JsonNode owner = ok(api.post("/v1/otps/authenticate", body("method_id", signup.path("email_id").asText(),
        "code", smtp.code(victim), "session_duration_minutes", 60)));
    assertThat(owner.path("user_id").asText()).isEqualTo(ownerId);

    refused(api.post("/v1/otps/authenticate", body("method_id", attackersMethod, "code", attackersCode,
        "session_token", a.path("session_token").asText())), 400, "duplicate_email");
    assertThat(emailsOf(a.path("user_id").asText())).doesNotContain(victim);
    JsonNode session = ok(api.post("/v1/sessions/authenticate", body("session_token",
        a.path("session_token").asText()))).path("session");
    assertThat(session.path("authentication_factors").findValuesAsText("delivery_method"))
        .as("no factor added to A's session").doesNotContain("email");
    assertThat(usersFoundBy(victim)).containsExactly(ownerId);
  }

  @Test
  void aPendingAddressIsNoSignInIdentifierAndBlocksNoPasswordSignUp() {
    JsonNode a = attacker();
    String victim = email("victim-pw");
    ok(api.post("/v1/magic_links/email/send", body("email", victim, "user_id", a.path("user_id").asText())));
    String attackersLink = smtp.linkToken(victim);

    // send without user_id, password sign-in: no user has the address.
    refused(api.post("/v1/magic_links/email/send", body("email", victim)), 404, "email_not_found");
    refused(api.post("/v1/passwords/authenticate", body("email", victim, "password", PASSWORD)), 401,
        "unauthorized_credentials");

    JsonNode owner = ok(api.post("/v1/passwords", body("email", victim, "password", PASSWORD,
        "session_duration_minutes", 60)));
    assertThat(owner.path("user_id").asText()).isNotEqualTo(a.path("user_id").asText());

    refused(api.post("/v1/magic_links/authenticate", body("token", attackersLink)), 400, "duplicate_email");
    assertThat(emailsOf(owner.path("user_id").asText())).containsExactly(victim);
    assertThat(emailsOf(a.path("user_id").asText())).doesNotContain(victim);
  }

  @Test
  void manyUsersMayHaveOneAddressPendingAndTheFirstToUseTheirLinkGetsIt() {
    JsonNode a = attacker();
    JsonNode b = attacker();
    String shared = email("shared");
    ok(api.post("/v1/magic_links/email/send", body("email", shared, "user_id", a.path("user_id").asText())));
    String linkOfA = smtp.linkToken(shared);
    ok(api.post("/v1/magic_links/email/send", body("email", shared, "user_id", b.path("user_id").asText())));
    String linkOfB = smtp.linkToken(shared);

    JsonNode in = ok(api.post("/v1/magic_links/authenticate", body("token", linkOfB)));
    assertThat(in.path("user_id").asText()).isEqualTo(b.path("user_id").asText());

    refused(api.post("/v1/magic_links/authenticate", body("token", linkOfA)), 400, "duplicate_email");
    // The address is B's now: a send naming A for it is refused before anything is mailed.
    int mails = smtp.count();
    refused(api.post("/v1/magic_links/email/send", body("email", shared, "user_id", a.path("user_id").asText())), 400,
        "duplicate_email");
    assertThat(smtp.count()).isEqualTo(mails);
    assertThat(usersFoundBy(shared)).containsExactly(b.path("user_id").asText());
  }
}
