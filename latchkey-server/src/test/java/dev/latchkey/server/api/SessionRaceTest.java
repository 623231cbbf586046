package dev.latchkey.server.api;

import static dev.latchkey.server.api.Wire.body;
import static dev.latchkey.server.api.Wire.signUp;
import static dev.latchkey.server.api.Wire.uniqueEmail;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.ApiClient.Reply;
import dev.latchkey.server.testing.TestServer;
import dev.latchkey.server.testing.TotpCodes;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Many requests on one session at once, through a real server: no acknowledged change is lost, a revoked session
 * never comes back, and concurrent step-ups both land. Threads start together at a barrier so the requests overlap.
 */
class SessionRaceTest {
  private static final int THREADS = 8;
  private static final int ROUNDS = 10;

  private static TestServer server;
  private static ApiClient api;
  private static ExecutorService pool;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of("LATCHKEY_DEV_OUTBOX", "true"), Clock.systemUTC());
    api = server.api();
    pool = Executors.newFixedThreadPool(THREADS);
  }

  @AfterAll
  static void stop() {
    pool.shutdownNow();
    server.close();
  }

  /** Runs {@code task(i)} on {@code n} threads released together; returns the results in order. */
  private static <T> List<T> together(int n, IntTask<T> task) throws Exception {
    CyclicBarrier barrier = new CyclicBarrier(n);
    List<Future<T>> futures = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int index = i;
      futures.add(pool.submit((Callable<T>) () -> {
        barrier.await();
        return task.run(index);
      }));
    }
    List<T> results = new ArrayList<>();
    for (Future<T> f : futures) {
      results.add(f.get());
    }
    return results;
  }

  private interface IntTask<T> {
    T run(int index) throws Exception;
  }

  private static JsonNode session(String token) {
    Reply r = api.post("/v1/sessions/authenticate", body("session_token", token));
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    return r.json().path("session");
  }

  @Test
  void concurrentExtensionsLeaveTheLatestGrantedExpiry() throws Exception {
    String token = signUp(api, 60).text("session_token");

    List<Instant> granted = new ArrayList<>();
    for (List<Reply> round : List.of(together(THREADS, i -> extend(token)), together(THREADS, i -> extend(token)))) {
      for (Reply r : round) {
        // Under contention a writer may give up with 503 session_busy (retryable); nothing else is acceptable.
        assertThat(r.status()).as(r.text()).isIn(200, 503);
        if (r.status() == 200) {
          granted.add(Instant.parse(r.json().path("session").path("expires_at").asText()));
        }
      }
    }

    assertThat(granted).isNotEmpty();
    Instant latest = granted.stream().max(Instant::compareTo).orElseThrow();
    assertThat(Instant.parse(session(token).path("expires_at").asText())).isEqualTo(latest);
  }

  private static Reply extend(String token) {
    return api.post("/v1/sessions/authenticate", body("session_token", token, "session_duration_minutes", 120));
  }

  @Test
  void concurrentCustomClaimUpdatesAreAllMergedNoneLost() throws Exception {
    String token = signUp(api, 60).text("session_token");

    List<Reply> replies = together(THREADS, i -> api.post("/v1/sessions/authenticate", body("session_token", token,
        "session_custom_claims", Map.of("claim_" + i, i, "shared", Map.of("by_" + i, true)))));

    JsonNode claims = session(token).path("custom_claims");
    for (int i = 0; i < THREADS; i++) {
      Reply r = replies.get(i);
      assertThat(r.status()).as(r.text()).isIn(200, 503);
      if (r.status() == 200) {
        // The documented rule: a key adds or replaces, nested objects merge; a concurrent writer loses nothing.
        assertThat(claims.path("claim_" + i).asInt(-1)).as("claims %s", claims).isEqualTo(i);
        assertThat(claims.path("shared").path("by_" + i).asBoolean()).as("claims %s", claims).isTrue();
      }
    }
  }

  @Test
  void aRevokedSessionNeverComesBackWhileOthersAuthenticateAndExtendIt() throws Exception {
    for (int round = 0; round < ROUNDS; round++) {
      Reply created = signUp(api, 60);
      String token = created.text("session_token");
      String jwt = created.text("session_jwt");
      String sessionId = created.json().path("session").path("session_id").asText();
      AtomicBoolean revoked = new AtomicBoolean();
      Set<String> lateSuccesses = ConcurrentHashMap.newKeySet();

      together(THREADS, i -> {
        if (i == 0) {
          Reply r = api.post("/v1/sessions/revoke", body("session_id", sessionId));
          assertThat(r.status()).as(r.text()).isEqualTo(200);
          revoked.set(true);
          return null;
        }
        for (int k = 0; k < 6; k++) {
          boolean afterRevoke = revoked.get();
          Reply r = i % 2 == 0
              ? api.post("/v1/sessions/authenticate", body("session_token", token, "session_duration_minutes", 90))
              : api.post("/v1/sessions/authenticate", body("session_jwt", jwt, "session_custom_claims",
                  Map.of("k", k)));
          assertThat(r.status()).as(r.text()).isIn(200, 404, 503);
          if (afterRevoke && r.status() != 404) {
            lateSuccesses.add(r.text());
          }
        }
        return null;
      });

      assertThat(lateSuccesses).as("replies to requests sent after the revoke was acknowledged").isEmpty();
      assertThat(api.post("/v1/sessions/authenticate", body("session_token", token)).status()).isEqualTo(404);
      assertThat(api.post("/v1/sessions/authenticate", body("session_jwt", jwt)).status()).isEqualTo(404);
    }
  }

  @Test
  void twoStepUpsAtOnceBothEndUpInTheSession() throws Exception {
    for (int round = 0; round < ROUNDS; round++) {
      String email = uniqueEmail();
      Reply signedUp = signUp(api, email, 60);
      String token = signedUp.text("session_token");
      String userId = signedUp.text("user_id");
      String secret = api.post("/v1/totps", body("user_id", userId)).text("secret");
      String methodId = api.post("/v1/otps/email/send", body("email", email)).text("email_id");
      String code = api.get("/v1/dev/outbox?email=" + email).json().path("messages").get(0).path("code").asText();

      List<Reply> replies = together(2, i -> i == 0
          ? api.post("/v1/totps/authenticate", body("user_id", userId, "totp_code",
              TotpCodes.at(secret, Instant.now()), "session_token", token))
          : api.post("/v1/otps/authenticate", body("method_id", methodId, "code", code, "session_token", token)));

      for (Reply r : replies) {
        assertThat(r.status()).as(r.text()).isEqualTo(200);
      }
      Set<String> types = new java.util.TreeSet<>();
      StreamSupport.stream(session(token).path("authentication_factors").spliterator(), false)
          .forEach(f -> types.add(f.path("type").asText()));
      assertThat(types).as("factors after two step-ups, round %d", round).contains("password", "totp", "otp");
    }
  }
}
