package dev.latchkey.server.api;

import static dev.latchkey.server.api.ApiAssertions.assertError;
import static dev.latchkey.server.api.ApiAssertions.assertOk;
import static dev.latchkey.server.api.ApiAssertions.uniqueEmail;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.TestServer;
import dev.latchkey.server.testing.TotpCodes;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code external_id}: set on create, update and migrate, unique, returned in the user, and accepted wherever a
 * {@code user_id} is (users, TOTPs, the sessions list); {@code DELETE /v1/users/{user_id}/external_id}.
 */
class ExternalIdApiTest {
  private static final AtomicInteger COUNTER = new AtomicInteger();
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

  private static String externalId() {
    return "crm|" + server.projectId.substring(13, 21) + "." + COUNTER.incrementAndGet();
  }

  /** An external id in a URL: its '|' percent-encoded, as any HTTP client sends it. */
  private static String url(String externalId) {
    return externalId.replace("|", "%7C");
  }

  private static String createWith(String externalId) {
    JsonNode body = assertOk(api.post("/v1/users", Wire.body("email", uniqueEmail("ext"), "external_id",
        externalId)));
    assertThat(body.path("user").path("external_id").asText()).isEqualTo(externalId);
    return body.path("user_id").asText();
  }

  @Test
  void getPutAndDeleteTakeTheExternalIdForTheUserId() {
    String external = externalId();
    String userId = createWith(external);

    JsonNode got = assertOk(api.get("/v1/users/" + url(external)));
    assertThat(got.path("user_id").asText()).isEqualTo(userId);
    assertThat(got.path("external_id").asText()).isEqualTo(external);
    JsonNode updated = assertOk(api.put("/v1/users/" + url(external), "{\"name\":{\"first_name\":\"Ext\"}}"));
    assertThat(updated.path("user_id").asText()).isEqualTo(userId);
    assertThat(updated.path("user").path("name").path("first_name").asText()).isEqualTo("Ext");

    JsonNode deleted = assertOk(api.delete("/v1/users/" + url(external)));

    assertThat(deleted.path("user_id").asText()).isEqualTo(userId);
    assertError(api.get("/v1/users/" + userId), 404, "user_not_found");
  }

  @Test
  void anExternalIdSetByUpdateIsUniqueAndCanBeDeleted() {
    String userId = createWith(externalId());
    String other = createWith(externalId());
    String wanted = externalId();
    assertOk(api.put("/v1/users/" + userId, Wire.body("external_id", wanted)));

    ApiAssertions.assertError(api.put("/v1/users/" + other, Wire.body("external_id", wanted)), 400,
        "duplicate_user_external_id");
    ApiAssertions.assertError(api.post("/v1/users", Wire.body("email", uniqueEmail("ext-dup"), "external_id",
        wanted)), 400, "duplicate_user_external_id");

    JsonNode removed = assertOk(api.delete("/v1/users/" + url(wanted) + "/external_id"));
    assertThat(removed.path("user_id").asText()).isEqualTo(userId);
    assertThat(removed.path("user").path("external_id").isNull()).isTrue();
    assertError(api.get("/v1/users/" + url(wanted)), 400, "invalid_user_id");
    assertThat(assertOk(api.get("/v1/users/" + userId)).path("external_id").isNull()).isTrue();
    // The freed id can be taken by another user.
    assertOk(api.put("/v1/users/" + other, Wire.body("external_id", wanted)));
    assertThat(assertOk(api.get("/v1/users/" + url(wanted))).path("user_id").asText()).isNotEqualTo(userId);
  }

  @Test
  void theSessionsListAndTotpsTakeTheExternalId() {
    String email = uniqueEmail("ext-sessions");
    String external = externalId();
    String userId = assertOk(api.post("/v1/passwords/migrate", Wire.body("email", email, "hash_type", "md_5",
        "hash", "5f4dcc3b5aa765d61d8327deb882cf99", "external_id", external))).path("user_id").asText();
    assertOk(api.post("/v1/passwords/authenticate", Wire.body("email", email, "password", "password",
        "session_duration_minutes", 60)));

    JsonNode list = assertOk(api.get("/v1/sessions?user_id=" + url(external)));
    assertThat(list.path("sessions")).hasSize(1);
    assertThat(list.path("sessions").get(0).path("user_id").asText()).isEqualTo(userId);

    JsonNode totp = assertOk(api.post("/v1/totps", Wire.body("user_id", external)));
    assertThat(totp.path("user_id").asText()).isEqualTo(userId);
    JsonNode authed = assertOk(api.post("/v1/totps/authenticate", Wire.body("user_id", external, "totp_code",
        TotpCodes.at(totp.path("secret").asText(), java.time.Instant.now()))));
    assertThat(authed.path("user_id").asText()).isEqualTo(userId);
    assertOk(api.post("/v1/totps/recovery_codes", Wire.body("user_id", external)));
  }

  @Test
  void unknownIdsAreTheUsualErrors() {
    assertError(api.get("/v1/users/no-such-external-id"), 400, "invalid_user_id");
    assertError(api.delete("/v1/users/no-such-external-id/external_id"), 400, "invalid_user_id");
    assertError(api.delete("/v1/users/user-test-00000000-0000-4000-8000-000000000000/external_id"), 404,
        "user_not_found");
    assertError(api.get("/v1/sessions?user_id=nobody.here"), 400, "invalid_user_id");
  }
}
