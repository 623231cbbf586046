package dev.latchkey.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.server.testing.ApiClient.Reply;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/** Assertions and small builders shared by the black-box API tests. */
final class ApiAssertions {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicInteger COUNTER = new AtomicInteger();

  private ApiAssertions() {}

  /** A fresh email address no other test uses, so tests can share one server. */
  static String uniqueEmail(String local) {
    return local + "-" + COUNTER.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 8)
        + "@example.com";
  }

  /** {@code value} as a JSON literal, e.g. for building bodies with {@code String.formatted}. */
  static String literal(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** The reply is a 200 with the success envelope; returns its JSON body. */
  static JsonNode assertOk(Reply r) {
    assertThat(r.status()).as("status of %s", r.text()).isEqualTo(200);
    assertThat(r.json()).as("JSON body of %s", r.text()).isNotNull();
    assertThat(r.json().path("status_code").asInt()).isEqualTo(200);
    assertThat(r.text("request_id")).startsWith("request-id-test-");
    return r.json();
  }

  /** The reply is the one error shape, with exactly this status and {@code error_type}; returns its message. */
  static String assertError(Reply r, int status, String errorType) {
    assertThat(r.status()).as("status of %s", r.text()).isEqualTo(status);
    assertErrorShape(r);
    assertThat(r.text("error_type")).as("error_type of %s", r.text()).isEqualTo(errorType);
    assertThat(r.text("error_url")).isEqualTo("https://stytch.com/docs/api/errors/" + status + "#" + errorType);
    return r.text("error_message");
  }

  /** The reply is JSON with all five error fields, whatever the error is. */
  static void assertErrorShape(Reply r) {
    assertThat(r.header("Content-Type")).as("Content-Type of %s", r.text()).startsWith("application/json");
    JsonNode j = r.json();
    assertThat(j).as("JSON body of %s", r.text()).isNotNull();
    assertThat(j.isObject()).isTrue();
    assertThat(j.path("status_code").isInt()).as("status_code in %s", r.text()).isTrue();
    assertThat(j.path("status_code").asInt()).isEqualTo(r.status());
    assertThat(j.path("request_id").asText()).startsWith("request-id-");
    assertThat(j.path("error_type").asText()).isNotEmpty();
    assertThat(j.path("error_message").asText()).isNotEmpty();
    assertThat(j.path("error_url").asText()).startsWith("https://stytch.com/docs/api/errors/");
  }
}
