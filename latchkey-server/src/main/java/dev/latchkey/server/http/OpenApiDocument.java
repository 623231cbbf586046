package dev.latchkey.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.model.ErrorType;
import dev.latchkey.model.User;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The OpenAPI 3.1 document of the routes a server registered: each with its credentials, parameters, request body,
 * success reply and Stytch's error reply, the schemas derived from the wire records ({@link ApiCatalog},
 * {@link WireSchemas}). A route the catalog does not know still appears, marked {@code x-latchkey-undescribed}
 * (and failing {@code OpenApiTest}), so the document never hides a route.
 *
 * <pre>{@code
 * ObjectNode doc = OpenApiDocument.build(httpApi.routes());
 * }</pre>
 */
final class OpenApiDocument {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Pattern PATH_PARAMETER = Pattern.compile("\\{([a-z_]+)\\}");
  static final String FLAT_USER = "UserReply";
  /**
   * The error reply: the response {@code Error}, its schema {@code ApiError} (not {@code Error}, a name client
   * generators must change in most languages).
   */
  static final String ERROR = "Error";
  static final String ERROR_SCHEMA = "ApiError";

  private OpenApiDocument() {}

  /** The document for these routes ({@code "METHOD /path"}, as {@link HttpApi#routes()} lists them). */
  static ObjectNode build(List<String> routes) {
    // Every record WireSchemas meets in a reply is a success's: its status_code is 200.
    WireSchemas schemas = new WireSchemas(Replies.JSON, ApiCatalog.NULLABLE_STRINGS,
        Map.of(ApiCatalog.FLAT_USER_PROPERTY, WireSchemas.ref(FLAT_USER), "status_code", success()));
    schemas.component(FLAT_USER, flatUser(schemas));
    schemas.component(ERROR_SCHEMA, errorSchema());

    ObjectNode doc = NODES.objectNode();
    doc.put("openapi", "3.1.0");
    ObjectNode info = doc.putObject("info");
    info.put("title", "Latchkey");
    info.put("version", version());
    info.put("summary", "Stytch's Sessions API, self-hosted.");
    info.put("description", "Every route this server serves. Bodies and replies are snake_case JSON; every reply "
        + "has status_code and request_id; every error has Stytch's shape (status_code, request_id, error_type, "
        + "error_message, error_url). Successful /sdk/v1 replies are wrapped in {\"data\": ...}. Unknown request "
        + "fields are ignored. docs/api.md has the rules and an executed example of every route.");
    ObjectNode paths = doc.putObject("paths");
    for (String route : routes) {
      String[] methodPath = route.split(" ", 2);
      ObjectNode item = paths.has(methodPath[1]) ? (ObjectNode) paths.get(methodPath[1])
          : paths.putObject(methodPath[1]);
      ApiCatalog.Operation op = ApiCatalog.OPERATIONS.get(route);
      item.set(methodPath[0].toLowerCase(java.util.Locale.ROOT), op == null
          ? undescribed(methodPath[0], methodPath[1]) : operation(methodPath[0], methodPath[1], op, schemas));
    }
    ObjectNode components = doc.putObject("components");
    ObjectNode componentSchemas = components.putObject("schemas");
    schemas.components().forEach(componentSchemas::set);
    components.putObject("responses").putObject(ERROR)
        .put("description", "Stytch's error shape; error_type is stable, key on it (docs/api.md, Errors).")
        .putObject("content").putObject("application/json").set("schema", WireSchemas.ref(ERROR_SCHEMA));
    components.set("securitySchemes", securitySchemes());
    return doc;
  }

  private static ObjectNode operation(String method, String path, ApiCatalog.Operation op, WireSchemas schemas) {
    ObjectNode o = NODES.objectNode();
    o.put("operationId", operationId(method, path));
    o.putArray("tags").add(tag(path));
    ArrayNode parameters = NODES.arrayNode();
    Matcher m = PATH_PARAMETER.matcher(path);
    while (m.find()) {
      parameters.add(parameter(m.group(1), "path", true));
    }
    for (String q : op.query()) {
      parameters.add(parameter(q, "query", false));
    }
    if (!parameters.isEmpty()) {
      o.set("parameters", parameters);
    }
    if (op.request() != null) {
      ObjectNode body = o.putObject("requestBody");
      body.put("required", false);
      body.put("description", "A JSON object; an empty body counts as {}.");
      body.putObject("content").putObject("application/json").set("schema", schemas.request(op.request()));
    } else if (op.formBody() != null) {
      ObjectNode form = NODES.objectNode().put("type", "object");
      ObjectNode properties = form.putObject("properties");
      for (String field : op.formBody().split(" ")) {
        properties.putObject(field).put("type", "string");
      }
      o.putObject("requestBody").putObject("content").putObject("application/x-www-form-urlencoded")
          .set("schema", form);
    }
    ObjectNode responses = o.putObject("responses");
    success(responses, path, op.reply(), schemas);
    responses.putObject("default").put("$ref", "#/components/responses/" + ERROR);
    o.set("security", security(op.auth()));
    return o;
  }

  private static void success(ObjectNode responses, String path, ApiCatalog.Reply reply, WireSchemas schemas) {
    switch (reply) {
      case ApiCatalog.Json(java.lang.reflect.Type type) -> json(responses, path, schemas.reply(type), schemas);
      case ApiCatalog.FlatUser() -> json(responses, path, WireSchemas.ref(FLAT_USER), schemas);
      case ApiCatalog.Redirect(List<Integer> statuses) -> {
        for (int status : statuses) {
          ObjectNode r = responses.putObject(String.valueOf(status));
          r.put("description", "A redirect for the browser.");
          r.putObject("headers").putObject("Location").put("required", true).putObject("schema")
              .put("type", "string").put("format", "uri");
        }
      }
      case ApiCatalog.Text(String mediaType) -> responses.putObject("200").put("description", "Success.")
          .putObject("content").putObject(mediaType).putObject("schema").put("type", "string");
      case ApiCatalog.OpenApi() -> responses.putObject("200").put("description", "This document.")
          .putObject("content").putObject("application/json").putObject("schema").put("type", "object");
    }
  }

  private static void json(ObjectNode responses, String path, ObjectNode schema, WireSchemas schemas) {
    ObjectNode s = path.startsWith("/sdk/") ? sdkData(schema, schemas) : schema;
    responses.putObject("200").put("description", "Success.").putObject("content").putObject("application/json")
        .set("schema", s);
  }

  /** {@code {"data": reply}}, the success of a frontend SDK route, as the component {@code <reply>Data}. */
  private static ObjectNode sdkData(ObjectNode reply, WireSchemas schemas) {
    ObjectNode s = NODES.objectNode().put("type", "object");
    s.putObject("properties").set("data", reply);
    s.putArray("required").add("data");
    s.put("additionalProperties", false);
    String ref = reply.path("$ref").asText();
    if (!ref.startsWith(WireSchemas.REF_PREFIX)) {
      return s;
    }
    String name = ref.substring(WireSchemas.REF_PREFIX.length()) + "Data";
    return schemas.components().containsKey(name) ? WireSchemas.ref(name) : schemas.component(name, s);
  }

  private static ObjectNode undescribed(String method, String path) {
    ObjectNode o = NODES.objectNode();
    o.put("operationId", operationId(method, path));
    o.put("x-latchkey-undescribed", true);
    o.putObject("responses").putObject("default").put("$ref", "#/components/responses/" + ERROR);
    return o;
  }

  private static ObjectNode parameter(String name, String in, boolean required) {
    ObjectNode p = NODES.objectNode();
    p.put("name", name);
    p.put("in", in);
    p.put("required", required);
    p.putObject("schema").put("type", "string");
    return p;
  }

  /** {@code POST /v1/sessions/authenticate} is {@code post_v1_sessions_authenticate}. */
  static String operationId(String method, String path) {
    return (method + path).toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "_")
        .replaceAll("_+$", "");
  }

  /** The SDK routes are one group; {@code /v1/<name>/...} is the group {@code <name>}; the rest operate the server. */
  private static String tag(String path) {
    if (path.startsWith("/sdk/")) {
      return "sdk";
    }
    String[] segments = path.split("/");
    return segments.length > 2 && segments[1].equals("v1") ? segments[2] : "operations";
  }

  private static ArrayNode security(ApiCatalog.Auth auth) {
    ArrayNode s = NODES.arrayNode();
    switch (auth) {
      case NONE -> { }
      case PROJECT -> s.addObject().putArray("projectSecret");
      case PUBLIC_TOKEN -> s.addObject().putArray("publicToken");
      case SESSION -> s.addObject().putArray("publicTokenAndSession");
      case METRICS_TOKEN -> s.addObject().putArray("metricsToken");
    }
    return s;
  }

  private static ObjectNode securitySchemes() {
    ObjectNode s = NODES.objectNode();
    s.putObject("projectSecret").put("type", "http").put("scheme", "basic")
        .put("description", "project_id:secret (the backend API).");
    s.putObject("publicToken").put("type", "http").put("scheme", "basic")
        .put("description", "public_token:session_token when signed in, else public_token:public_token "
            + "(the frontend SDKs).");
    s.putObject("publicTokenAndSession").put("type", "http").put("scheme", "basic")
        .put("description", "public_token:session_token of a live session (the frontend SDKs, signed in).");
    s.putObject("metricsToken").put("type", "http").put("scheme", "bearer")
        .put("description", "LATCHKEY_METRICS_TOKEN.");
    return s;
  }

  /** The user's fields beside {@code status_code} and {@code request_id}, as GET /v1/users/{user_id} answers. */
  private static ObjectNode flatUser(WireSchemas schemas) {
    ObjectNode user = schemas.replyObject(User.class).deepCopy();
    ObjectNode s = NODES.objectNode().put("type", "object");
    ObjectNode properties = s.putObject("properties");
    properties.set("status_code", success());
    properties.putObject("request_id").put("type", "string");
    properties.setAll((ObjectNode) user.get("properties"));
    ArrayNode required = s.putArray("required").add("status_code").add("request_id");
    required.addAll((ArrayNode) user.get("required"));
    s.put("additionalProperties", false);
    return s;
  }

  private static ObjectNode success() {
    return NODES.objectNode().put("type", "integer").put("const", 200);
  }

  /** Stytch's error shape, {@code error_type} one of {@link ErrorType}. */
  private static ObjectNode errorSchema() {
    ObjectNode s = NODES.objectNode().put("type", "object");
    ObjectNode properties = s.putObject("properties");
    ArrayNode statuses = properties.putObject("status_code").put("type", "integer").putArray("enum");
    Arrays.stream(ErrorType.values()).map(ErrorType::status).distinct().sorted().forEach(statuses::add);
    properties.putObject("request_id").put("type", "string");
    ArrayNode types = properties.putObject("error_type").put("type", "string").putArray("enum");
    for (ErrorType t : ErrorType.values()) {
      types.add(t.wireName());
    }
    properties.putObject("error_message").put("type", "string");
    properties.putObject("error_url").put("type", "string").put("format", "uri");
    s.putArray("required").add("status_code").add("request_id").add("error_type").add("error_message")
        .add("error_url");
    s.put("additionalProperties", false);
    return s;
  }

  private static String version() {
    String v = OpenApiDocument.class.getPackage().getImplementationVersion();
    return v == null ? "development" : v;
  }

  /** The document as bytes, for serving. */
  static byte[] bytes(JsonNode doc) {
    try {
      return Replies.JSON.writeValueAsBytes(doc);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("the OpenAPI document could not be written", e);
    }
  }
}
