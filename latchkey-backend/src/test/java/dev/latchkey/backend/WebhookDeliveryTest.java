package dev.latchkey.backend;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.TestServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The server's webhooks against a real HTTP receiver on loopback, checked with the SDK's {@link WebhookVerifier}: a
 * receiver that is down for a while and comes back gets every event, in order, exactly as signed, duplicates only
 * with the same {@code webhook-id}; a rotation signs with both secrets; a delivery past the retry window is a dead
 * letter that a replay sends again with its id.
 */
class WebhookDeliveryTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A receiver that answers 204, or 503 while {@link #down} is set, and records every request it gets. */
  private static final class Receiver implements AutoCloseable {
    record Received(String id, String timestamp, String signature, byte[] body, int answered) {}

    final HttpServer server;
    final List<Received> received = new CopyOnWriteArrayList<>();
    volatile boolean down;

    Receiver() throws IOException {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext("/hooks", exchange -> {
        byte[] body = exchange.getRequestBody().readAllBytes();
        int status = down ? 503 : 204;
        received.add(new Received(exchange.getRequestHeaders().getFirst("webhook-id"),
            exchange.getRequestHeaders().getFirst("webhook-timestamp"),
            exchange.getRequestHeaders().getFirst("webhook-signature"), body, status));
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
      });
      server.start();
    }

    String url() {
      return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks";
    }

    List<Received> acknowledged() {
      return received.stream().filter(r -> r.answered() == 204).toList();
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(50);
    }
  }

  private static JsonNode ok(ApiClient.Reply r) {
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    return r.json();
  }

  private static String signUp(TestServer server) {
    return ok(server.api().post("/v1/passwords", "{\"email\":\"hook-" + UUID.randomUUID() + "@example.com\","
        + "\"password\":\"" + Fixture.PASSWORD + "\",\"session_duration_minutes\":60}")).path("session")
        .path("session_id").asText();
  }

  private static JsonNode body(Receiver.Received r) {
    try {
      return JSON.readTree(r.body());
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aReceiverThatIsDownForAWhileGetsEveryEventInOrderExactlyAsSignedOnceItIsBack() throws Exception {
    Map<String, String> env = Map.of("LATCHKEY_WEBHOOK_RETRY_BASE", "1s", "LATCHKEY_WEBHOOK_RETRY_MAX", "2s");
    try (Receiver receiver = new Receiver(); TestServer server = TestServer.start(env, Clock.systemUTC())) {
      JsonNode made = ok(server.api().post("/v1/webhooks/endpoints", "{\"url\":\"" + receiver.url() + "\","
          + "\"event_types\":[\"session.created\",\"session.revoked\"]}"));
      String secret = made.path("secret").asText();
      String endpointId = made.path("endpoint").path("endpoint_id").asText();
      assertThat(secret).startsWith("whsec_");
      WebhookVerifier verifier = WebhookVerifier.builder().secret(secret).build();

      List<String> sessions = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        sessions.add(signUp(server));
      }
      await("three deliveries", () -> receiver.acknowledged().size() >= 3);

      receiver.down = true;
      for (String s : sessions) {
        ok(server.api().post("/v1/sessions/revoke", "{\"session_id\":\"" + s + "\"}"));
      }
      await("at least three refused attempts", () -> receiver.received.stream()
          .filter(r -> r.answered() == 503).count() >= 3);
      receiver.down = false;
      await("all six events acknowledged", () -> receiver.acknowledged().stream().map(r -> body(r)
          .path("data").path("event_id").asLong()).distinct().count() >= 6);

      Map<Long, String> idOfEvent = new LinkedHashMap<>();
      List<Long> acknowledgedOrder = new ArrayList<>();
      for (Receiver.Received r : receiver.received) {
        // Every request, refused or not, is exactly as signed.
        verifier.verify(r.id(), r.timestamp(), r.signature(), r.body());
        long eventId = body(r).path("data").path("event_id").asLong();
        String before = idOfEvent.putIfAbsent(eventId, r.id());
        assertThat(before == null || before.equals(r.id())).as("one webhook-id per event").isTrue();
        if (r.answered() == 204) {
          acknowledgedOrder.add(eventId);
        }
      }
      assertThat(acknowledgedOrder).isSorted().doesNotHaveDuplicates().hasSize(6);
      assertThat(receiver.acknowledged()).extracting(r -> body(r).path("type").asText()).containsExactly(
          "session.created", "session.created", "session.created", "session.revoked", "session.revoked",
          "session.revoked");
      assertThat(receiver.acknowledged().subList(3, 6)).extracting(r -> body(r).path("data").path("session_id")
          .asText()).containsExactlyElementsOf(sessions);
      assertThat(new HashMap<>(idOfEvent).values()).doesNotHaveDuplicates();

      // A rotation: both secrets sign for the overlap, so a receiver on either verifies.
      String newSecret = ok(server.api().post("/v1/webhooks/endpoints/" + endpointId + "/rotate_secret",
          "{\"overlap_minutes\":60}")).path("secret").asText();
      signUp(server);
      await("the delivery after the rotation", () -> receiver.acknowledged().size() >= 7);
      Receiver.Received rotated = receiver.acknowledged().get(6);
      assertThat(rotated.signature().split(" ")).hasSize(2);
      verifier.verify(rotated.id(), rotated.timestamp(), rotated.signature(), rotated.body());
      WebhookVerifier.builder().secret(newSecret).build().verify(rotated.id(), rotated.timestamp(),
          rotated.signature(), rotated.body());
      assertThat(ok(server.api().get("/v1/webhooks/endpoints/" + endpointId + "/dead_letters"))
          .path("deliveries")).isEmpty();
    }
  }

  @Test
  void aDeliveryPastTheRetryWindowIsADeadLetterThatAReplaySendsAgainWithItsId() throws Exception {
    Map<String, String> env = Map.of("LATCHKEY_WEBHOOK_RETRY_BASE", "1s", "LATCHKEY_WEBHOOK_RETRY_MAX", "1s",
        "LATCHKEY_WEBHOOK_RETRY_WINDOW", "3s");
    try (Receiver receiver = new Receiver(); TestServer server = TestServer.start(env, Clock.systemUTC())) {
      receiver.down = true;
      JsonNode made = ok(server.api().post("/v1/webhooks/endpoints", "{\"url\":\"" + receiver.url() + "\"}"));
      String endpointId = made.path("endpoint").path("endpoint_id").asText();
      WebhookVerifier verifier = WebhookVerifier.builder().secret(made.path("secret").asText()).build();
      signUp(server);

      await("a dead letter", () -> ok(server.api().get("/v1/webhooks/endpoints/" + endpointId + "/dead_letters"))
          .path("deliveries").size() == 1);
      JsonNode dead = ok(server.api().get("/v1/webhooks/endpoints/" + endpointId + "/dead_letters"))
          .path("deliveries").get(0);
      assertThat(dead.path("attempts").asInt()).isGreaterThanOrEqualTo(2);
      assertThat(dead.path("last_error").asText()).isEqualTo("HTTP 503");
      int attemptsBefore = receiver.received.size();

      receiver.down = false;
      assertThat(ok(server.api().post("/v1/webhooks/endpoints/" + endpointId + "/dead_letters/replay", "{}"))
          .path("replayed").asInt()).isEqualTo(1);
      await("the replayed delivery", () -> !receiver.acknowledged().isEmpty());

      Receiver.Received replayed = receiver.acknowledged().get(0);
      assertThat(replayed.id()).isEqualTo(dead.path("message_id").asText());
      assertThat(receiver.received.subList(0, attemptsBefore)).allSatisfy(r -> assertThat(r.id())
          .isEqualTo(replayed.id()));
      verifier.verify(replayed.id(), replayed.timestamp(), replayed.signature(), replayed.body());
      assertThat(new String(replayed.body(), StandardCharsets.UTF_8)).isEqualTo(dead.path("payload").asText());
      assertThat(ok(server.api().get("/v1/webhooks/endpoints/" + endpointId + "/dead_letters")).path("deliveries"))
          .isEmpty();
    }
  }

  @Test
  void aDeliveryBeingRetriedWhenTheServerStopsIsDeliveredAfterItStartsAgain() throws Exception {
    Map<String, String> env = Map.of("LATCHKEY_WEBHOOK_RETRY_BASE", "1s", "LATCHKEY_WEBHOOK_RETRY_MAX", "1s");
    try (Receiver receiver = new Receiver(); TestServer server = TestServer.start(env, Clock.systemUTC())) {
      receiver.down = true;
      JsonNode made = ok(server.api().post("/v1/webhooks/endpoints", "{\"url\":\"" + receiver.url() + "\","
          + "\"event_types\":[\"session.created\"]}"));
      WebhookVerifier verifier = WebhookVerifier.builder().secret(made.path("secret").asText()).build();
      String sessionId = signUp(server);
      await("a refused attempt", () -> !receiver.received.isEmpty());

      server.restart();
      receiver.down = false;
      await("the delivery after the restart", () -> !receiver.acknowledged().isEmpty());

      Receiver.Received delivered = receiver.acknowledged().get(0);
      verifier.verify(delivered.id(), delivered.timestamp(), delivered.signature(), delivered.body());
      assertThat(body(delivered).path("data").path("session_id").asText()).isEqualTo(sessionId);
      assertThat(receiver.received).allSatisfy(r -> assertThat(r.id()).isEqualTo(delivered.id()));
      Thread.sleep(1500);
      assertThat(receiver.acknowledged()).hasSize(1);
    }
  }
}
