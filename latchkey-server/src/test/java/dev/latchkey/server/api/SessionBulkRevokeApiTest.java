package dev.latchkey.server.api;

import static dev.latchkey.server.testing.Wire.body;
import static dev.latchkey.server.testing.Wire.email;
import static dev.latchkey.server.testing.Wire.ok;
import static dev.latchkey.server.testing.Wire.refused;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.model.Attributes;
import dev.latchkey.model.AuthenticationFactor;
import dev.latchkey.server.config.Settings;
import dev.latchkey.server.store.SessionRecord;
import dev.latchkey.server.store.Stores;
import dev.latchkey.server.store.jdbc.JdbcStores;
import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.SseStream;
import dev.latchkey.server.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code POST /v1/sessions/revoke_bulk}: dry run, real run, each criterion, the audit events and every refusal. */
class SessionBulkRevokeApiTest {
  private static final String PASSWORD = "correct horse battery staple";
  private TestServer server;
  private ApiClient api;

  @BeforeEach
  void start() {
    server = TestServer.start();
    api = server.api();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private JsonNode signUp(String address) {
    return ok(api.post("/v1/passwords", body("email", address, "password", PASSWORD, "session_duration_minutes", 60)));
  }

  private JsonNode signIn(String address) {
    return ok(api.post("/v1/passwords/authenticate", body("email", address, "password", PASSWORD,
        "session_duration_minutes", 60)));
  }

  private int check(JsonNode session) {
    return api.post("/v1/sessions/authenticate", body("session_token", session.path("session_token").asText()))
        .status();
  }

  private static String id(JsonNode signedIn) {
    return signedIn.path("session").path("session_id").asText();
  }

  @Test
  void aDryRunCountsAndSamplesWithoutRevokingAndTheRealRunRevokesExactlyTheMatchesAuditingBoth() {
    String ada = email("bulk-ada");
    JsonNode first = signUp(ada);
    JsonNode second = signIn(ada);
    JsonNode grace = signUp(email("bulk-grace"));
    String adaId = first.path("user_id").asText();
    try (SseStream events = SseStream.open(server.baseUrl(), "/v1/sessions/events",
        ApiClient.basic(server.projectId, server.secret), Map.of())) {
      JsonNode dry = ok(api.post("/v1/sessions/revoke_bulk", body("user_ids", List.of(adaId), "dry_run", true)));

      assertThat(dry.path("dry_run").asBoolean()).isTrue();
      assertThat(dry.path("count").asLong()).isEqualTo(2);
      assertThat(dry.path("sample")).extracting(s -> s.path("session_id").asText())
          .containsExactly(id(first), id(second));
      assertThat(check(first)).isEqualTo(200);
      assertThat(check(second)).isEqualTo(200);
      SseStream.Item dryAudit = events.nextEvent("sessions.bulk_revoke");
      assertThat(dryAudit.json().path("data").path("dry_run").asBoolean()).isTrue();
      assertThat(dryAudit.json().path("data").path("count").asLong()).isEqualTo(2);

      JsonNode real = ok(api.post("/v1/sessions/revoke_bulk", body("user_ids", List.of(adaId))));

      assertThat(real.path("dry_run").asBoolean()).isFalse();
      assertThat(real.path("count").asLong()).isEqualTo(2);
      List<String> revoked = new ArrayList<>();
      revoked.add(events.nextEvent("session.revoked").json().path("session_id").asText());
      revoked.add(events.nextEvent("session.revoked").json().path("session_id").asText());
      assertThat(revoked).containsExactlyInAnyOrder(id(first), id(second));
      SseStream.Item realAudit = events.nextEvent("sessions.bulk_revoke");
      assertThat(realAudit.json().path("data").path("dry_run").asBoolean()).isFalse();
      assertThat(realAudit.json().path("data").path("criteria").path("user_ids").get(0).asText()).isEqualTo(adaId);
    }
    assertThat(check(first)).isEqualTo(404);
    assertThat(check(second)).isEqualTo(404);
    assertThat(check(grace)).isEqualTo(200);
  }

  @Test
  void criteriaCombineWithAndStartedBeforeFactorTypeAndIpRange() {
    String ada = email("bulk-criteria");
    JsonNode older = signUp(ada);
    Instant cut = Instant.parse(older.path("session").path("started_at").asText()).plusMillis(1);
    ApiClient device = new ApiClient(server.baseUrl(), server.publicToken, server.publicToken);
    JsonNode newer;
    do {
      newer = device.send("POST", "/sdk/v1/passwords/authenticate", body("email", ada, "password", PASSWORD,
          "session_duration_minutes", 60), Map.of()).json().path("data");
    } while (!Instant.parse(newer.path("session").path("started_at").asText()).isAfter(cut));
    String ip = newer.path("session").path("attributes").path("ip_address").asText();
    String itsRange = ip.contains(":") ? ip + "/128" : "127.0.0.0/8";

    assertThat(count(body("created_before", cut.toString(), "dry_run", true))).isEqualTo(1);
    assertThat(count(body("created_before", cut.toString(), "authentication_factor_type", "magic_link",
        "dry_run", true))).isZero();
    assertThat(count(body("ip_range", itsRange, "dry_run", true))).isEqualTo(1);
    assertThat(count(body("ip_range", "10.0.0.0/8", "dry_run", true))).isZero();
    assertThat(count(body("ip_range", "2001:db8::/32", "dry_run", true))).isZero();

    assertThat(count(body("ip_range", itsRange, "authentication_factor_type", "password"))).isEqualTo(1);
    assertThat(check(newer)).isEqualTo(404);
    assertThat(check(older)).isEqualTo(200);
  }

  private long count(String request) {
    return ok(api.post("/v1/sessions/revoke_bulk", request)).path("count").asLong();
  }

  @Test
  void moreMatchesThanAPageAreAllRevoked() {
    String userId = signUp(email("bulk-many")).path("user_id").asText();
    Instant now = Instant.now();
    try (Stores stores = JdbcStores.open(Settings.load(server.environment()).databaseUrl(), Duration.ofSeconds(10))) {
      for (int i = 0; i < 1234; i++) {
        String sessionId = "session-test-" + UUID.randomUUID();
        stores.sessions().create(new SessionRecord(sessionId, userId, "hash-of-" + sessionId,
            now.minusSeconds(i), now.minusSeconds(i), now.plusSeconds(3600), new Attributes("198.51.100.7", ""),
            List.of(AuthenticationFactor.password(now)), Map.of(), 1));
      }
    }

    JsonNode dry = ok(api.post("/v1/sessions/revoke_bulk", body("ip_range", "198.51.100.0/24", "dry_run", true)));
    JsonNode real = ok(api.post("/v1/sessions/revoke_bulk", body("ip_range", "198.51.100.0/24")));

    assertThat(dry.path("count").asLong()).isEqualTo(1234);
    assertThat(dry.path("sample")).hasSize(20);
    assertThat(real.path("count").asLong()).isEqualTo(1234);
    assertThat(ok(api.get("/v1/sessions?user_id=" + userId)).path("sessions")).hasSize(1);
  }

  @Test
  void everyUnusableRequestIsAClear400AndRevokesNothing() {
    JsonNode s = signUp(email("bulk-refused"));
    String userId = s.path("user_id").asText();

    refused(api.post("/v1/sessions/revoke_bulk", "{}"), 400, "missing_required_field", "never revokes every");
    refused(api.post("/v1/sessions/revoke_bulk", body("dry_run", false)), 400, "missing_required_field");
    refused(api.post("/v1/sessions/revoke_bulk", body("user_ids", List.of(userId), "user_agent", "curl")), 400,
        "unsupported_request_field", "user_agent");
    refused(api.post("/v1/sessions/revoke_bulk", body("user_ids", userId)), 400, "invalid_field_type");
    refused(api.post("/v1/sessions/revoke_bulk", body("user_ids", List.of("ada@example.com"))), 400,
        "invalid_user_id");
    refused(api.post("/v1/sessions/revoke_bulk", body("created_before", "yesterday")), 400, "invalid_field_type",
        "created_before");
    refused(api.post("/v1/sessions/revoke_bulk", body("authentication_factor_type", "sms")), 400,
        "invalid_field_type", "authentication_factor_type");
    for (String range : List.of("10.0.0.0/33", "10.0.0.0", "example.com/8", "::1/129", "10.0.0.0/-1", "")) {
      if (!range.isEmpty()) {
        refused(api.post("/v1/sessions/revoke_bulk", body("ip_range", range)), 400, "invalid_field_type",
            "ip_range");
      }
    }
    refused(api.post("/v1/sessions/revoke_bulk", "[]"), 400, "malformed_json");
    refused(server.anonymous().post("/v1/sessions/revoke_bulk", body("user_ids", List.of(userId))), 401,
        "unauthorized_credentials");

    assertThat(check(s)).isEqualTo(200);
  }
}
