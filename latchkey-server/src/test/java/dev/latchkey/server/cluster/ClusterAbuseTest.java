package dev.latchkey.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.ApiClient.Reply;
import dev.latchkey.server.testing.TotpCodes;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guessing spread over three nodes on one PostgreSQL gets no more tries than guessing at one: the counters live in
 * the database, so a lockout reached through node 0 and 1 is enforced by node 2. The windows are a day long
 * (epoch-aligned, UTC midnight) so the real clock does not cross one during the test.
 *
 * <p>All requests here come from one address (loopback). The per-IP limit counts the end user's IP: the device's on
 * {@code /sdk/v1}, and on {@code /v1} only an IP the backend forwards, which these backend calls do not. So the
 * backend's failures in the first tests are not the device's, and the device trips the IP limit last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterAbuseTest {
  private static final int LOCKOUT = 3;
  private static final int IP_FAILURES = 12;
  private static final int TOTP_ATTEMPTS = 3;
  private static final String PASSWORD = "correct horse battery staple";
  private static final String PUBLIC_TOKEN = "public-token-test-" + UUID.randomUUID();

  @TempDir
  static Path tmp;

  private static Cluster cluster;

  @BeforeAll
  static void startThreeNodes() {
    cluster = Cluster.start(tmp, 3, Map.of("LATCHKEY_LOCKOUT_THRESHOLD", Integer.toString(LOCKOUT),
        "LATCHKEY_LOCKOUT_DURATION", "1d", "LATCHKEY_LIMIT_IP_FAILURES", Integer.toString(IP_FAILURES),
        "LATCHKEY_LIMIT_FAILURE_WINDOW", "1d", "LATCHKEY_TOTP_MAX_FAILED_ATTEMPTS", Integer.toString(TOTP_ATTEMPTS),
        "LATCHKEY_PUBLIC_TOKEN", PUBLIC_TOKEN));
  }

  @AfterAll
  static void stopNodes() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static String email() {
    return "abuse-" + UUID.randomUUID() + "@example.com";
  }

  private static Reply signIn(ApiClient node, String email, String password) {
    return node.post("/v1/passwords/authenticate", "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}");
  }

  /** A signed-out device signing in through the frontend API of {@code node}. */
  private static Reply deviceSignIn(int node, String email, String password) {
    ApiClient device = new ApiClient(cluster.nodes.get(node).url(), PUBLIC_TOKEN, PUBLIC_TOKEN);
    return device.post("/sdk/v1/passwords/authenticate", "{\"email\":\"" + email + "\",\"password\":\"" + password
        + "\",\"session_duration_minutes\":30}");
  }

  private static void assertTooMany(Reply r) {
    assertThat(r.status()).as(r.text()).isEqualTo(429);
    assertThat(r.text("error_type")).isEqualTo("too_many_requests");
    assertThat(Long.parseLong(r.header("Retry-After"))).isPositive();
  }

  @Test
  @Order(1)
  void wrongPasswordsSpreadOverTheNodesLockTheEmailOnEveryNode() {
    String email = email();
    Reply created = cluster.api(0).post("/v1/passwords", "{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD
        + "\"}");
    assertThat(created.status()).as(created.text()).isEqualTo(200);
    for (int i = 0; i < LOCKOUT; i++) {
      Reply r = signIn(cluster.api(i % 3), email, "wrong guess " + i);
      assertThat(r.status()).as(r.text()).isEqualTo(401);
    }

    for (ApiClient node : cluster.apis()) {
      assertTooMany(signIn(node, email, PASSWORD));
    }
  }

  @Test
  @Order(2)
  void wrongTotpCodesSpreadOverTheNodesLockTheRegistrationOnEveryNode() {
    String email = email();
    Reply created = cluster.api(0).post("/v1/passwords", "{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD
        + "\"}");
    String userId = created.text("user_id");
    Reply totp = cluster.api(1).post("/v1/totps", "{\"user_id\":\"" + userId + "\"}");
    assertThat(totp.status()).as(totp.text()).isEqualTo(200);
    String secret = totp.text("secret");
    for (int i = 0; i < TOTP_ATTEMPTS; i++) {
      Reply r = totpSignIn(cluster.api(i % 3), userId, TotpCodes.wrongAt(secret, Instant.now()));
      assertThat(r.status()).as(r.text()).isEqualTo(401);
    }

    for (ApiClient node : cluster.apis()) {
      assertTooMany(totpSignIn(node, userId, TotpCodes.at(secret, Instant.now())));
    }
  }

  @Test
  @Order(3)
  void failuresFromOneDeviceIpSpreadOverTheNodesAndManyEmailsTripTheIpLimitOnEveryNode() {
    int attempts = 0;
    Reply r = deviceSignIn(0, email(), "guess");
    while (r.status() == 401 && attempts < IP_FAILURES) {
      attempts++;
      r = deviceSignIn(attempts % 3, email(), "guess");
    }

    // The earlier tests' failures were the backend's, with no end-user IP: the device had the whole limit.
    assertThat(attempts).isEqualTo(IP_FAILURES);
    assertTooMany(r);
    for (int node = 0; node < 3; node++) {
      assertTooMany(deviceSignIn(node, email(), "guess"));
    }
    // The backend, at the same address, signs its other users in on every node.
    String email = email();
    Reply created = cluster.api(0).post("/v1/passwords", "{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD
        + "\"}");
    assertThat(created.status()).as(created.text()).isEqualTo(200);
    for (ApiClient node : cluster.apis()) {
      Reply signedIn = signIn(node, email, PASSWORD);
      assertThat(signedIn.status()).as(signedIn.text()).isEqualTo(200);
    }
  }

  private static Reply totpSignIn(ApiClient node, String userId, String code) {
    return node.post("/v1/totps/authenticate", "{\"user_id\":\"" + userId + "\",\"totp_code\":\"" + code + "\"}");
  }
}
