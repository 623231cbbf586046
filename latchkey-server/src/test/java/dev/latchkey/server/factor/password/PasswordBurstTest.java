package dev.latchkey.server.factor.password;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.ApiClient.Reply;
import dev.latchkey.server.testing.TestServer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * A burst of password sign-ins past the hashing queue: the overflow is refused at once with {@code 503 server_busy}
 * and {@code Retry-After}, the rest sign in, session checks keep answering, and the refusals count towards no limit.
 * One hashing thread, no queue and a costly hash make the overflow certain rather than likely.
 */
class PasswordBurstTest {
  private static final String EMAIL = "burst-ada@example.com";
  private static final String PASSWORD = "a burst of sign-ins, one thread";
  /** Attempts are counted while they run, so the lockout threshold is the burst size: a burst never trips it. */
  private static final int BURST = 12;

  @Test
  void signInsPastTheHashingQueueAreRefusedAsServerBusyAndCountTowardsNoLockout() throws Exception {
    try (TestServer server = TestServer.start(Map.of("LATCHKEY_PASSWORD_HASH_THREADS", "1",
        "LATCHKEY_PASSWORD_HASH_QUEUE", "0", "LATCHKEY_ARGON2_MEMORY_KIB", "65536", "LATCHKEY_ARGON2_ITERATIONS", "3",
        "LATCHKEY_LOCKOUT_THRESHOLD", String.valueOf(BURST)), Clock.systemUTC())) {
      ApiClient api = server.api();
      Reply created = api.post("/v1/passwords", body());
      assertThat(created.status()).as(created.text()).isEqualTo(200);
      String session = created.json().path("session_token").asText();

      List<Reply> busy = new ArrayList<>();
      List<Reply> signedIn = new ArrayList<>();
      // A burst on one thread with no queue overflows; a few bursts make more refusals than the lockout threshold.
      for (int burst = 0; burst < 8 && busy.size() <= BURST; burst++) {
        for (Reply r : burst(api, BURST)) {
          (r.status() == 200 ? signedIn : busy).add(r);
        }
      }

      assertThat(busy).hasSizeGreaterThan(BURST);
      assertThat(signedIn).isNotEmpty();
      for (Reply r : busy) {
        assertThat(r.status()).as(r.text()).isEqualTo(503);
        assertThat(r.text("error_type")).isEqualTo("server_busy");
        assertThat(r.header("Retry-After")).isEqualTo("1");
      }
      // Session checks need no hash.
      Reply check = api.post("/v1/sessions/authenticate", "{\"session_token\":\"" + session + "\"}");
      assertThat(check.status()).as(check.text()).isEqualTo(200);
      // More refusals than the lockout threshold, and still no lockout: a refused check was never a guess.
      Reply after = api.post("/v1/passwords/authenticate", body());
      assertThat(after.status()).as(after.text()).isEqualTo(200);
    }
  }

  private static String body() {
    return "{\"email\":\"" + EMAIL + "\",\"password\":\"" + PASSWORD + "\",\"session_duration_minutes\":60}";
  }

  private static List<Reply> burst(ApiClient api, int n) throws Exception {
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<Reply>> replies = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        replies.add(threads.submit(() -> api.post("/v1/passwords/authenticate", body())));
      }
      List<Reply> out = new ArrayList<>();
      for (Future<Reply> f : replies) {
        out.add(f.get());
      }
      return out;
    }
  }
}
