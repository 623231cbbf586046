package dev.latchkey.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.NodeProcess;
import dev.latchkey.server.testing.TestServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One id follows a request: the caller's {@code X-Request-Id} (when sane) is the reply's {@code request_id} and comes
 * back as a header; with {@code LATCHKEY_LOG_FORMAT=json} each request is one JSON line with its route, status,
 * duration, request id and W3C trace id, and no query string.
 */
class RequestLogTest {
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String TRACEPARENT = "00-" + TRACE_ID + "-00f067aa0ba902b7-01";

  @TempDir
  Path tmp;

  @Test
  void theCallersRequestIdIsTheRepliesRequestIdAndHeader() {
    try (TestServer server = TestServer.start()) {
      ApiClient.Reply r = server.api().send("GET", "/v1/users/user-test-" + UUID.randomUUID(), null,
          Map.of("X-Request-Id", "edge-7f3a.42:b"));

      assertThat(r.status()).isEqualTo(404);
      assertThat(r.text("request_id")).isEqualTo("edge-7f3a.42:b");
      assertThat(r.header("X-Request-Id")).isEqualTo("edge-7f3a.42:b");
    }
  }

  @Test
  void aRequestIdThatCouldBreakALogLineIsReplacedByLatchkeysOwn() {
    try (TestServer server = TestServer.start()) {
      for (String insane : List.of("has space", "quote\"d", "x".repeat(129), "tab\there")) {
        ApiClient.Reply r = server.api().send("GET", "/healthz", null, Map.of("X-Request-Id", insane));

        assertThat(r.text("request_id")).startsWith("request-id-test-");
        assertThat(r.header("X-Request-Id")).isEqualTo(r.text("request_id"));
      }
    }
  }

  @Test
  void theJsonLogHasOneLinePerRequestWithRouteStatusDurationRequestIdAndTraceId() throws Exception {
    String projectId = "project-test-" + UUID.randomUUID();
    String secret = "secret-test-" + UUID.randomUUID().toString().replace("-", "");
    Map<String, String> env = new HashMap<>();
    env.put("LATCHKEY_PORT", "0");
    env.put("LATCHKEY_DATA_DIR", tmp.resolve("data").toString());
    env.put("LATCHKEY_PROJECT_ID", projectId);
    env.put("LATCHKEY_SECRET", secret);
    env.put("LATCHKEY_PUBLIC_TOKEN", "public-token-test-" + UUID.randomUUID());
    env.put("LATCHKEY_LOG_FORMAT", "json");
    String log;
    String userId = "user-test-" + UUID.randomUUID();
    try (NodeProcess node = NodeProcess.start(tmp.resolve("node"), env)) {
      ApiClient api = new ApiClient(node.url(), projectId, secret);
      ApiClient.Reply r = api.send("GET", "/v1/users/" + userId + "?token=looks-secret", null,
          Map.of("X-Request-Id", "req-log-1", "traceparent", TRACEPARENT));
      assertThat(r.status()).isEqualTo(404);
      log = node.log();
    }

    List<JsonNode> lines = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    for (String line : log.lines().filter(l -> !l.isBlank() && !l.startsWith("WARNING: ")).toList()) {
      lines.add(json.readTree(line));
    }
    assertThat(lines).as("every line of the log is a JSON object").allMatch(JsonNode::isObject);
    Map<String, String> request = lines.stream().filter(l -> "latchkey.request".equals(l.path("loggerName").asText()))
        .map(RequestLogTest::keyValues).filter(kv -> "req-log-1".equals(kv.get("request_id"))).findFirst()
        .orElseThrow(() -> new AssertionError("no request line for req-log-1 in:\n" + log));
    assertThat(request).containsEntry("method", "GET").containsEntry("route", "/v1/users/{user_id}")
        .containsEntry("path", "/v1/users/" + userId).containsEntry("status", "404")
        .containsEntry("trace_id", TRACE_ID).containsKey("duration_ms");
    assertThat(Double.parseDouble(request.get("duration_ms"))).isGreaterThanOrEqualTo(0);
    assertThat(log).as("no query string reaches the log").doesNotContain("looks-secret");
  }

  /** The key-value pairs of one logback JSON event ({@code kvpList}: an array of one-entry objects). */
  private static Map<String, String> keyValues(JsonNode event) {
    Map<String, String> kv = new LinkedHashMap<>();
    for (JsonNode pair : event.path("kvpList")) {
      pair.properties().forEach(e -> kv.put(e.getKey(), e.getValue().asText()));
    }
    return kv;
  }
}
