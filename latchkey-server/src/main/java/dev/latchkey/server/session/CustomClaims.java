package dev.latchkey.server.session;

import dev.latchkey.model.SessionJwtContract;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.model.WireJson;
import dev.latchkey.server.error.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Stytch's custom-claims rules. A patch adds or replaces keys, {@code null} deletes a key, nested objects merge
 * recursively by the same rules; registered JWT names and names under {@code https://stytch.com/} are refused; the
 * merged result may be at most 4 KB of JSON.
 */
public final class CustomClaims {
  public static final int MAX_BYTES = 4096;
  private static final Set<String> REGISTERED = SessionJwtContract.REGISTERED_CLAIMS;
  private static final String STYTCH_PREFIX = SessionJwtContract.RESERVED_CLAIM_PREFIX;
  private static final ObjectMapper JSON = WireJson.mapper();

  private CustomClaims() {}

  /**
   * Refuses, before anything is looked up or written, what no merge could accept: reserved names, and a patch whose
   * non-null content alone is over the limit (every non-null value of a patch ends up in the merged result, so the
   * result can only be larger). Sign-up relies on this to fail before it creates the user.
   */
  public static void checkNames(Map<String, Object> patch) {
    if (patch == null) {
      return;
    }
    for (String key : patch.keySet()) {
      if (REGISTERED.contains(key)) {
        throw ErrorCode.RESERVED_CLAIMS_IN_CUSTOM_CLAIMS.exception(
            "Custom claims may not use the registered JWT claim name '" + key + "'.");
      }
      if (key.startsWith(STYTCH_PREFIX)) {
        throw ErrorCode.STYTCH_CLAIMS_IN_CUSTOM_CLAIMS.exception(
            "Custom claims may not use names under https://stytch.com/ ('" + key + "').");
      }
    }
    if (hasNonFiniteNumber(patch)) {
      // 1e400 reads as infinity, which no JSON can carry: the JWT signer would fail after the session was written.
      throw ErrorCode.INVALID_FIELD_TYPE.exception(
          "session_custom_claims has a number out of range (such as 1e400).");
    }
    checkSize(mergeInto(new LinkedHashMap<>(), patch));
  }

  private static boolean hasNonFiniteNumber(Object value) {
    return switch (value) {
      case Double d -> !Double.isFinite(d);
      case Float f -> !Float.isFinite(f);
      case Map<?, ?> m -> m.values().stream().anyMatch(CustomClaims::hasNonFiniteNumber);
      case java.util.Collection<?> c -> c.stream().anyMatch(CustomClaims::hasNonFiniteNumber);
      case null, default -> false;
    };
  }

  private static void checkSize(Map<String, Object> merged) {
    int size = sizeOf(merged);
    if (size > MAX_BYTES) {
      throw ErrorCode.CUSTOM_CLAIMS_TOO_LARGE.exception(
          "Custom claims may not exceed " + MAX_BYTES + " bytes of JSON once merged; these would be " + size + ".");
    }
  }

  /** The claims after applying {@code patch} to {@code current}; checks names and the 4 KB limit. */
  public static Map<String, Object> merge(Map<String, Object> current, Map<String, Object> patch) {
    checkNames(patch);
    if (patch == null || patch.isEmpty()) {
      return current;
    }
    Map<String, Object> merged = mergeInto(new LinkedHashMap<>(current), patch);
    checkSize(merged);
    return freeze(merged);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> mergeInto(Map<String, Object> target, Map<String, Object> patch) {
    for (Map.Entry<String, Object> e : patch.entrySet()) {
      Object value = e.getValue();
      Object existing = target.get(e.getKey());
      if (value == null) {
        target.remove(e.getKey());
      } else if (value instanceof Map<?, ?> patchMap && existing instanceof Map<?, ?> existingMap) {
        target.put(e.getKey(), mergeInto(new LinkedHashMap<>((Map<String, Object>) existingMap),
            (Map<String, Object>) patchMap));
      } else if (value instanceof Map<?, ?> patchMap) {
        // A new object: its null members mean "absent", so drop them the same way.
        target.put(e.getKey(), mergeInto(new LinkedHashMap<>(), (Map<String, Object>) patchMap));
      } else {
        target.put(e.getKey(), value);
      }
    }
    return target;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> freeze(Map<String, Object> map) {
    Map<String, Object> out = new LinkedHashMap<>();
    map.forEach((k, v) -> out.put(k, v instanceof Map<?, ?> m ? freeze((Map<String, Object>) m)
        : v instanceof List<?> l ? Collections.unmodifiableList(l) : v));
    return Collections.unmodifiableMap(out);
  }

  static int sizeOf(Map<String, Object> claims) {
    try {
      return JSON.writeValueAsString(claims).getBytes(StandardCharsets.UTF_8).length;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
