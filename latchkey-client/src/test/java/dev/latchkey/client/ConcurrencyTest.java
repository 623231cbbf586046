package dev.latchkey.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.server.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Many threads using one client: the state is never a mix of two sessions, and nothing fails unexpectedly. */
class ConcurrencyTest {
  @Test
  void threadsSwitchingAndCheckingSessionsNeverSeeTheTokensOfOneWithTheSessionOfAnother() throws Exception {
    try (TestServer server = TestServer.start();
        LatchkeyClient client = Fixture.client(server).scheduler(new ManualScheduler()).build()) {
      JsonNode a = Fixture.signUp(server);
      JsonNode b = Fixture.signUp(server);
      Map<String, String> sessionOfToken = Map.of(
          a.path("session_token").asText(), a.path("session").path("session_id").asText(),
          b.path("session_token").asText(), b.path("session").path("session_id").asText());
      List<SessionTokens> both = List.of(Fixture.tokens(a), Fixture.tokens(b));
      List<String> violations = new CopyOnWriteArrayList<>();
      List<String> failures = new CopyOnWriteArrayList<>();
      List<Integer> notifications = new CopyOnWriteArrayList<>();
      client.session().onChange(s -> notifications.add(1));
      client.session().updateSession(both.get(0)); // signed in from the start: "no session" is not expected

      int threads = 6;
      CyclicBarrier start = new CyclicBarrier(threads);
      List<Thread> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        Thread w = new Thread(() -> {
          try {
            start.await(20, TimeUnit.SECONDS);
            List<CompletableFuture<?>> calls = new ArrayList<>();
            for (int i = 0; i < 15; i++) {
              switch (ThreadLocalRandom.current().nextInt(3)) {
                case 0 -> client.session().updateSession(both.get(ThreadLocalRandom.current().nextInt(2)));
                case 1 -> calls.add(client.session().authenticate(SessionOptions.checkOnly()));
                default -> {
                  State s = client.snapshot();
                  if (s.session() != null && !s.session().sessionId().equals(
                      sessionOfToken.get(s.tokens().sessionToken()))) {
                    violations.add("session " + s.session().sessionId() + " held with another session's token");
                  }
                }
              }
            }
            for (CompletableFuture<?> c : calls) {
              c.handle((r, e) -> {
                if (e != null) {
                  failures.add(LatchkeyClientException.of(e).errorType());
                }
                return null;
              }).get(20, TimeUnit.SECONDS);
            }
          } catch (Exception e) {
            violations.add(e.toString());
          }
        });
        workers.add(w);
        w.start();
      }
      for (Thread w : workers) {
        w.join(60_000);
      }

      assertThat(violations).isEmpty();
      // Switching sessions under a check in flight discards its answer; nothing else may fail.
      assertThat(Set.copyOf(failures)).isSubsetOf(Set.of(LatchkeyClientException.SESSION_CHANGED));
      client.session().authenticate(SessionOptions.checkOnly()).join();
      State end = client.snapshot();
      assertThat(end.session().sessionId()).isEqualTo(sessionOfToken.get(end.tokens().sessionToken()));
      client.idle().join();
      assertThat(notifications).isNotEmpty();
    }
  }
}
