package dev.latchkey.server.store.jdbc;

import dev.latchkey.server.store.StoreException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.model.AuthenticationFactor;
import dev.latchkey.model.WireJson;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** JSON text columns: the store interface deals in maps and records, only this class knows they are text. */
final class JsonColumns {
  private static final ObjectMapper JSON = WireJson.mapper();
  private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};
  private static final TypeReference<List<AuthenticationFactor>> FACTORS = new TypeReference<>() {};
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

  private JsonColumns() {}

  static String write(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not representable as JSON", e);
    }
  }

  static Map<String, Object> readMap(String text) {
    if ("{}".equals(text)) {
      // Most claim and metadata columns are empty; they are read on every authenticate.
      return Map.of();
    }
    try {
      return Collections.unmodifiableMap(JSON.readValue(text, MAP));
    } catch (JsonProcessingException e) {
      throw new StoreException("A stored JSON column is corrupt", e);
    }
  }

  static List<AuthenticationFactor> readFactors(String text) {
    try {
      return List.copyOf(JSON.readValue(text, FACTORS));
    } catch (JsonProcessingException e) {
      throw new StoreException("A stored JSON column is corrupt", e);
    }
  }

  static List<String> readStrings(String text) {
    try {
      return List.copyOf(JSON.readValue(text, STRINGS));
    } catch (JsonProcessingException e) {
      throw new StoreException("A stored JSON column is corrupt", e);
    }
  }
}
