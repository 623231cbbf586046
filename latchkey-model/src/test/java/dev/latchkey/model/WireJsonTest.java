package dev.latchkey.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WireJsonTest {
  private final ObjectMapper json = WireJson.mapper();

  @Test
  void namesAreSnakeCaseAndTimestampsAreRfc3339() throws Exception {
    Session s = new Session("session-test-1", "user-test-1", Instant.parse("2026-01-02T03:04:05.678Z"),
        Instant.parse("2026-01-02T03:04:05.678Z"), Instant.parse("2026-01-02T04:04:05Z"), Attributes.EMPTY,
        List.of(AuthenticationFactor.password(Instant.parse("2026-01-02T03:04:05Z"))), Map.of(), List.of("stytch_user"));
    JsonNode node = json.readTree(json.writeValueAsString(s));
    assertThat(node.get("session_id").asText()).isEqualTo("session-test-1");
    assertThat(node.get("started_at").asText()).isEqualTo("2026-01-02T03:04:05.678Z");
    assertThat(node.get("expires_at").asText()).isEqualTo("2026-01-02T04:04:05Z");
    assertThat(node.get("attributes").get("ip_address").asText()).isEmpty();
    JsonNode factor = node.get("authentication_factors").get(0);
    assertThat(factor.get("delivery_method").asText()).isEqualTo("knowledge");
    assertThat(factor.has("email_factor")).as("absent sub-objects are omitted").isFalse();
  }

  @Test
  void jwkKeepsTheX5tS256NameAndUserKeepsIsLocked() throws Exception {
    Jwk jwk = new Jwk("RSA", "sig", List.of("verify"), "RS256", "jwk-test-1", List.of("MII"), "thumb", "n", "AQAB");
    assertThat(json.readTree(json.writeValueAsString(jwk)).has("x5tS256")).isTrue();
    User u = new User("user-test-1", List.of(), "active", List.of(), List.of(), List.of(), List.of(), List.of(),
        List.of(), false, List.of("stytch_user"), User.Name.EMPTY, Instant.EPOCH, null, Map.of(), Map.of(), null,
        null, null);
    JsonNode node = json.readTree(json.writeValueAsString(u));
    assertThat(node.has("is_locked")).isTrue();
    assertThat(node.has("locked")).isFalse();
  }

  @Test
  void aStringWhereAnIntegerIsExpectedIsRefused() {
    assertThatThrownBy(() -> json.readValue("{\"session_duration_minutes\":\"60\"}", SessionAuthenticateRequest.class))
        .hasMessageContaining("session_duration_minutes");
  }

  @Test
  void aFractionOrBooleanWhereAnIntegerIsExpectedIsRefused() {
    assertThatThrownBy(() -> json.readValue("{\"session_duration_minutes\":60.5}", SessionAuthenticateRequest.class))
        .hasMessageContaining("session_duration_minutes");
    assertThatThrownBy(() -> json.readValue("{\"session_duration_minutes\":true}", SessionAuthenticateRequest.class))
        .hasMessageContaining("session_duration_minutes");
  }

  @Test
  void aNumberWhereAStringIsExpectedIsRefused() {
    assertThatThrownBy(() -> json.readValue("{\"session_token\":123}", SessionAuthenticateRequest.class))
        .hasMessageContaining("session_token");
  }

  @Test
  void duplicateKeysAreRefused() {
    assertThatThrownBy(() -> json.readValue("{\"session_token\":\"a\",\"session_token\":\"b\"}",
        SessionAuthenticateRequest.class)).hasMessageContaining("Duplicate field");
  }

  @Test
  void unknownFieldsAreIgnoredBecauseOfficialSdksSendExtraOnes() throws Exception {
    SessionAuthenticateRequest r = json.readValue("{\"session_token\":\"a\",\"telemetry_id\":\"t\"}",
        SessionAuthenticateRequest.class);
    assertThat(r.sessionToken()).isEqualTo("a");
  }

  @Test
  void nullsInsideCustomClaimsAreKeptSoTheyCanDeleteKeys() throws Exception {
    SessionAuthenticateRequest r = json.readValue("{\"session_custom_claims\":{\"gone\":null}}",
        SessionAuthenticateRequest.class);
    assertThat(r.sessionCustomClaims()).containsEntry("gone", null);
  }
}
