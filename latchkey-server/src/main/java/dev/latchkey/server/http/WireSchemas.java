package dev.latchkey.server.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * JSON Schemas (2020-12, the dialect of OpenAPI 3.1) of the wire records, read from the same Jackson configuration
 * that writes and reads them ({@link Replies#JSON}): property names, types and inclusion are what goes over the
 * wire, not a second description of it.
 *
 * <p>Replies are strict: every property the record writes is {@code required} (Latchkey always writes every field;
 * a {@code @JsonInclude(NON_NULL)} record's reference fields are the exception), no other property is allowed, and
 * only values that can be absent are {@code null}able: boxed numbers and booleans, objects and maps, and the few
 * strings listed in {@code nullableStrings} (strings are {@code ""} rather than null by convention). Requests are
 * lenient the way the server is: unknown fields are ignored, so they are allowed. Reply records become named
 * {@code components/schemas}; request records are inlined.
 */
final class WireSchemas {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  static final String REF_PREFIX = "#/components/schemas/";

  private final ObjectMapper json;
  private final Set<String> nullableStrings;
  private final Map<String, JsonNode> propertyOverrides;
  private final Map<String, ObjectNode> components = new TreeMap<>();
  private final Map<String, Class<?>> namedClasses = new HashMap<>();

  /**
   * {@code nullableStrings}: reply properties (by wire name) of string type that may be {@code null};
   * {@code propertyOverrides}: the schema of reply properties (by wire name) that says more than their Java type
   * ({@code Object}, or an {@code int} that is always 200).
   */
  WireSchemas(ObjectMapper json, Set<String> nullableStrings, Map<String, JsonNode> propertyOverrides) {
    this.json = json;
    this.nullableStrings = Set.copyOf(nullableStrings);
    this.propertyOverrides = Map.copyOf(propertyOverrides);
  }

  /** The schema of a reply of this type: a {@code $ref} to its component (made on first use). */
  ObjectNode reply(Type type) {
    return schema(json.constructType(type), true);
  }

  /** The schema of a request body of this type, inline. */
  ObjectNode request(Type type) {
    return schema(json.constructType(type), false);
  }

  /** Adds a hand-made component (the flat user, the error); its name must not be taken. */
  ObjectNode component(String name, ObjectNode schema) {
    if (components.putIfAbsent(name, schema) != null) {
      throw new IllegalStateException("two schemas named " + name);
    }
    return ref(name);
  }

  /** The component of this reply type, resolved (not a {@code $ref}). */
  ObjectNode replyObject(Class<?> type) {
    reply(type);
    return components.get(name(type));
  }

  /** Every component made so far, by name. */
  Map<String, ObjectNode> components() {
    return components;
  }

  static ObjectNode ref(String name) {
    return NODES.objectNode().put("$ref", REF_PREFIX + name);
  }

  private ObjectNode schema(JavaType t, boolean reply) {
    Class<?> raw = t.getRawClass();
    if (raw == boolean.class || raw == Boolean.class) {
      return type("boolean");
    }
    if (raw == int.class || raw == Integer.class || raw == long.class || raw == Long.class || raw == short.class
        || raw == Short.class) {
      return type("integer");
    }
    if (raw == double.class || raw == Double.class || raw == float.class || raw == Float.class) {
      return type("number");
    }
    if (raw == String.class) {
      return type("string");
    }
    if (raw == Instant.class) {
      return type("string").put("format", "date-time");
    }
    if (raw.isEnum()) {
      ArrayNode values = NODES.arrayNode();
      for (Object constant : raw.getEnumConstants()) {
        values.add(json.convertValue(constant, String.class));
      }
      ObjectNode s = type("string");
      s.set("enum", values);
      return s;
    }
    if (t.isCollectionLikeType() || t.isArrayType()) {
      ObjectNode s = type("array");
      s.set("items", schema(t.getContentType(), reply));
      return s;
    }
    if (t.isMapLikeType()) {
      ObjectNode s = type("object");
      if (t.getContentType().getRawClass() != Object.class) {
        s.set("additionalProperties", schema(t.getContentType(), reply));
      }
      return s;
    }
    if (raw == Object.class || JsonNode.class.isAssignableFrom(raw)) {
      return NODES.objectNode();
    }
    if (!raw.isRecord()) {
      throw new IllegalArgumentException(raw.getName() + " is neither a wire record nor a JSON value: describe it");
    }
    if (!reply) {
      return object(t, false);
    }
    String name = name(raw);
    if (!components.containsKey(name)) {
      components.put(name, NODES.objectNode()); // a placeholder first, should a record ever contain itself
      components.put(name, object(t, true));
    }
    return ref(name);
  }

  private ObjectNode object(JavaType t, boolean reply) {
    BeanDescription description = reply ? json.getSerializationConfig().introspect(t)
        : json.getDeserializationConfig().introspect(t);
    JsonInclude.Include classInclusion = description.findPropertyInclusion(JsonInclude.Value.empty())
        .getValueInclusion();
    ObjectNode s = type("object");
    ObjectNode properties = s.putObject("properties");
    List<String> required = new ArrayList<>();
    for (BeanPropertyDefinition p : description.findProperties()) {
      if (reply ? !p.couldSerialize() : !p.couldDeserialize()) {
        continue;
      }
      String name = p.getName();
      JavaType type = p.getPrimaryType();
      JsonNode override = reply ? propertyOverrides.get(name) : null;
      ObjectNode schema = override != null ? (ObjectNode) override.deepCopy() : schema(type, reply);
      if (reply) {
        JsonInclude.Include inclusion = p.findInclusion().getValueInclusion();
        boolean omittedWhenNull = !type.isPrimitive() && (isOmitting(inclusion) || isOmitting(classInclusion));
        if (!omittedWhenNull) {
          required.add(name);
          if (nullable(type, name)) {
            schema = orNull(schema);
          }
        }
      }
      properties.set(name, schema);
    }
    if (reply) {
      ArrayNode r = s.putArray("required");
      required.forEach(r::add);
      s.put("additionalProperties", false);
    }
    return s;
  }

  private static boolean isOmitting(JsonInclude.Include inclusion) {
    return inclusion == JsonInclude.Include.NON_NULL || inclusion == JsonInclude.Include.NON_ABSENT
        || inclusion == JsonInclude.Include.NON_EMPTY;
  }

  /** Which reply values may be null: see the class comment. Lists never are: they are {@code []} when empty. */
  private boolean nullable(JavaType type, String name) {
    Class<?> raw = type.getRawClass();
    if (type.isPrimitive() || Collection.class.isAssignableFrom(raw) || type.isArrayType()) {
      return false;
    }
    if (raw == String.class || raw == Instant.class) {
      return nullableStrings.contains(name);
    }
    return raw != Object.class && !JsonNode.class.isAssignableFrom(raw);
  }

  private static ObjectNode orNull(ObjectNode schema) {
    if (schema.has("type") && schema.get("type").isTextual()) {
      ObjectNode s = schema.deepCopy();
      s.putArray("type").add(schema.get("type").asText()).add("null");
      return s;
    }
    ObjectNode s = NODES.objectNode();
    s.putArray("anyOf").add(schema).add(type("null"));
    return s;
  }

  private static ObjectNode type(String name) {
    return NODES.objectNode().put("type", name);
  }

  /**
   * A record's component name: a wire model record's simple name, prefixed by the records it is nested in
   * ({@code User.Email}); a reply record the server declares next to its routes, its simple name alone
   * ({@code Bootstrap}, not the route class it happens to sit in). Two classes of the same name would make one
   * schema stand for both: refused.
   */
  private String name(Class<?> c) {
    StringBuilder name = new StringBuilder(c.getSimpleName());
    boolean model = c.getPackageName().equals(dev.latchkey.model.User.class.getPackageName());
    for (Class<?> outer = c.getEnclosingClass(); model && outer != null; outer = outer.getEnclosingClass()) {
      name.insert(0, outer.getSimpleName() + ".");
    }
    Class<?> earlier = namedClasses.putIfAbsent(name.toString(), c);
    if (earlier != null && earlier != c) {
      throw new IllegalStateException(c.getName() + " and " + earlier.getName() + " would both be schema " + name);
    }
    return name.toString();
  }
}
