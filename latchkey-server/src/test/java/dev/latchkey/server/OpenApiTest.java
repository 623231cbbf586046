package dev.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.model.ErrorType;
import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.TestServer;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /openapi.json} stays true: it has exactly the routes the server registered, a real OpenAPI parser reads
 * it as valid OpenAPI 3.1, its schemas are valid JSON Schema, and every executed example of {@code docs/api.md}
 * (which {@link ApiDocTest} proves the server answers as written) validates against the schema of its route.
 */
class OpenApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String METRICS_TOKEN = "metrics-token-for-the-openapi-test-0123456789";
  /**
   * The operations whose success docs/api.md does not show (only a refusal), so no example checks their reply
   * schema; this document itself. A success example added there removes its route from this list.
   */
  private static final List<String> SUCCESS_NOT_IN_THE_API_DOC = List.of("GET /openapi.json",
      "DELETE /sdk/v1/users/emails/{email_id}", "POST /sdk/v1/oauth/authenticate",
      // Documented with refusals only (the story's sessions at that point are not worth spelling out);
      // RevokeOthersApiTest covers their success.
      "POST /v1/sessions/revoke_others", "POST /sdk/v1/sessions/revoke_others",
      // A dry run's count and sample depend on every session the example server holds; SessionBulkRevokeApiTest
      // covers its replies.
      "POST /v1/sessions/revoke_bulk",
      // Webhook endpoints: their ids and secrets are new each run; WebhookApiTest and the backend SDK's
      // WebhookDeliveryTest cover their replies.
      "POST /v1/webhooks/endpoints", "GET /v1/webhooks/endpoints", "GET /v1/webhooks/endpoints/{endpoint_id}",
      "PUT /v1/webhooks/endpoints/{endpoint_id}", "DELETE /v1/webhooks/endpoints/{endpoint_id}",
      "POST /v1/webhooks/endpoints/{endpoint_id}/rotate_secret",
      "GET /v1/webhooks/endpoints/{endpoint_id}/dead_letters",
      "POST /v1/webhooks/endpoints/{endpoint_id}/dead_letters/replay");
  /** Every optional route on: the dev outbox and /metrics. */
  private static TestServer server;
  private static ApiClient.Reply served;
  private static JsonNode doc;

  @BeforeAll
  static void startAServerWithEveryRouteAndFetchItsDocument() {
    server = TestServer.start(Map.of("LATCHKEY_DEV_OUTBOX", "true", "LATCHKEY_METRICS_TOKEN", METRICS_TOKEN),
        Clock.systemUTC());
    served = server.anonymous().get("/openapi.json");
    doc = served.json();
  }

  @AfterAll
  static void stopTheServer() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void theDocumentIsServedWithoutCredentialsAsJson() {
    assertThat(served.status()).as(served.text()).isEqualTo(200);
    assertThat(served.header("Content-Type")).startsWith("application/json");
    assertThat(doc.path("openapi").asText()).isEqualTo("3.1.0");
  }

  @Test
  void theDocumentHasExactlyTheRoutesTheServerRegistered() {
    assertThat(operations(doc)).as("paths x methods of /openapi.json vs the server's routes")
        .containsExactlyInAnyOrderElementsOf(server.server().routes());
    List<String> undescribed = new ArrayList<>();
    doc.path("paths").properties().forEach(path -> path.getValue().properties().forEach(op -> {
      if (op.getValue().path("x-latchkey-undescribed").asBoolean()) {
        undescribed.add(op.getKey().toUpperCase(java.util.Locale.ROOT) + " " + path.getKey());
      }
    }));
    assertThat(undescribed).as("routes without a line in http/ApiCatalog (add one: its credentials, request record"
        + " and reply record)").isEmpty();
  }

  @Test
  void aServerWithoutTheOptionalRoutesDocumentsOnlyTheRoutesItHas() {
    try (TestServer plain = TestServer.start()) {
      JsonNode plainDoc = plain.anonymous().get("/openapi.json").json();
      assertThat(operations(plainDoc)).containsExactlyInAnyOrderElementsOf(plain.server().routes())
          .doesNotContain("GET /metrics", "GET /v1/dev/outbox");
    }
  }

  @Test
  void swaggerParserReadsItAsValidOpenApi31() {
    ParseOptions options = new ParseOptions();
    options.setResolve(true);
    SwaggerParseResult result = new OpenAPIV3Parser().readContents(served.text(), null, options);
    assertThat(result.getMessages()).as("swagger-parser's validation messages").isEmpty();
    assertThat(result.getOpenAPI().getOpenapi()).isEqualTo("3.1.0");
    assertThat(result.getOpenAPI().getPaths()).hasSize(doc.path("paths").size());
  }

  /** The validator above is no rubber stamp: a document without info and with a dangling reference fails. */
  @Test
  void swaggerParserReportsABrokenDocument() {
    com.fasterxml.jackson.databind.node.ObjectNode broken = doc.deepCopy();
    broken.remove("info");
    ((com.fasterxml.jackson.databind.node.ObjectNode) broken.at("/paths/~1healthz/get/responses/200/content/"
        + "application~1json/schema")).put("$ref", "#/components/schemas/NoSuchSchema");
    SwaggerParseResult result = new OpenAPIV3Parser().readContents(broken.toString(), null, new ParseOptions());
    assertThat(result.getMessages()).anySatisfy(m -> assertThat(m).contains("info"))
        .anySatisfy(m -> assertThat(m).contains("NoSuchSchema"));
  }

  @Test
  void everySchemaInTheDocumentIsAValidJsonSchema202012() {
    List<JsonNode> schemas = new ArrayList<>();
    doc.path("components").path("schemas").forEach(schemas::add);
    doc.path("paths").findParents("schema").forEach(parent -> schemas.add(parent.get("schema")));
    assertThat(schemas).hasSizeGreaterThan(doc.path("components").path("schemas").size());
    for (JsonNode schema : schemas) {
      assertThat(OpenApiSchemas.metaProblems(schema)).as("as JSON Schema 2020-12: " + schema).isEmpty();
    }
  }

  @Test
  void theErrorSchemaNamesEveryErrorTypeAndEveryOperationAnswersIt() {
    List<String> types = new ArrayList<>();
    doc.at("/components/schemas/ApiError/properties/error_type/enum").forEach(t -> types.add(t.asText()));
    assertThat(types).containsExactlyInAnyOrderElementsOf(
        Arrays.stream(ErrorType.values()).map(ErrorType::wireName).toList());
    doc.path("paths").forEach(item -> item.forEach(op -> assertThat(op.at("/responses/default/$ref").asText())
        .isEqualTo("#/components/responses/Error")));
  }

  @Test
  void everyOperationNamesTheCredentialsItAsksFor() {
    Set<String> schemes = new TreeSet<>();
    doc.path("paths").forEach(item -> item.forEach(op -> {
      assertThat(op.has("security")).as(op.path("operationId").asText()).isTrue();
      op.path("security").forEach(requirement -> requirement.fieldNames().forEachRemaining(schemes::add));
    }));
    assertThat(schemes).containsExactlyInAnyOrder("projectSecret", "publicToken", "publicTokenAndSession",
        "metricsToken");
    assertThat(security("GET /v1/users/{user_id}")).isEqualTo("projectSecret");
    assertThat(security("GET /sdk/v1/users/me")).isEqualTo("publicTokenAndSession");
    assertThat(security("GET /v1/sessions/jwks/{project_id}")).isEmpty();
    assertThat(security("GET /openapi.json")).isEmpty();
  }

  /**
   * The security of each operation is what the server does: a request without credentials is refused with 401 on
   * every operation that names a scheme, and on no other.
   */
  @Test
  void everyOperationThatNamesCredentialsRefusesARequestWithoutThemAndNoOtherDoes() {
    ApiClient anonymous = server.anonymous();
    List<String> wrong = new ArrayList<>();
    for (String route : operations(doc)) {
      String[] methodPath = route.split(" ", 2);
      String path = methodPath[1].replaceAll("\\{[a-z_]+\\}", "x");
      String body = methodPath[0].equals("POST") || methodPath[0].equals("PUT") ? "{}" : null;
      ApiClient.Reply reply = anonymous.send(methodPath[0], path, body, Map.of());
      boolean secured = !security(route).isEmpty();
      if ((reply.status() == 401) != secured) {
        wrong.add(route + " (security " + (secured ? security(route) : "none") + ") answered " + reply.status()
            + " " + reply.text());
      }
    }
    assertThat(wrong).isEmpty();
  }

  @Test
  void everyExampleInTheApiDocValidatesAgainstTheSchemaOfItsRoute() throws IOException {
    ApiDocument api = ApiDocument.load(ApiDocTest.apiDoc());
    OpenApiSchemas schemas = new OpenApiSchemas(doc);
    List<String> problems = new ArrayList<>();
    Set<String> checkedSuccesses = new TreeSet<>();
    int replies = 0;
    int requests = 0;
    for (ApiDocument.Example e : api.examples()) {
      String[] parts = e.request().text().split("\n\n", 2);
      String[] requestLine = parts[0].lines().findFirst().orElseThrow().split(" ", 2);
      String route = route(requestLine[0], requestLine[1]);
      String where = "the example on line " + e.line() + " (" + route + ")";
      if (route == null) {
        problems.add(where + ": no operation of /openapi.json has this method and path");
        continue;
      }
      JsonNode operation = operation(route);
      JsonNode reply = JSON.readTree(e.reply().text());
      JsonNode status = reply.has("data") ? reply.path("data").path("status_code") : reply.path("status_code");
      boolean success = status.asInt() / 100 == 2;
      JsonNode replySchema = success
          ? operation.at("/responses/" + status.asInt() + "/content/application~1json/schema")
          : doc.at("/components/schemas/ApiError");
      if (replySchema.isMissingNode()) {
        problems.add(where + ": no schema for a " + status + " reply");
      } else {
        if (success) {
          checkedSuccesses.add(route);
        }
        schemas.problems(replySchema, reply).forEach(p -> problems.add(where + ", reply on line "
            + e.reply().line() + ": " + p));
        replies++;
      }
      String body = parts.length > 1 ? parts[1].strip() : "";
      // A request the server refused may be wrong on purpose (a string where an integer belongs): only the bodies
      // of successful calls must fit. They are held to a closed schema, so a field the route's record does not
      // declare (a misspelt or removed one) fails too.
      if (success && !body.isEmpty()) {
        JsonNode requestSchema = operation.at("/requestBody/content/application~1json/schema");
        if (requestSchema.isMissingNode()) {
          problems.add(where + ": sends a body, but the operation declares none");
        } else {
          schemas.problems(OpenApiSchemas.closed(requestSchema), JSON.readTree(body)).forEach(p -> problems.add(
              where + ", request body: " + p));
          requests++;
        }
      }
    }
    assertThat(problems).isEmpty();
    assertThat(replies).as("replies checked").isEqualTo(api.examples().size());
    List<String> unchecked = new ArrayList<>();
    for (String route : operations(doc)) {
      if (!operation(route).at("/responses/200/content/application~1json").isMissingNode()
          && !checkedSuccesses.contains(route)) {
        unchecked.add(route);
      }
    }
    assertThat(unchecked).as("JSON success replies no example of docs/api.md checks")
        .containsExactlyInAnyOrderElementsOf(SUCCESS_NOT_IN_THE_API_DOC);
    assertThat(requests).as("request bodies checked").isGreaterThan(50);
  }

  /** The fragment docs/api.md shows ("OpenAPI") is the served document's, word for word. */
  @Test
  void theFragmentInTheApiDocIsTheServedOne() throws IOException {
    String markdown = java.nio.file.Files.readString(ApiDocTest.apiDoc());
    int section = markdown.indexOf("\n## OpenAPI (`GET /openapi.json`)\n");
    assertThat(section).as("the OpenAPI section of docs/api.md").isNotNegative();
    int start = markdown.indexOf("```jsonc\n", section) + "```jsonc\n".length();
    JsonNode fragment = JSON.readTree(markdown.substring(start, markdown.indexOf("```", start)));
    assertThat(fragment.size()).isEqualTo(1);
    String path = fragment.fieldNames().next();
    assertThat(fragment.get(path)).isEqualTo(doc.path("paths").path(path));
  }

  /** The schemas mean something: what a reply must have, must not have, and the types of its values. */
  @Test
  void theSchemasRefuseAReplyWithAMissingExtraOrMistypedField() throws IOException {
    OpenApiSchemas schemas = new OpenApiSchemas(doc);
    JsonNode health = operation("GET /healthz").at("/responses/200/content/application~1json/schema");
    assertThat(schemas.problems(health, JSON.readTree(
        "{\"status_code\": 200, \"request_id\": \"r\", \"status\": \"ok\"}"))).isEmpty();
    assertThat(schemas.problems(health, JSON.readTree("{\"status_code\": 200, \"request_id\": \"r\"}")))
        .singleElement().asString().contains("status");
    assertThat(schemas.problems(health, JSON.readTree(
        "{\"status_code\": 200, \"request_id\": \"r\", \"status\": \"ok\", \"extra\": 1}"))).singleElement()
        .asString().contains("extra");
    assertThat(schemas.problems(health, JSON.readTree(
        "{\"status_code\": \"200\", \"request_id\": \"r\", \"status\": \"ok\"}")))
        .contains("/status_code: string found, integer expected");
    assertThat(schemas.problems(health, JSON.readTree(
        "{\"status_code\": 201, \"request_id\": \"r\", \"status\": \"ok\"}")))
        .containsExactly("/status_code: must be the constant value '200'");
    JsonNode error = doc.at("/components/schemas/ApiError");
    assertThat(schemas.problems(error, JSON.readTree("{\"status_code\": 404, \"request_id\": \"r\", "
        + "\"error_type\": \"no_such_type\", \"error_message\": \"m\", \"error_url\": \"https://x.test/\"}")))
        .singleElement().asString().contains("error_type");
    JsonNode mail = doc.at("/components/schemas/OutboxMail");
    String aMail = "{\"sent_at\": \"%s\", \"to\": \"a@example.com\", \"subject\": \"s\", \"link\": null, "
        + "\"token\": null, \"code\": \"123456\"}";
    assertThat(schemas.problems(mail, JSON.readTree(aMail.formatted("2026-11-25T22:20:31.910Z")))).isEmpty();
    assertThat(schemas.problems(mail, JSON.readTree(aMail.formatted("yesterday")))).singleElement().asString()
        .contains("sent_at");
    JsonNode me = operation("GET /sdk/v1/users/me").at("/responses/200/content/application~1json/schema");
    assertThat(schemas.problems(me, JSON.readTree("{\"status_code\": 200}"))).as("an SDK reply outside data")
        .isNotEmpty();
  }

  /** {@code METHOD /path?query} as the route of the document it calls; literal segments beat parameters. */
  private static String route(String method, String path) {
    return operations(doc).stream().filter(r -> r.startsWith(method + " "))
        .filter(r -> ApiDocTest.pathMatches(r.substring(method.length() + 1), path))
        .min(Comparator.comparingInt(r -> r.split("\\{", -1).length)).orElse(null);
  }

  private static JsonNode operation(String route) {
    String[] methodPath = route.split(" ", 2);
    return doc.path("paths").path(methodPath[1]).path(methodPath[0].toLowerCase(java.util.Locale.ROOT));
  }

  /** The scheme an operation asks for, or "" for none. */
  private static String security(String route) {
    JsonNode security = operation(route).path("security");
    return security.isEmpty() ? "" : security.get(0).fieldNames().next();
  }

  /** Every operation of a document as {@code "METHOD /path"}. */
  private static List<String> operations(JsonNode document) {
    List<String> out = new ArrayList<>();
    document.path("paths").properties().forEach(path -> path.getValue().fieldNames().forEachRemaining(
        method -> out.add(method.toUpperCase(java.util.Locale.ROOT) + " " + path.getKey())));
    return out;
  }
}
