package dev.latchkey.server.factor.oauth;

import static dev.latchkey.server.factor.oauth.OAuthFlowTest.SIGNUP_URL;
import static dev.latchkey.server.factor.oauth.OAuthFlowTest.browser;
import static dev.latchkey.server.factor.oauth.OAuthFlowTest.startUrl;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.OAuthBrowser;
import dev.latchkey.server.testing.TestOidc;
import dev.latchkey.server.testing.TestServer;
import dev.latchkey.server.testing.TestSmtp;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Account pre-hijacking through OAuth: user A asks for a magic link to an address it does not own (a send with
 * {@code user_id}), so the address is only pending for A. Its owner then signs up with Google (a real OpenID
 * provider on loopback, which vouches for the email): OAuth links users by verified email, and a pending address is
 * none, so the owner lands in a NEW account of their own, and A's link then fails with {@code duplicate_email}.
 */
class OAuthPendingEmailTest {
  private static TestSmtp smtp;
  private static TestOidc idp;
  private static TestServer server;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    smtp = TestSmtp.start();
    idp = TestOidc.start();
    Map<String, String> env = new HashMap<>(smtp.env());
    env.putAll(idp.env("google"));
    env.put("LATCHKEY_REDIRECT_URLS", TestServer.REDIRECT_URL + "," + SIGNUP_URL);
    server = TestServer.start(env, Clock.systemUTC());
    api = server.api();
  }

  @AfterAll
  static void stop() {
    server.close();
    idp.close();
    smtp.close();
  }

  private static JsonNode ok(ApiClient.Reply r) {
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    return r.json();
  }

  @Test
  void theOwnerSigningUpWithGoogleGetsANewAccountAndTheAttackersPendingLinkThenFailsWithDuplicateEmail() {
    String attackerId = ok(api.post("/v1/users", "{\"email\":\"oauth-attacker-" + UUID.randomUUID()
        + "@example.com\"}")).path("user_id").asText();
    String victim = "oauth-victim-" + UUID.randomUUID() + "@example.com";
    ok(api.post("/v1/magic_links/email/send", "{\"email\":\"" + victim + "\",\"user_id\":\"" + attackerId + "\"}"));
    String attackersLink = smtp.linkToken(victim);

    idp.nextUser("google", "pending-victim-sub-" + UUID.randomUUID(), victim, true);
    OAuthBrowser.Landing landing = browser().follow(startUrl(server, "google", ""));
    JsonNode owner = ok(api.post("/v1/oauth/authenticate", "{\"token\":\"" + landing.param("token")
        + "\",\"session_duration_minutes\":60}"));

    assertThat(landing.url()).as("a sign-up").startsWith(SIGNUP_URL);
    String ownerId = owner.path("user_id").asText();
    assertThat(ownerId).isNotEqualTo(attackerId);
    assertThat(owner.path("session").path("user_id").asText()).isEqualTo(ownerId);
    assertThat(owner.path("user").path("emails").findValuesAsText("email")).containsExactly(victim);

    ApiClient.Reply late = api.post("/v1/magic_links/authenticate", "{\"token\":\"" + attackersLink + "\"}");
    assertThat(late.status()).as(late.text()).isEqualTo(400);
    assertThat(late.json().path("error_type").asText()).isEqualTo("duplicate_email");
    assertThat(ok(api.get("/v1/users/" + attackerId)).path("emails").findValuesAsText("email"))
        .doesNotContain(victim);
    assertThat(ok(api.get("/v1/users/" + ownerId)).path("emails").findValuesAsText("email"))
        .containsExactly(victim);
  }
}
