package dev.latchkey.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The UUID in a request id Latchkey makes up: a version-4, RFC 4122 variant UUID, never the same twice. */
class RequestIdTest {
  @Test
  void generatedRequestUuidsAreVersionFourOfTheIetfVariantAndDistinct() throws Exception {
    Set<UUID> seen = new HashSet<>();
    Thread[] threads = new Thread[4];
    Set<UUID> shared = java.util.concurrent.ConcurrentHashMap.newKeySet();
    for (int t = 0; t < threads.length; t++) {
      threads[t] = Thread.ofVirtual().start(() -> {
        for (int i = 0; i < 25_000; i++) {
          shared.add(Replies.randomUuid());
        }
      });
    }
    for (Thread t : threads) {
      t.join();
    }
    for (int i = 0; i < 10_000; i++) {
      UUID u = Replies.randomUuid();
      assertThat(u.version()).isEqualTo(4);
      assertThat(u.variant()).isEqualTo(2);
      assertThat(UUID.fromString(u.toString())).isEqualTo(u);
      seen.add(u);
    }
    assertThat(seen).hasSize(10_000);
    assertThat(shared).as("from four threads at once").hasSize(100_000);
  }
}
