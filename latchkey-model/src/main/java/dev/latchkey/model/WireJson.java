package dev.latchkey.model;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Instant;

/**
 * The one JSON configuration of the wire format: snake_case names, RFC 3339 timestamps, and strict types.
 *
 * <p>Strict means no silent coercion: {@code "60"}, {@code 60.5} or {@code true} where an integer is expected,
 * or {@code 123} where a string is expected, fail to bind; duplicate keys fail too. Unknown fields are ignored,
 * because the official SDKs send fields (such as {@code telemetry_id}) that Latchkey does not use.
 *
 * <pre>{@code
 * ObjectMapper json = WireJson.mapper();
 * Session s = json.readValue(body, Session.class);
 * }</pre>
 */
public final class WireJson {
  private WireJson() {}

  /** Maximum nesting depth of a request body; deeper documents are refused before they are bound. */
  public static final int MAX_NESTING_DEPTH = 64;

  /** A new mapper with the wire configuration; thread-safe once built, so build one and share it. */
  public static ObjectMapper mapper() {
    // Jackson's default buffer pool is per thread, and every request runs on a new virtual thread: it allocated
    // fresh parser and generator buffers on every call. A bounded pool shared by all threads reuses them.
    JsonMapper mapper = JsonMapper.builder(JsonFactory.builder().recyclerPool(JsonRecyclerPools.sharedBoundedPool())
            .build())
        .addModule(new JavaTimeModule())
        // Registered after JavaTimeModule, so it replaces that module's Instant reader (and falls back to it).
        .addModule(new SimpleModule("rfc3339-instants").addDeserializer(Instant.class, new Rfc3339Instants()))
        .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
        .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
        .build();
    mapper.getFactory().setStreamReadConstraints(
        StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).maxNumberLength(64).build());
    for (LogicalType t : new LogicalType[] {LogicalType.Integer, LogicalType.Float, LogicalType.Boolean}) {
      mapper.coercionConfigFor(t)
          .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
    }
    mapper.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
    mapper.coercionConfigFor(LogicalType.Textual)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    return mapper;
  }
}
