package dev.latchkey.server.api;

import static dev.latchkey.server.testing.Wire.body;
import static dev.latchkey.server.testing.Wire.ok;
import static dev.latchkey.server.testing.Wire.refused;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.TestServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Managing webhook endpoints over HTTP: what is shown (a secret once), what is refused, and secrets at rest. */
class WebhookApiTest {
  private static final String KEK = Base64.getEncoder().encodeToString(new byte[32]);

  @Test
  void anEndpointIsMadeListedChangedRotatedAndDeletedAndItsSecretIsShownOnlyWhenMadeOrRotated() throws Exception {
    try (TestServer server = TestServer.start(Map.of("LATCHKEY_KEY_ENCRYPTION_KEY", KEK), Clock.systemUTC())) {
      ApiClient api = server.api();
      JsonNode made = ok(api.post("/v1/webhooks/endpoints", body("url", "https://hooks.example.com/latchkey",
          "event_types", List.of("session.revoked", "session.revoked"))));
      String id = made.path("endpoint").path("endpoint_id").asText();
      String secret = made.path("secret").asText();

      assertThat(id).startsWith("webhook-endpoint-");
      assertThat(secret).matches("whsec_[A-Za-z0-9+/]{43}=");
      assertThat(made.path("endpoint").path("event_types")).hasSize(1);
      assertThat(made.path("endpoint").path("enabled").asBoolean()).isTrue();
      ApiClient.Reply listed = api.get("/v1/webhooks/endpoints");
      assertThat(ok(listed).path("endpoints")).extracting(e -> e.path("endpoint_id").asText()).containsExactly(id);
      assertThat(listed.text()).doesNotContain(secret.substring(6));
      assertThat(api.get("/v1/webhooks/endpoints/" + id).text()).doesNotContain(secret.substring(6));

      JsonNode changed = ok(api.put("/v1/webhooks/endpoints/" + id, body("enabled", false, "event_types", List.of())));
      assertThat(changed.path("endpoint").path("enabled").asBoolean()).isFalse();
      assertThat(changed.path("endpoint").path("event_types")).isEmpty();
      assertThat(changed.path("endpoint").path("url").asText()).isEqualTo("https://hooks.example.com/latchkey");

      JsonNode rotated = ok(api.post("/v1/webhooks/endpoints/" + id + "/rotate_secret", body("overlap_minutes", 5)));
      assertThat(rotated.path("secret").asText()).startsWith("whsec_").isNotEqualTo(secret);
      assertThat(rotated.path("endpoint").path("previous_secret_expires_at").isTextual()).isTrue();

      // At rest: sealed, never the secret itself.
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + server.dataDir().resolve("latchkey.db"));
          Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT secret, previous_secret, secret_scheme FROM webhook_endpoints")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).doesNotContain(rotated.path("secret").asText().substring(6));
        assertThat(rs.getString(2)).doesNotContain(secret.substring(6));
        assertThat(rs.getString(3)).isEqualTo("aes-256-gcm");
      }

      ok(api.delete("/v1/webhooks/endpoints/" + id));
      refused(api.get("/v1/webhooks/endpoints/" + id), 404, "webhook_endpoint_not_found");
      assertThat(ok(api.get("/v1/webhooks/endpoints")).path("endpoints")).isEmpty();
    }
  }

  @Test
  void unusableRequestsAreClear400sOr404sAndMakeNothing() {
    try (TestServer server = TestServer.start()) {
      ApiClient api = server.api();
      for (String url : List.of("http://hooks.example.com/x", "ftp://hooks.example.com/x", "hooks.example.com/x",
          "https://user:pw@hooks.example.com/x", "https://hooks.example.com/x#frag", "https://", "javascript:x")) {
        refused(api.post("/v1/webhooks/endpoints", body("url", url)), 400, "invalid_webhook_url");
      }
      refused(api.post("/v1/webhooks/endpoints", "{}"), 400, "missing_required_field");
      refused(api.post("/v1/webhooks/endpoints", body("url", "https://h.example.com", "event_types",
          List.of("session.exploded"))), 400, "invalid_field_type", "event_types");
      refused(api.post("/v1/webhooks/endpoints", body("url", 42)), 400, "invalid_field_type");
      assertThat(ok(api.get("/v1/webhooks/endpoints")).path("endpoints")).isEmpty();

      String id = ok(api.post("/v1/webhooks/endpoints", body("url", "http://127.0.0.1:9/hooks")))
          .path("endpoint").path("endpoint_id").asText();
      refused(api.post("/v1/webhooks/endpoints/" + id + "/rotate_secret", body("overlap_minutes", 10081)), 400,
          "invalid_field_type", "overlap_minutes");
      refused(api.post("/v1/webhooks/endpoints/" + id + "/dead_letters/replay", body("message_id", "msg_nope")),
          404, "webhook_delivery_not_found");
      refused(api.put("/v1/webhooks/endpoints/" + id, body("url", "http://evil.example.com")), 400,
          "invalid_webhook_url");
      refused(api.get("/v1/webhooks/endpoints/not-an-id"), 404, "webhook_endpoint_not_found");
      refused(api.delete("/v1/webhooks/endpoints/webhook-endpoint-00000000-0000-0000-0000-000000000000"), 404,
          "webhook_endpoint_not_found");
      refused(server.anonymous().get("/v1/webhooks/endpoints"), 401, "unauthorized_credentials");
      assertThat(ok(api.get("/v1/webhooks/endpoints/" + id + "/dead_letters")).path("deliveries")).isEmpty();
    }
  }
}
