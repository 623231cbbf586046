package dev.latchkey.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.server.testing.ApiClient.Reply;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** What API tests write and check on the wire: JSON bodies from pairs, a success, a refusal, unique addresses. */
public final class Wire {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Wire() {}

  /** {@code local-<8 random hex>@example.com}: an address no other test uses. */
  public static String email(String local) {
    return local + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
  }

  /** A JSON object of name/value pairs, in order: {@code body("email", e, "session_duration_minutes", 60)}. */
  public static String body(Object... pairs) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put((String) pairs[i], pairs[i + 1]);
    }
    try {
      return JSON.writeValueAsString(m);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The reply's JSON, after checking it is a 200. */
  public static JsonNode ok(Reply r) {
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    return r.json();
  }

  /** Checks a refusal's status and {@code error_type}. */
  public static void refused(Reply r, int status, String type) {
    assertThat(r.status()).as(r.text()).isEqualTo(status);
    assertThat(r.text("error_type")).as(r.text()).isEqualTo(type);
  }

  /** Checks a refusal's status and {@code error_type}, and that its message names {@code mentions}. */
  public static void refused(Reply r, int status, String type, String mentions) {
    refused(r, status, type);
    assertThat(r.text("error_message")).contains(mentions);
  }
}
