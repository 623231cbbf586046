package dev.latchkey.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.server.testing.TestServer;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The catalog behind {@code GET /openapi.json} and the schema generator, seen from inside the package. */
class ApiCatalogTest {

  @Test
  void everyLineOfTheCatalogIsARouteOfAServerWithEveryOptionalRouteOn() {
    try (TestServer server = TestServer.start(Map.of("LATCHKEY_DEV_OUTBOX", "true",
        "LATCHKEY_METRICS_TOKEN", "metrics-token-for-the-catalog-test-0123456789"), Clock.systemUTC())) {
      assertThat(ApiCatalog.OPERATIONS.keySet()).as("lines of http/ApiCatalog vs the server's routes")
          .containsExactlyInAnyOrderElementsOf(server.server().routes());
      assertThat(ApiCatalog.undescribed(server.server().routes())).isEmpty();
    }
  }

  @Test
  void aRouteTheCatalogDoesNotKnowIsStillInTheDocumentMarkedUndescribed() {
    ObjectNode doc = OpenApiDocument.build(List.of("GET /healthz", "POST /v1/brand_new"));
    assertThat(ApiCatalog.undescribed(List.of("GET /healthz", "POST /v1/brand_new")))
        .containsExactly("POST /v1/brand_new");
    assertThat(doc.at("/paths/~1v1~1brand_new/post/x-latchkey-undescribed").asBoolean()).isTrue();
    assertThat(doc.at("/paths/~1healthz/get/x-latchkey-undescribed").isMissingNode()).isTrue();
  }

  record Thing(int count, String name, List<String> tags, Inner inner, Boolean maybe) {
    record Inner(String label) {}
  }

  @Test
  void aReplyRecordBecomesAClosedSchemaWithEveryFieldRequiredAndOnlyObjectsNullable() {
    WireSchemas schemas = new WireSchemas(Replies.JSON, Set.of("label"), Map.of());
    assertThat(schemas.reply(Thing.class)).isEqualTo(WireSchemas.ref("Thing"));
    JsonNode thing = schemas.components().get("Thing");
    assertThat(thing.path("required")).extracting(JsonNode::asText)
        .containsExactly("count", "name", "tags", "inner", "maybe");
    assertThat(thing.path("additionalProperties").asBoolean(true)).isFalse();
    assertThat(thing.at("/properties/count/type").asText()).isEqualTo("integer");
    assertThat(thing.at("/properties/name/type").asText()).isEqualTo("string");
    assertThat(thing.at("/properties/tags/items/type").asText()).isEqualTo("string");
    assertThat(thing.at("/properties/maybe/type").toString()).isEqualTo("[\"boolean\",\"null\"]");
    assertThat(thing.at("/properties/inner/anyOf/0/$ref").asText()).isEqualTo("#/components/schemas/Inner");
    assertThat(schemas.components().get("Inner").at("/properties/label/type").toString())
        .isEqualTo("[\"string\",\"null\"]");
  }

  @Test
  void aRequestRecordIsInlineAndOpenWithSnakeCaseNames() {
    record Ask(String sessionToken, Integer sessionDurationMinutes) {}
    ObjectNode ask = new WireSchemas(Replies.JSON, Set.of(), Map.of()).request(Ask.class);
    assertThat(ask.has("required")).isFalse();
    assertThat(ask.has("additionalProperties")).isFalse();
    assertThat(ask.path("properties").properties()).extracting(Map.Entry::getKey)
        .containsExactly("session_token", "session_duration_minutes");
  }

  static final class Other {
    record Inner(String x) {}
  }

  record Both(Thing.Inner a, Other.Inner b) {}

  @Test
  void twoReplyRecordsOfTheSameNameAreRefusedRatherThanMerged() {
    WireSchemas schemas = new WireSchemas(Replies.JSON, Set.of(), Map.of());
    assertThatThrownBy(() -> schemas.reply(Both.class)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("would both be schema Inner");
  }
}
