package dev.latchkey.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.ApiClient.Reply;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** Request builders and reply checks shared by the black-box session tests; plain JSON, no server code. */
final class Wire {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String PASSWORD = "correct horse battery staple";

  private Wire() {}

  /** A JSON object body from alternating names and values ({@code null} values are written as JSON null). */
  static String body(Object... namesAndValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      map.put((String) namesAndValues[i], namesAndValues[i + 1]);
    }
    return write(map);
  }

  static String write(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  static JsonNode tree(String json) {
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  static String uniqueEmail() {
    return "user-" + UUID.randomUUID() + "@example.com";
  }

  /** Signs up a new user by password with a session of {@code minutes}; asserts it worked. */
  static Reply signUp(ApiClient api, String email, int minutes) {
    Reply r = api.post("/v1/passwords", body("email", email, "password", PASSWORD, "session_duration_minutes",
        minutes));
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    return r;
  }

  static Reply signUp(ApiClient api, int minutes) {
    return signUp(api, uniqueEmail(), minutes);
  }

  /** Signs an existing user in again, starting another session of {@code minutes}; asserts it worked. */
  static Reply signIn(ApiClient api, String email, int minutes) {
    Reply r = api.post("/v1/passwords/authenticate", body("email", email, "password", PASSWORD,
        "session_duration_minutes", minutes));
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    return r;
  }

  static Reply authenticateToken(ApiClient api, String token, Object... more) {
    return api.post("/v1/sessions/authenticate", withMore(more, "session_token", token));
  }

  static Reply authenticateJwt(ApiClient api, String jwt, Object... more) {
    return api.post("/v1/sessions/authenticate", withMore(more, "session_jwt", jwt));
  }

  private static String withMore(Object[] more, String name, String value) {
    Object[] all = new Object[more.length + 2];
    all[0] = name;
    all[1] = value;
    System.arraycopy(more, 0, all, 2, more.length);
    return body(all);
  }

  /** The decoded JSON payload of a compact JWT, as sent (not as a JWT library interprets it). */
  static ObjectNode payload(String jwt) {
    return (ObjectNode) tree(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8));
  }

  static ObjectNode header(String jwt) {
    return (ObjectNode) tree(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[0]), StandardCharsets.UTF_8));
  }

  /** Asserts Stytch's error shape with the exact status and error_type. */
  static void assertError(Reply r, int status, String errorType) {
    assertThat(r.status()).as(r.text()).isEqualTo(status);
    assertThat(r.json()).as(r.text()).isNotNull();
    assertThat(r.json().path("status_code").asInt()).isEqualTo(status);
    assertThat(r.text("error_type")).isEqualTo(errorType);
    assertThat(r.text("error_message")).isNotBlank();
    assertThat(r.text("error_url")).isEqualTo("https://stytch.com/docs/api/errors/" + status + "#" + errorType);
    assertThat(r.text("request_id")).startsWith("request-id-test-");
  }

  /** Asserts the error and its exact message. */
  static void assertError(Reply r, int status, String errorType, String message) {
    assertError(r, status, errorType);
    assertThat(r.text("error_message")).isEqualTo(message);
  }
}
