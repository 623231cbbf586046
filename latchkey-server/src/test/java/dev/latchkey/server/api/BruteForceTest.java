package dev.latchkey.server.api;

import static dev.latchkey.server.api.Wire.PASSWORD;
import static dev.latchkey.server.api.Wire.assertError;
import static dev.latchkey.server.api.Wire.body;
import static dev.latchkey.server.api.Wire.signUp;
import static dev.latchkey.server.api.Wire.uniqueEmail;
import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.ApiClient.Reply;
import dev.latchkey.server.testing.MutableClock;
import dev.latchkey.server.testing.TestServer;
import dev.latchkey.server.testing.TotpCodes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * Guessing passwords, email codes and TOTP codes: from one IP against one account, and from one IP spread over many
 * accounts. The IP is the end user's: a device's own address on {@code /sdk/v1}, the {@code
 * attributes.ip_address} a backend forwards on {@code /v1} (never the backend's own address, which all its users
 * share). Every limit answers {@code 429 too_many_requests} with a {@code Retry-After} inside its window and a
 * message that says when to retry, holds across a restart (the counters live in the database), and opens when the
 * window has passed. (The same limits across three nodes on PostgreSQL: {@code cluster/ClusterAbuseTest}.)
 */
class BruteForceTest {

  /** A clock at the start of an epoch-aligned window, so the whole window lies ahead of the test. */
  private static MutableClock clockAtWindowStart(Duration window) {
    MutableClock clock = new MutableClock();
    long size = window.toMillis();
    long now = clock.instant().toEpochMilli();
    clock.set(Instant.ofEpochMilli(now - Math.floorMod(now, size) + size));
    return clock;
  }

  /** Asserts a 429 that says when to retry, in the header and in the message; returns the header's seconds. */
  static long retryAfter(Reply r, long windowSeconds) {
    assertError(r, 429, "too_many_requests");
    assertThat(r.header("Retry-After")).as("Retry-After of %s", r.text()).isNotNull();
    long seconds = Long.parseLong(r.header("Retry-After"));
    assertThat(seconds).isBetween(1L, windowSeconds);
    assertThat(r.text("error_message")).as("the message tells the user when to retry")
        .containsPattern("try (again )?in \\d+ seconds");
    return seconds;
  }

  private static Reply passwordSignIn(ApiClient api, String email, String password) {
    return api.post("/v1/passwords/authenticate", body("email", email, "password", password));
  }

  /** A signed-out device calling the frontend API ({@code /sdk/v1}) with the project's public token. */
  private static ApiClient device(TestServer server) {
    return new ApiClient(server.baseUrl(), server.publicToken, server.publicToken);
  }

  private static Reply sdkPasswordSignIn(ApiClient device, String email, String password) {
    return device.post("/sdk/v1/passwords/authenticate", body("email", email, "password", password,
        "session_duration_minutes", 30));
  }

  @Test
  void passwordGuessesSpreadOverManyEmailsFromOneDeviceIpStopAtTheIpLimit() {
    MutableClock clock = clockAtWindowStart(Duration.ofMinutes(15));
    try (TestServer server = TestServer.start(Map.of("LATCHKEY_LIMIT_IP_FAILURES", "5",
        "LATCHKEY_LIMIT_FAILURE_WINDOW", "15m"), clock)) {
      ApiClient device = device(server);
      String victim = uniqueEmail();
      signUp(server.api(), victim, 60);
      // One guess per account never reaches any account's lockout: only the IP limit can stop this. On /sdk/v1 the
      // caller is the device itself, so its address (loopback here) is the end user's IP.
      for (int i = 0; i < 5; i++) {
        assertError(sdkPasswordSignIn(device, uniqueEmail(), "guess number " + i), 401, "unauthorized_credentials");
      }

      long wait = retryAfter(sdkPasswordSignIn(device, victim, PASSWORD), 15 * 60);

      clock.advance(Duration.ofSeconds(wait));
      Reply after = sdkPasswordSignIn(device, victim, PASSWORD);
      assertThat(after.status()).as(after.text()).isEqualTo(200);
    }
  }

  @Test
  void emailCodeGuessesSpreadOverManyMethodsFromOneForwardedIpStopAtTheIpLimitForThatIpOnly() {
    MutableClock clock = clockAtWindowStart(Duration.ofMinutes(15));
    try (TestServer server = TestServer.start(Map.of("LATCHKEY_LIMIT_IP_FAILURES", "4",
        "LATCHKEY_LIMIT_FAILURE_WINDOW", "15m", "LATCHKEY_DEV_OUTBOX", "true"), clock)) {
      ApiClient api = server.api();
      // The backend forwards its end user's IP in attributes, as Stytch's API takes it.
      Map<String, String> attacker = Map.of("ip_address", "203.0.113.7");
      for (int i = 0; i < 4; i++) {
        String methodId = api.post("/v1/otps/email/login_or_create", body("email", uniqueEmail())).text("email_id");
        assertError(api.post("/v1/otps/authenticate", body("method_id", methodId, "code", "000000",
            "attributes", attacker)), 401, "unable_to_auth_otp_code");
      }

      String email = uniqueEmail();
      String methodId = api.post("/v1/otps/email/login_or_create", body("email", email)).text("email_id");
      retryAfter(api.post("/v1/otps/authenticate", body("method_id", methodId, "code", liveCode(api, email),
          "attributes", attacker)), 15 * 60);
      Reply otherUser = api.post("/v1/otps/authenticate", body("method_id", methodId, "code", liveCode(api, email),
          "attributes", Map.of("ip_address", "198.51.100.20", "user_agent", "Mozilla/5.0")));
      assertThat(otherUser.status()).as("another end user of the same backend: %s", otherUser.text())
          .isEqualTo(200);
    }
  }

  @Test
  void failedBackendSignInsWithoutAForwardedIpDoNotBlockOtherUsersBackendSignIns() {
    MutableClock clock = clockAtWindowStart(Duration.ofMinutes(15));
    int ipFailures = 5;
    try (TestServer server = TestServer.start(Map.of("LATCHKEY_LIMIT_IP_FAILURES", Integer.toString(ipFailures),
        "LATCHKEY_LIMIT_FAILURE_WINDOW", "15m", "LATCHKEY_LOCKOUT_THRESHOLD", "3"), clock)) {
      ApiClient api = server.api();
      String user = uniqueEmail();
      signUp(api, user, 60);
      // Every /v1 call comes from the backend's one address. Without a forwarded end-user IP, counting that address
      // would let a few strangers' typos (ten times the IP limit here) refuse sign-in to every user of the backend.
      for (int i = 0; i < ipFailures * 10; i++) {
        assertError(passwordSignIn(api, uniqueEmail(), "someone's wrong password " + i), 401,
            "unauthorized_credentials");
      }
      for (int i = 0; i < 2; i++) {
        assertError(api.post("/v1/magic_links/authenticate", body("token", "forged-" + i)), 404,
            "magic_link_not_found");
      }

      Reply signedIn = passwordSignIn(api, user, PASSWORD);
      assertThat(signedIn.status()).as(signedIn.text()).isEqualTo(200);
      // The per-email lockout still holds for what the backend sends, forwarded IP or not.
      for (int i = 0; i < 3; i++) {
        assertError(passwordSignIn(api, user, "wrong guess " + i), 401, "unauthorized_credentials");
      }
      retryAfter(passwordSignIn(api, user, PASSWORD), 3600);
    }
  }

  @Test
  void aPasswordLockoutHoldsAcrossARestartAndSaysWhenToRetry() {
    MutableClock clock = clockAtWindowStart(Duration.ofHours(1));
    try (TestServer server = TestServer.start(Map.of("LATCHKEY_LOCKOUT_THRESHOLD", "3",
        "LATCHKEY_LOCKOUT_DURATION", "1h"), clock)) {
      String email = uniqueEmail();
      signUp(server.api(), email, 60);
      for (int i = 0; i < 3; i++) {
        assertError(passwordSignIn(server.api(), email, "wrong guess " + i), 401, "unauthorized_credentials");
      }
      long before = retryAfter(passwordSignIn(server.api(), email, PASSWORD), 3600);

      server.restart();

      long after = retryAfter(passwordSignIn(server.api(), email, PASSWORD), 3600);
      assertThat(after).isEqualTo(before);
      clock.advance(Duration.ofSeconds(after));
      assertThat(passwordSignIn(server.api(), email, PASSWORD).status()).isEqualTo(200);
    }
  }

  @Test
  void totpGuessesLockTheRegistrationAcrossARestartAndSayWhenToRetry() {
    MutableClock clock = clockAtWindowStart(Duration.ofMinutes(15));
    try (TestServer server = TestServer.start(Map.of("LATCHKEY_TOTP_MAX_FAILED_ATTEMPTS", "3",
        "LATCHKEY_TOTP_LOCKOUT", "15m"), clock)) {
      ApiClient api = server.api();
      String userId = signUp(api, 60).text("user_id");
      Reply created = api.post("/v1/totps", body("user_id", userId));
      assertThat(created.status()).as(created.text()).isEqualTo(200);
      String secret = created.text("secret");
      for (int i = 0; i < 3; i++) {
        assertError(totp(api, userId, TotpCodes.wrongAt(secret, clock.instant())), 401,
            "unable_to_authenticate_totp");
      }

      retryAfter(totp(api, userId, TotpCodes.at(secret, clock.instant())), 15 * 60);
      server.restart();
      long wait = retryAfter(totp(server.api(), userId, TotpCodes.at(secret, clock.instant())), 15 * 60);

      clock.advance(Duration.ofSeconds(wait));
      Reply right = totp(server.api(), userId, TotpCodes.at(secret, clock.instant()));
      assertThat(right.status()).as(right.text()).isEqualTo(200);
    }
  }

  @Test
  void totpGuessesSpreadOverManyUsersLockEachRegistrationAtItsOwnLimit() {
    MutableClock clock = clockAtWindowStart(Duration.ofMinutes(15));
    try (TestServer server = TestServer.start(Map.of("LATCHKEY_TOTP_MAX_FAILED_ATTEMPTS", "2"), clock)) {
      ApiClient api = server.api();
      // TOTP is a backend call (the project secret), so the per-registration lock is what bounds guessing: with 2
      // tries per user, ten users give an attacker 20 guesses out of a million codes, never more than 2 on one.
      for (int u = 0; u < 10; u++) {
        String userId = signUp(api, 60).text("user_id");
        String secret = api.post("/v1/totps", body("user_id", userId)).text("secret");
        for (int i = 0; i < 2; i++) {
          assertError(totp(api, userId, TotpCodes.wrongAt(secret, clock.instant())), 401,
              "unable_to_authenticate_totp");
        }
        retryAfter(totp(api, userId, TotpCodes.at(secret, clock.instant())), 15 * 60);
      }
    }
  }

  @Test
  void concurrentWrongPasswordsGetNoMoreGuessesThanTheLockoutAllows() throws Exception {
    MutableClock clock = clockAtWindowStart(Duration.ofHours(1));
    int threshold = 3;
    int parallel = 16;
    try (TestServer server = TestServer.start(Map.of("LATCHKEY_LOCKOUT_THRESHOLD", Integer.toString(threshold),
        "LATCHKEY_LOCKOUT_DURATION", "1h"), clock)) {
      ApiClient api = server.api();
      String email = uniqueEmail();
      signUp(api, email, 60);

      // All guesses are sent at once: a check made before the password is hashed and a count made after would
      // let every one of them through while the count is still below the threshold.
      List<Reply> replies = atOnce(parallel, i -> passwordSignIn(api, email, "parallel guess " + i));

      assertThat(checked(replies, 401)).as("wrong passwords actually checked").isLessThanOrEqualTo(threshold);
      retryAfter(passwordSignIn(api, email, PASSWORD), 3600);
    }
  }

  @Test
  void concurrentWrongTotpCodesGetNoMoreGuessesThanTheLockAllows() throws Exception {
    MutableClock clock = clockAtWindowStart(Duration.ofMinutes(15));
    int max = 3;
    try (TestServer server = TestServer.start(Map.of("LATCHKEY_TOTP_MAX_FAILED_ATTEMPTS", Integer.toString(max)),
        clock)) {
      ApiClient api = server.api();
      String userId = signUp(api, 60).text("user_id");
      String secret = api.post("/v1/totps", body("user_id", userId)).text("secret");
      String wrong = TotpCodes.wrongAt(secret, clock.instant());

      List<Reply> replies = atOnce(16, i -> totp(api, userId, wrong));

      assertThat(checked(replies, 401)).as("wrong codes actually checked").isLessThanOrEqualTo(max);
      retryAfter(totp(api, userId, TotpCodes.at(secret, clock.instant())), 15 * 60);
    }
  }

  /** Sends {@code n} requests released together at a barrier; returns the replies. */
  private static List<Reply> atOnce(int n, IntFunction<Reply> request) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      CyclicBarrier start = new CyclicBarrier(n);
      List<Future<Reply>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int index = i;
        futures.add(pool.submit(() -> {
          start.await();
          return request.apply(index);
        }));
      }
      List<Reply> replies = new ArrayList<>();
      for (Future<Reply> f : futures) {
        replies.add(f.get());
      }
      return replies;
    } finally {
      pool.shutdownNow();
    }
  }

  /** How many replies have the status of a checked wrong guess; every other reply must be a 429. */
  private static long checked(List<Reply> replies, int wrongStatus) {
    for (Reply r : replies) {
      assertThat(r.status()).as(r.text()).isIn(wrongStatus, 429);
    }
    return replies.stream().filter(r -> r.status() == wrongStatus).count();
  }

  private static Reply totp(ApiClient api, String userId, String code) {
    return api.post("/v1/totps/authenticate", body("user_id", userId, "totp_code", code));
  }

  /** The code of the newest mail to {@code email}, from the dev outbox. */
  private static String liveCode(ApiClient api, String email) {
    Reply r = api.get("/v1/dev/outbox?email=" + email);
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    return r.json().path("messages").get(0).path("code").asText();
  }
}
