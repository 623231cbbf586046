package dev.latchkey.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The schemas of an OpenAPI 3.1 document, applied by a real JSON Schema 2020-12 validator (networknt's; OpenAPI 3.1's
 * schemas are 2020-12): a value checked against any schema of the document, its {@code #/components/schemas} refs
 * resolved, and each schema checked against the 2020-12 meta-schema (bundled with the validator, so offline).
 *
 * <pre>{@code
 * OpenApiSchemas schemas = new OpenApiSchemas(doc);
 * List<String> problems = schemas.problems(doc.at("/paths/~1healthz/get/responses/200/content/application~1json/schema"), reply);
 * }</pre>
 */
final class OpenApiSchemas {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DIALECT = "https://json-schema.org/draft/2020-12/schema";
  /** Formats asserted too (2020-12 makes them annotations by default): a timestamp must be RFC 3339. */
  private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
      b -> b.schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));

  private final JsonNode components;
  private final Map<String, Schema> compiled = new HashMap<>();

  OpenApiSchemas(JsonNode document) {
    this.components = document.path("components");
  }

  /** What is wrong with {@code value} by {@code schema} (a schema of the document); empty when it is valid. */
  List<String> problems(JsonNode schema, JsonNode value) {
    Schema s = compiled.computeIfAbsent(schema.toString(), k -> compile(schema));
    return s.validate(value.toString(), InputFormat.JSON).stream().map(Object::toString).toList();
  }

  /** What is wrong with {@code schema} as a JSON Schema 2020-12; empty when it is a valid one. */
  static List<String> metaProblems(JsonNode schema) {
    return REGISTRY.getSchema(SchemaLocation.of(DIALECT)).validate(schema.toString(), InputFormat.JSON).stream()
        .map(Object::toString).toList();
  }

  /**
   * The schema as the root of a resource that also holds the document's components at the same place as in the
   * document, so its {@code #/components/schemas/...} refs resolve as they do there.
   */
  private Schema compile(JsonNode schema) {
    ObjectNode root = JSON.createObjectNode();
    root.put("$schema", DIALECT);
    root.put("$id", "https://latchkey.invalid/openapi-check.json");
    root.set("components", components);
    root.putObject("$defs").set("target", schema);
    root.put("$ref", "#/$defs/target");
    return REGISTRY.getSchema(SchemaLocation.of("https://latchkey.invalid/openapi-check.json"), root.toString(),
        InputFormat.JSON);
  }

  /** A copy of a request schema in which no object allows properties it does not declare. */
  static JsonNode closed(JsonNode schema) {
    JsonNode copy = schema.deepCopy();
    close(copy);
    return copy;
  }

  private static void close(JsonNode node) {
    if (node instanceof ObjectNode o) {
      if (o.has("properties") && !o.has("additionalProperties")) {
        o.put("additionalProperties", false);
      }
      for (Iterator<JsonNode> it = o.elements(); it.hasNext(); ) {
        close(it.next());
      }
    } else if (node.isArray()) {
      node.forEach(OpenApiSchemas::close);
    }
  }
}
