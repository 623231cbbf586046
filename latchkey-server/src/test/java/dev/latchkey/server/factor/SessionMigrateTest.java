package dev.latchkey.server.factor;

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
import java.net.ServerSocket;
import java.util.Map;
import java.util.UUID;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /v1/sessions/migrate} against a real OpenID provider on loopback ({@code mock-oauth2-server}): Latchkey
 * finds its UserInfo endpoint by OIDC discovery, sends it the access token, and matches or creates the user by the
 * verified email it returns.
 */
class SessionMigrateTest {
  private static final String ISSUER_ID = "legacy";
  private static MockOAuth2Server provider;
  private static TestServer server;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    provider = new MockOAuth2Server();
    provider.start();
    server = TestServer.start(Map.of("LATCHKEY_SESSION_MIGRATE_ISSUER", provider.issuerUrl(ISSUER_ID).toString()),
        new MutableClock());
    api = server.api();
  }

  @AfterAll
  static void stop() {
    server.close();
    provider.shutdown();
  }

  /** An access token the provider issued for {@code claims}, valid for an hour. */
  private static String accessToken(Map<String, Object> claims) {
    return provider.issueToken(ISSUER_ID, "subject-" + UUID.randomUUID(), "legacy-app", claims, 3600).serialize();
  }

  private static int usersWithEmail(String email) {
    // Whether a user exists, through the API only: a password sign-up for the address fails when one does.
    Reply r = api.post("/v1/users", body("email", email));
    if (r.status() == 200) {
      ok(api.delete("/v1/users/" + r.text("user_id")));
      return 0;
    }
    assertThat(r.text("error_type")).isEqualTo("duplicate_email");
    return 1;
  }

  @Test
  void anAddressPendingForAnotherUserIsNoMatchAndTheMigratedUserIsNew() {
    String attackerId = ok(api.post("/v1/users", body("email", email("attacker")))).path("user_id").asText();
    String victim = email("victim");
    ok(api.post("/v1/magic_links/email/send", body("email", victim, "user_id", attackerId)));

    JsonNode migrated = ok(api.post("/v1/sessions/migrate", body("session_token",
        accessToken(Map.of("email", victim, "email_verified", true)), "session_duration_minutes", 60)));

    assertThat(migrated.path("user_id").asText()).isNotEqualTo(attackerId);
    assertThat(migrated.path("user").path("emails").findValuesAsText("email")).containsExactly(victim);
    assertThat(ok(api.get("/v1/users/" + attackerId)).path("emails").findValuesAsText("email"))
        .doesNotContain(victim);
  }

  @Test
  void aValidAccessTokenGivesASessionForANewUserAndAgainForTheSameUser() {
    String address = email("ada");
    String token = accessToken(Map.of("email", address, "email_verified", true));

    JsonNode first = ok(api.post("/v1/sessions/migrate", body("session_token", token,
        "session_duration_minutes", 60, "session_custom_claims", Map.of("migrated", true))));
    JsonNode again = ok(api.post("/v1/sessions/migrate", body("session_token", accessToken(
        Map.of("email", address.toUpperCase(), "email_verified", true)), "session_duration_minutes", 60)));

    assertThat(first.path("user").path("emails").get(0).path("email").asText()).isEqualTo(address);
    assertThat(first.path("user").path("emails").get(0).path("verified").asBoolean()).isTrue();
    assertThat(first.path("session_token").asText()).hasSize(44);
    JsonNode factor = first.path("session").path("authentication_factors").get(0);
    assertThat(factor.path("type").asText()).isEqualTo("imported");
    assertThat(factor.path("email_factor").path("email_address").asText()).isEqualTo(address);
    assertThat(first.path("session").path("custom_claims").path("migrated").asBoolean()).isTrue();
    assertThat(again.path("user_id").asText()).isEqualTo(first.path("user_id").asText());
    assertThat(again.path("session").path("session_id").asText())
        .isNotEqualTo(first.path("session").path("session_id").asText());
    // The new session works like any other.
    ok(api.post("/v1/sessions/authenticate", body("session_token", first.path("session_token").asText())));
  }

  @Test
  void anExistingUserIsMatchedByTheVerifiedEmail() {
    String address = email("bea");
    String userId = ok(api.post("/v1/users", body("email", address))).path("user_id").asText();

    JsonNode migrated = ok(api.post("/v1/sessions/migrate", body("session_token",
        accessToken(Map.of("email", address, "email_verified", true)), "session_duration_minutes", 30)));

    assertThat(migrated.path("user_id").asText()).isEqualTo(userId);
  }

  @Test
  void withoutADurationTheUserIsMatchedAndNoSessionStarts() {
    String address = email("cat");

    JsonNode migrated = ok(api.post("/v1/sessions/migrate", body("session_token",
        accessToken(Map.of("email", address, "email_verified", true)))));

    assertThat(migrated.path("session").isNull()).isTrue();
    assertThat(migrated.path("session_token").asText()).isEmpty();
  }

  @Test
  void anUnverifiedEmailNeverLinksToAnExistingUserNorCreatesOne() {
    String existing = email("dot");
    ok(api.post("/v1/users", body("email", existing)));
    String fresh = email("eve");

    refused(api.post("/v1/sessions/migrate", body("session_token",
        accessToken(Map.of("email", existing, "email_verified", false)), "session_duration_minutes", 60)), 403,
        "userinfo_email_not_verified");
    refused(api.post("/v1/sessions/migrate", body("session_token", accessToken(Map.of("email", fresh)),
        "session_duration_minutes", 60)), 403, "userinfo_email_not_verified");
    refused(api.post("/v1/sessions/migrate", body("session_token", accessToken(Map.of("name", "No Email")),
        "session_duration_minutes", 60)), 403, "userinfo_email_not_verified");

    assertThat(usersWithEmail(fresh)).isZero();
  }

  @Test
  void aTokenTheProviderRefusesIsA401AndCreatesNothing() {
    String address = email("fay");
    String expired = provider.issueToken(ISSUER_ID, "subject-fay", "legacy-app",
        Map.of("email", address, "email_verified", true), -3600).serialize();
    String forged = expired.substring(0, expired.lastIndexOf('.') + 1) + "AAAA";

    refused(api.post("/v1/sessions/migrate", body("session_token", "not-a-token-the-provider-issued",
        "session_duration_minutes", 60)), 401, "invalid_migrate_session_token");
    refused(api.post("/v1/sessions/migrate", body("session_token", forged, "session_duration_minutes", 60)), 401,
        "invalid_migrate_session_token");
    refused(api.post("/v1/sessions/migrate", body("session_token", expired, "session_duration_minutes", 60)), 401,
        "invalid_migrate_session_token");
    refused(api.post("/v1/sessions/migrate", body("session_token", "has spaces\r\nX-Injected: 1",
        "session_duration_minutes", 60)), 401, "invalid_migrate_session_token");

    assertThat(usersWithEmail(address)).isZero();
  }

  @Test
  void badRequestsAreRefusedBeforeTheProviderIsAsked() {
    refused(api.post("/v1/sessions/migrate", "{}"), 400, "missing_required_field");
    refused(api.post("/v1/sessions/migrate", body("session_token", 42)), 400, "invalid_field_type");
    refused(api.post("/v1/sessions/migrate", body("session_token", "abc", "session_duration_minutes", 1)), 400,
        "invalid_session_duration_minutes");
    refused(api.post("/v1/sessions/migrate", body("session_token", "abc", "session_custom_claims",
        Map.of("sub", "x"))), 400, "reserved_claims_in_custom_claims");
  }

  @Test
  void aProviderThatIsDownIsA502AndNotAnInternalError() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    try (TestServer orphan = TestServer.start(Map.of("LATCHKEY_SESSION_MIGRATE_ISSUER",
        "http://127.0.0.1:" + closedPort + "/" + ISSUER_ID), new MutableClock())) {
      refused(orphan.api().post("/v1/sessions/migrate", body("session_token", "abc.def.ghi",
          "session_duration_minutes", 60)), 502, "identity_provider_unavailable");
    }
  }

  @Test
  void withoutAConfiguredProviderMigrateIsRefusedNamingTheSetting() {
    try (TestServer plain = TestServer.start()) {
      Reply r = plain.api().post("/v1/sessions/migrate", body("session_token", "abc"));
      refused(r, 400, "session_migrate_not_configured");
      assertThat(r.text("error_message")).contains("LATCHKEY_SESSION_MIGRATE_ISSUER");
    }
  }
}
