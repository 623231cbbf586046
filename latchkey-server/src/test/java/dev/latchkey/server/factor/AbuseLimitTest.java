package dev.latchkey.server.factor;

import dev.latchkey.server.factor.otp.EmailOtpService;

import static dev.latchkey.server.factor.EmailSignInTest.PASSWORD;
import static dev.latchkey.server.factor.EmailSignInTest.email;
import static dev.latchkey.server.factor.EmailSignInTest.error;
import static dev.latchkey.server.factor.EmailSignInTest.ok;
import static dev.latchkey.server.factor.EmailSignInTest.q;
import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.ApiClient.Reply;
import dev.latchkey.server.testing.MutableClock;
import dev.latchkey.server.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The abuse limits trip with {@code 429 too_many_requests} and a {@code Retry-After} within the window, and open
 * again when the window has passed. Each test runs its own server with small limits and a clock it moves. The
 * per-IP limits count the end user's IP: a device's own on {@code /sdk/v1}, the forwarded {@code
 * attributes.ip_address} on {@code /v1}.
 */
class AbuseLimitTest {
  /** The end user's IP as a backend forwards it on {@code /v1}: what the per-IP limits count there. */
  private static final String FROM_ONE_IP = ",\"attributes\":{\"ip_address\":\"203.0.113.7\"}";

  private static TestServer serverWith(MutableClock clock, String... settings) {
    Map<String, String> env = new HashMap<>();
    for (int i = 0; i < settings.length; i += 2) {
      env.put(settings[i], settings[i + 1]);
    }
    return TestServer.start(env, clock);
  }

  /** Clocks start at the beginning of a window, so the whole window lies ahead of the test. */
  private static MutableClock clockAtWindowStart(Duration window) {
    MutableClock clock = new MutableClock();
    long size = window.toMillis();
    long now = clock.instant().toEpochMilli();
    clock.set(Instant.ofEpochMilli(now - Math.floorMod(now, size) + size));
    return clock;
  }

  private static long retryAfter(Reply r) {
    error(r, 429, "too_many_requests");
    assertThat(r.header("Retry-After")).as("Retry-After of %s", r.text()).isNotNull();
    return Long.parseLong(r.header("Retry-After"));
  }

  @Test
  void theDefaultLimitsLetTwentyMailsAMinuteFromOneIpButStopRepeatsToOneAddressWellBeforeForty() {
    MutableClock clock = clockAtWindowStart(Duration.ofMinutes(15));
    // An empty value counts as unset: the server runs with the documented defaults, not the test server's.
    try (TestServer server = serverWith(clock, "LATCHKEY_LIMIT_EMAIL_SENDS", "", "LATCHKEY_LIMIT_IP_SENDS", "",
        "LATCHKEY_LIMIT_IP_FAILURES", "", "LATCHKEY_LOCKOUT_THRESHOLD", "")) {
      ApiClient api = server.api();
      // All from one end user, forwarded by the backend, so the per-IP default is what these mails meet.
      for (int i = 0; i < 20; i++) {
        ok(api.post("/v1/otps/email/login_or_create", "{\"email\":" + q(email("person")) + FROM_ONE_IP + "}"));
      }

      clock.advance(Duration.ofMinutes(1));
      String body = "{\"email\":" + q(email("target")) + FROM_ONE_IP + "}";
      int sent = 0;
      Reply r = api.post("/v1/otps/email/login_or_create", body);
      while (r.status() == 200 && sent < 40) {
        sent++;
        r = api.post("/v1/otps/email/login_or_create", body);
      }

      assertThat(sent).isLessThan(20);
      assertThat(retryAfter(r)).isPositive();
    }
  }

  @Test
  void mailsToOneAddressTripTheLimitAndRecoverAfterTheWindow() {
    MutableClock clock = clockAtWindowStart(Duration.ofMinutes(15));
    try (TestServer server = serverWith(clock, "LATCHKEY_LIMIT_EMAIL_SENDS", "3", "LATCHKEY_LIMIT_EMAIL_WINDOW",
        "15m")) {
      ApiClient api = server.api();
      String email = email("flood");
      String body = "{\"email\":" + q(email) + "}";
      for (int i = 0; i < 3; i++) {
        ok(api.post("/v1/otps/email/login_or_create", body));
      }

      long wait = retryAfter(api.post("/v1/magic_links/email/login_or_create", body));
      assertThat(wait).isBetween(1L, 15 * 60L);
      ok(api.post("/v1/otps/email/login_or_create", "{\"email\":" + q(email("other")) + "}"));

      clock.advance(Duration.ofSeconds(wait));
      ok(api.post("/v1/otps/email/login_or_create", body));
    }
  }

  @Test
  void aTrippedLimitHoldsAcrossARestart() {
    MutableClock clock = clockAtWindowStart(Duration.ofMinutes(15));
    try (TestServer server = serverWith(clock, "LATCHKEY_LIMIT_EMAIL_SENDS", "2")) {
      String body = "{\"email\":" + q(email("restart")) + "}";
      ok(server.api().post("/v1/otps/email/login_or_create", body));
      ok(server.api().post("/v1/otps/email/login_or_create", body));
      retryAfter(server.api().post("/v1/otps/email/login_or_create", body));

      server.restart();

      retryAfter(server.api().post("/v1/otps/email/login_or_create", body));
    }
  }

  @Test
  void mailsRequestedForOneForwardedIpTripTheLimitForThatIpOnly() {
    MutableClock clock = clockAtWindowStart(Duration.ofMinutes(1));
    try (TestServer server = serverWith(clock, "LATCHKEY_LIMIT_IP_SENDS", "4", "LATCHKEY_LIMIT_IP_WINDOW", "1m")) {
      ApiClient api = server.api();
      for (int i = 0; i < 4; i++) {
        ok(api.post("/v1/magic_links/email/login_or_create", "{\"email\":" + q(email("ip")) + FROM_ONE_IP + "}"));
      }

      long wait = retryAfter(api.post("/v1/otps/email/login_or_create", "{\"email\":" + q(email("ip"))
          + FROM_ONE_IP + "}"));
      assertThat(wait).isBetween(1L, 60L);
      // The backend's other end users are not held to that one's budget, nor are requests that name no end user.
      ok(api.post("/v1/otps/email/login_or_create", "{\"email\":" + q(email("ip"))
          + ",\"attributes\":{\"ip_address\":\"2001:DB8::7\",\"user_agent\":\"Mozilla/5.0\"}}"));
      for (int i = 0; i < 6; i++) {
        ok(api.post("/v1/otps/email/login_or_create", "{\"email\":" + q(email("ip")) + "}"));
      }

      clock.advance(Duration.ofSeconds(wait));
      ok(api.post("/v1/otps/email/login_or_create", "{\"email\":" + q(email("ip")) + FROM_ONE_IP + "}"));
    }
  }

  @Test
  void mailsRequestedFromOneDeviceTripTheLimit() {
    MutableClock clock = clockAtWindowStart(Duration.ofMinutes(1));
    try (TestServer server = serverWith(clock, "LATCHKEY_LIMIT_IP_SENDS", "3", "LATCHKEY_LIMIT_IP_WINDOW", "1m")) {
      // On /sdk/v1 the caller is the end user's device: its own address is counted.
      ApiClient device = new ApiClient(server.baseUrl(), server.publicToken, server.publicToken);
      for (int i = 0; i < 3; i++) {
        ok(device.post("/sdk/v1/otps/email/login_or_create", "{\"email\":" + q(email("device")) + "}"));
      }

      long wait = retryAfter(device.post("/sdk/v1/magic_links/email/login_or_create", "{\"email\":"
          + q(email("device")) + "}"));

      clock.advance(Duration.ofSeconds(wait));
      ok(device.post("/sdk/v1/otps/email/login_or_create", "{\"email\":" + q(email("device")) + "}"));
    }
  }

  @Test
  void aForwardedIpAddressThatIsNoAddressIsRefusedNamingTheField() {
    try (TestServer server = serverWith(new MutableClock())) {
      for (String bad : new String[] {"\"localhost\"", "\"203.0.113.7, 10.0.0.1\"",
          "\"" + "ffff:".repeat(10) + "1\"", "7"}) {
        Reply r = server.api().post("/v1/otps/email/login_or_create", "{\"email\":" + q(email("bad-ip"))
            + ",\"attributes\":{\"ip_address\":" + bad + "}}");
        error(r, 400, "invalid_field_type");
        assertThat(r.text("error_message")).as(bad).contains("attributes.ip_address");
      }
    }
  }

  @Test
  void wrongPasswordsLockTheEmailOutUntilTheLockoutEndsWhileRightOnesAreNotCounted() {
    MutableClock clock = clockAtWindowStart(Duration.ofHours(1));
    try (TestServer server = serverWith(clock, "LATCHKEY_LOCKOUT_THRESHOLD", "3", "LATCHKEY_LOCKOUT_DURATION",
        "1h")) {
      ApiClient api = server.api();
      String email = email("locked");
      ok(api.post("/v1/passwords", "{\"email\":" + q(email) + ",\"password\":" + q(PASSWORD) + "}"));
      String right = "{\"email\":" + q(email) + ",\"password\":" + q(PASSWORD) + "}";
      String wrong = "{\"email\":" + q(email) + ",\"password\":\"not the password at all\"}";
      for (int i = 0; i < 5; i++) {
        ok(api.post("/v1/passwords/authenticate", right));
      }
      for (int i = 0; i < 3; i++) {
        error(api.post("/v1/passwords/authenticate", wrong), 401, "unauthorized_credentials");
      }

      long wait = retryAfter(api.post("/v1/passwords/authenticate", right));
      assertThat(wait).isBetween(1L, 3600L);
      String unknown = "{\"email\":" + q(email("nobody")) + ",\"password\":\"whatever it is\"}";
      error(api.post("/v1/passwords/authenticate", unknown), 401, "unauthorized_credentials");

      clock.advance(Duration.ofSeconds(wait));
      ok(api.post("/v1/passwords/authenticate", right));
    }
  }

  @Test
  void failuresForOneForwardedIpAcrossFactorsTripTheIpLimit() {
    MutableClock clock = clockAtWindowStart(Duration.ofMinutes(15));
    try (TestServer server = serverWith(clock, "LATCHKEY_LIMIT_IP_FAILURES", "3", "LATCHKEY_LIMIT_FAILURE_WINDOW",
        "15m")) {
      ApiClient api = server.api();
      error(api.post("/v1/magic_links/authenticate", "{\"token\":\"forged\"" + FROM_ONE_IP + "}"), 404,
          "magic_link_not_found");
      error(api.post("/v1/otps/authenticate", "{\"method_id\":\"email-test-x\",\"code\":\"123456\"" + FROM_ONE_IP
          + "}"), 404, "otp_code_not_found");
      error(api.post("/v1/passwords/email/reset", "{\"token\":\"forged\",\"password\":" + q(PASSWORD)
          + FROM_ONE_IP + "}"), 401, "unable_to_auth_password_reset_token");

      long wait = retryAfter(api.post("/v1/magic_links/authenticate", "{\"token\":\"forged\"" + FROM_ONE_IP
          + "}"));
      retryAfter(api.post("/v1/passwords/email/reset", "{\"token\":\"forged again\",\"password\":"
          + q(PASSWORD) + FROM_ONE_IP + "}"));
      // The same backend, for a request that names no end user: not that IP's failures.
      error(api.post("/v1/magic_links/authenticate", "{\"token\":\"forged\"}"), 404, "magic_link_not_found");

      clock.advance(Duration.ofSeconds(wait));
      error(api.post("/v1/magic_links/authenticate", "{\"token\":\"forged\"" + FROM_ONE_IP + "}"), 404,
          "magic_link_not_found");
    }
  }

  @Test
  void forgedOAuthTokensFromOneDeviceCountTowardsThatDevicesFailureLimit() {
    MutableClock clock = clockAtWindowStart(Duration.ofMinutes(15));
    try (TestServer server = serverWith(clock, "LATCHKEY_LIMIT_IP_FAILURES", "3", "LATCHKEY_LIMIT_FAILURE_WINDOW",
        "15m")) {
      ApiClient device = new ApiClient(server.baseUrl(), server.publicToken, server.publicToken);
      String forged = "{\"token\":\"forged\",\"session_duration_minutes\":60}";
      for (int i = 0; i < 3; i++) {
        error(device.post("/sdk/v1/oauth/authenticate", forged), 404, "oauth_token_not_found");
      }

      long wait = retryAfter(device.post("/sdk/v1/oauth/authenticate", forged));
      // One limit per device across methods: guessing cannot move to another sign-in method.
      retryAfter(device.post("/sdk/v1/magic_links/authenticate", forged));
      // The app's backend names no end user on /v1/oauth/authenticate: its failures are not that device's.
      error(server.api().post("/v1/oauth/authenticate", "{\"token\":\"forged\"}"), 404, "oauth_token_not_found");

      clock.advance(Duration.ofSeconds(wait));
      error(device.post("/sdk/v1/oauth/authenticate", forged), 404, "oauth_token_not_found");
    }
  }

  @Test
  void wrongCodesAcrossFreshCodesLockTheMethodOut() {
    MutableClock clock = clockAtWindowStart(Duration.ofHours(1));
    try (TestServer server = serverWith(clock, "LATCHKEY_LOCKOUT_THRESHOLD", "6", "LATCHKEY_DEV_OUTBOX", "true")) {
      ApiClient api = server.api();
      String email = email("codes");
      String methodId = ok(api.post("/v1/otps/email/login_or_create", "{\"email\":" + q(email) + "}"))
          .path("email_id").asText();
      for (int i = 0; i < EmailOtpService.MAX_ATTEMPTS; i++) {
        error(api.post("/v1/otps/authenticate", "{\"method_id\":" + q(methodId) + ",\"code\":"
            + q(wrongCode(api, email, i)) + "}"), 401, "unable_to_auth_otp_code");
      }
      ok(api.post("/v1/otps/email/send", "{\"email\":" + q(email) + "}"));
      error(api.post("/v1/otps/authenticate", "{\"method_id\":" + q(methodId) + ",\"code\":"
          + q(wrongCode(api, email, 0)) + "}"), 401, "unable_to_auth_otp_code");

      long wait = retryAfter(api.post("/v1/otps/authenticate", "{\"method_id\":" + q(methodId) + ",\"code\":"
          + q(rightCode(api, email)) + "}"));

      clock.advance(Duration.ofSeconds(wait));
      ok(api.post("/v1/otps/email/send", "{\"email\":" + q(email) + "}"));
      ok(api.post("/v1/otps/authenticate", "{\"method_id\":" + q(methodId) + ",\"code\":"
          + q(rightCode(api, email)) + "}"));
    }
  }

  /** The code of the newest mail to {@code email}, read from the dev outbox. */
  private static String rightCode(ApiClient api, String email) {
    return ok(api.get("/v1/dev/outbox?email=" + email)).path("messages").get(0).path("code").asText();
  }

  /** A six-digit code that is surely not the live one. */
  private static String wrongCode(ApiClient api, String email, int i) {
    int right = Integer.parseInt(rightCode(api, email));
    return String.format("%06d", (right + 1 + i) % 1_000_000);
  }
}
