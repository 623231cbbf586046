package dev.latchkey.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.PrometheusText;
import dev.latchkey.server.testing.PrometheusText.Family;
import dev.latchkey.server.testing.PrometheusText.Sample;
import dev.latchkey.server.testing.TestServer;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /metrics} on a real server, scraped with its token and read by Prometheus' own parser: requests by
 * route template and status with a latency histogram, sessions, JWTs, mails, the database pool and the JVM. Only
 * the token opens it; without the setting the route does not exist.
 */
class MetricsTest {
  private static final String TOKEN = "metrics-token-" + UUID.randomUUID();
  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of("LATCHKEY_METRICS_TOKEN", TOKEN), Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static Map<String, Family> scrape() {
    ApiClient.Reply r = server.anonymous().send("GET", "/metrics", null, Map.of("Authorization", "Bearer " + TOKEN));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Content-Type")).startsWith("text/plain; version=0.0.4");
    return PrometheusText.parse(r.text());
  }

  private static double value(Map<String, Family> families, String family, String sample, Map<String, String> labels) {
    assertThat(families).as("metric families").containsKey(family);
    return families.get(family).samples().stream()
        .filter(s -> s.name().equals(sample) && s.labels().entrySet().containsAll(labels.entrySet()))
        .mapToDouble(Sample::value).sum();
  }

  @Test
  void requestsAreCountedAndTimedByRouteTemplateAndStatus() {
    String email = "metrics-" + UUID.randomUUID() + "@example.com";
    ApiClient.Reply signUp = server.api().post("/v1/passwords", "{\"email\":\"" + email
        + "\",\"password\":\"correct horse battery staple\",\"session_duration_minutes\":60}");
    assertThat(signUp.status()).isEqualTo(200);
    String userId = signUp.text("user_id");
    assertThat(server.api().get("/v1/users/" + userId).status()).isEqualTo(200);
    assertThat(server.api().get("/v1/users/user-test-" + UUID.randomUUID()).status()).isEqualTo(404);

    Map<String, Family> m = scrape();

    assertThat(m.get("http_server_requests_seconds").type()).isEqualTo("histogram");
    assertThat(value(m, "http_server_requests_seconds", "http_server_requests_seconds_count",
        Map.of("method", "POST", "route", "/v1/passwords", "status", "200"))).isGreaterThanOrEqualTo(1);
    assertThat(value(m, "http_server_requests_seconds", "http_server_requests_seconds_count",
        Map.of("method", "GET", "route", "/v1/users/{user_id}", "status", "200"))).isGreaterThanOrEqualTo(1);
    assertThat(value(m, "http_server_requests_seconds", "http_server_requests_seconds_count",
        Map.of("method", "GET", "route", "/v1/users/{user_id}", "status", "404"))).isGreaterThanOrEqualTo(1);
    assertThat(m.get("http_server_requests_seconds").samples())
        .as("routes are templates: no user id in any label")
        .noneMatch(s -> s.labels().values().stream().anyMatch(v -> v.contains(userId)))
        .anyMatch(s -> s.name().equals("http_server_requests_seconds_bucket") && s.labels().containsKey("le"));
  }

  @Test
  void mailsTheDatabasePoolAndTheJvmAreThere() {
    String email = "metrics-mail-" + UUID.randomUUID() + "@example.com";
    double sentBefore = value(scrape(), "latchkey_mails_sent", "latchkey_mails_sent_total", Map.of());
    assertThat(server.api().post("/v1/magic_links/email/login_or_create", "{\"email\":\"" + email + "\"}").status())
        .isEqualTo(200);

    Map<String, Family> m = scrape();

    assertThat(value(m, "latchkey_mails_sent", "latchkey_mails_sent_total", Map.of())).isEqualTo(sentBefore + 1);
    assertThat(m.get("latchkey_db_pool_connections").samples()).extracting(s -> s.labels().get("state"))
        .contains("active", "idle", "waiting", "total");
    assertThat(value(m, "latchkey_db_pool_connections", "latchkey_db_pool_connections", Map.of("state", "total")))
        .isGreaterThanOrEqualTo(1);
    assertThat(m).containsKeys("jvm_memory_used_bytes", "jvm_threads_live_threads", "process_uptime_seconds",
        "latchkey_sessions_started", "latchkey_jwts_minted", "latchkey_password_hashes", "latchkey_mails_failed");
  }

  @Test
  void sessionsJwtsPasswordHashesAndLimitTripsAreCountedWhereTheyHappen() {
    // A server of its own: the other tests here sign in too, and these counts are exact.
    try (TestServer own = TestServer.start(Map.of("LATCHKEY_METRICS_TOKEN", TOKEN, "LATCHKEY_LOCKOUT_THRESHOLD", "1"),
        Clock.systemUTC())) {
      String email = "metrics-counted@example.com";
      ApiClient.Reply signUp = own.api().post("/v1/passwords", "{\"email\":\"" + email
          + "\",\"password\":\"correct horse battery staple\",\"session_duration_minutes\":60}");
      assertThat(signUp.status()).isEqualTo(200);
      String token = signUp.text("session_token");
      Map<String, Family> before = scrapeOf(own);

      // Two checks: the first reuses the JWT minted at sign-up, and so does the second.
      for (int i = 0; i < 2; i++) {
        assertThat(own.api().post("/v1/sessions/authenticate", "{\"session_token\":\"" + token + "\"}").status())
            .isEqualTo(200);
      }
      assertThat(own.api().post("/v1/passwords/authenticate", "{\"email\":\"" + email
          + "\",\"password\":\"not the password at all\"}").status()).isEqualTo(401);
      assertThat(own.api().post("/v1/passwords/authenticate", "{\"email\":\"" + email
          + "\",\"password\":\"not the password either\"}").status()).isEqualTo(429);
      assertThat(own.api().post("/v1/sessions/revoke", "{\"session_token\":\"" + token + "\"}").status())
          .isEqualTo(200);
      Map<String, Family> after = scrapeOf(own);

      assertThat(value(before, "latchkey_sessions_started", "latchkey_sessions_started_total", Map.of())).isEqualTo(1);
      assertThat(value(before, "latchkey_jwts_minted", "latchkey_jwts_minted_total", Map.of())).isEqualTo(1);
      assertThat(delta(before, after, "latchkey_sessions_authenticated")).isEqualTo(2);
      assertThat(delta(before, after, "latchkey_jwts_reused")).isEqualTo(2);
      assertThat(delta(before, after, "latchkey_jwts_minted")).isZero();
      assertThat(delta(before, after, "latchkey_sessions_revoked")).isEqualTo(1);
      // One wrong password checked (Argon2id); the second was refused by the lockout before any hash.
      assertThat(delta(before, after, "latchkey_password_hashes")).isEqualTo(1);
      assertThat(value(after, "latchkey_rate_limit_trips", "latchkey_rate_limit_trips_total",
          Map.of("limit", "lockout"))).isEqualTo(1);
    }
  }

  private static Map<String, Family> scrapeOf(TestServer s) {
    ApiClient.Reply r = s.anonymous().send("GET", "/metrics", null, Map.of("Authorization", "Bearer " + TOKEN));
    assertThat(r.status()).isEqualTo(200);
    return PrometheusText.parse(r.text());
  }

  private static double delta(Map<String, Family> before, Map<String, Family> after, String family) {
    return value(after, family, family + "_total", Map.of()) - value(before, family, family + "_total", Map.of());
  }

  @Test
  void onlyTheTokenOpensTheMetrics() {
    ApiClient.Reply none = server.anonymous().get("/metrics");
    ApiClient.Reply wrong = server.anonymous().send("GET", "/metrics", null,
        Map.of("Authorization", "Bearer " + TOKEN + "x"));
    ApiClient.Reply projectSecret = server.api().get("/metrics");

    for (ApiClient.Reply r : new ApiClient.Reply[] {none, wrong, projectSecret}) {
      assertThat(r.status()).isEqualTo(401);
      assertThat(r.text("error_type")).isEqualTo("unauthorized_credentials");
      assertThat(r.text()).doesNotContain("jvm_");
    }
  }

  @Test
  void withoutTheSettingThereIsNoMetricsRoute() {
    try (TestServer plain = TestServer.start()) {
      ApiClient.Reply r = plain.anonymous().send("GET", "/metrics", null, Map.of("Authorization", "Bearer " + TOKEN));

      assertThat(r.status()).isEqualTo(404);
      assertThat(r.text("error_type")).isEqualTo("route_not_found");
    }
  }
}
