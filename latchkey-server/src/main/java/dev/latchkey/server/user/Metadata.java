package dev.latchkey.server.user;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.model.WireJson;
import dev.latchkey.server.error.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Stytch's metadata rules: an update merges at the top level only, a top-level {@code null} deletes the key, nested
 * values are replaced whole; at most 20 top-level keys and 4 KB of JSON.
 */
final class Metadata {
  private static final ObjectMapper JSON = WireJson.mapper();
  static final int MAX_KEYS = 20;
  static final int MAX_BYTES = 4096;

  private Metadata() {}

  static Map<String, Object> merge(Map<String, Object> current, Map<String, Object> update, String field) {
    if (update == null || update.isEmpty()) {
      return current;
    }
    if (update.values().stream().anyMatch(Metadata::hasNonFiniteNumber)) {
      throw ErrorCode.INVALID_FIELD_TYPE.exception(field + " has a number out of range (such as 1e400).");
    }
    if (update.values().stream().anyMatch(Metadata::hasUnpairedSurrogate)) {
      throw ErrorCode.INVALID_FIELD_TYPE.exception(
          field + " has a string with an unpaired surrogate (\\ud800-\\udfff).");
    }
    Map<String, Object> merged = new LinkedHashMap<>(current);
    update.forEach((k, v) -> {
      if (v == null) {
        merged.remove(k);
      } else {
        merged.put(k, v);
      }
    });
    if (merged.size() > MAX_KEYS) {
      throw ErrorCode.METADATA_TOO_MANY_KEYS.exception(field + " may have at most " + MAX_KEYS + " top-level keys.");
    }
    try {
      if (JSON.writeValueAsString(merged).getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
        throw ErrorCode.METADATA_TOO_LARGE.exception(field + " may not exceed " + MAX_BYTES + " bytes of JSON.");
      }
    } catch (JsonProcessingException e) {
      throw ErrorCode.INVALID_FIELD_TYPE.exception(field + " is not representable as JSON.");
    }
    return Collections.unmodifiableMap(merged);
  }

  /** The store keeps UTF-8, where an unpaired surrogate would silently become {@code ?}. */
  static boolean hasUnpairedSurrogate(Object value) {
    return switch (value) {
      case String s -> Names.hasUnpairedSurrogate(s);
      case Map<?, ?> m -> m.values().stream().anyMatch(Metadata::hasUnpairedSurrogate);
      case java.util.Collection<?> c -> c.stream().anyMatch(Metadata::hasUnpairedSurrogate);
      case null, default -> false;
    };
  }

  /** A number too large for a double reads as infinity, which JSON cannot carry: it would come back a string. */
  private static boolean hasNonFiniteNumber(Object value) {
    return switch (value) {
      case Double d -> !Double.isFinite(d);
      case Float f -> !Float.isFinite(f);
      case Map<?, ?> m -> m.values().stream().anyMatch(Metadata::hasNonFiniteNumber);
      case java.util.Collection<?> c -> c.stream().anyMatch(Metadata::hasNonFiniteNumber);
      case null, default -> false;
    };
  }
}
