package dev.latchkey.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.latchkey.server.testing.ApiClient;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Webhooks with three nodes on one PostgreSQL: every node runs the dispatcher, yet each event is delivered once (one
 * fan-out at a time, one lease per delivery), in order, whichever node the change was made on.
 */
class WebhookClusterTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path tmp;

  @Test
  void threeNodesDeliverEveryEventOnceAndInOrderWhicheverNodeMadeIt() throws Exception {
    List<JsonNode> received = new CopyOnWriteArrayList<>();
    List<String> ids = new CopyOnWriteArrayList<>();
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext("/hooks", exchange -> {
      received.add(JSON.readTree(exchange.getRequestBody().readAllBytes()));
      ids.add(exchange.getRequestHeaders().getFirst("webhook-id"));
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
    });
    receiver.start();
    try (Cluster cluster = Cluster.start(tmp, 3, Map.of("LATCHKEY_WEBHOOK_RETRY_BASE", "1s"))) {
      ApiClient.Reply made = cluster.api(0).post("/v1/webhooks/endpoints", "{\"url\":\"http://127.0.0.1:"
          + receiver.getAddress().getPort() + "/hooks\",\"event_types\":[\"session.created\",\"session.revoked\"]}");
      assertThat(made.status()).as(made.text()).isEqualTo(200);

      List<String> sessions = new ArrayList<>();
      for (int i = 0; i < 9; i++) {
        ApiClient.Reply r = cluster.api(i % 3).post("/v1/passwords", "{\"email\":\"hooks-" + UUID.randomUUID()
            + "@example.com\",\"password\":\"correct horse battery staple\",\"session_duration_minutes\":60}");
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        sessions.add(r.json().path("session").path("session_id").asText());
      }
      for (int i = 0; i < 9; i++) {
        ApiClient.Reply r = cluster.api((i + 1) % 3).post("/v1/sessions/revoke", "{\"session_id\":\""
            + sessions.get(i) + "\"}");
        assertThat(r.status()).as(r.text()).isEqualTo(200);
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (received.size() < 18 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      Thread.sleep(2000);

      assertThat(received).hasSize(18);
      assertThat(ids).doesNotHaveDuplicates();
      List<Long> eventIds = received.stream().map(b -> b.path("data").path("event_id").asLong()).toList();
      assertThat(eventIds).isSorted().doesNotHaveDuplicates();
      Map<String, Long> types = new HashMap<>();
      received.forEach(b -> types.merge(b.path("type").asText(), 1L, Long::sum));
      assertThat(types).containsExactlyInAnyOrderEntriesOf(Map.of("session.created", 9L, "session.revoked", 9L));
      assertThat(received.subList(9, 18)).extracting(b -> b.path("data").path("session_id").asText())
          .containsExactlyElementsOf(sessions);
    } finally {
      receiver.stop(0);
    }
  }
}
