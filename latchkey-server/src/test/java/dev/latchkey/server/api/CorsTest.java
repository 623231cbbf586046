package dev.latchkey.server.api;

import static dev.latchkey.server.api.Wire.assertError;
import static dev.latchkey.server.api.Wire.signUp;
import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.ApiClient.Reply;
import dev.latchkey.server.testing.TestServer;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** CORS with credentials on {@code /sdk/v1} for the origins in {@code LATCHKEY_CORS_ORIGINS}, and for no others. */
class CorsTest {
  private static final String APP = "https://app.example.com";
  private static final String DEV = "http://localhost:3000";
  private static final String EVIL = "https://evil.example.net";
  private static TestServer server;

  @BeforeAll
  static void startServer() {
    server = TestServer.start(Map.of("LATCHKEY_CORS_ORIGINS", APP + "," + DEV), Clock.systemUTC());
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  private static Reply authenticate(String origin, String sessionToken) {
    return server.anonymous().send("POST", "/sdk/v1/sessions/authenticate", "{}", Map.of(
        "Origin", origin, "Authorization", ApiClient.basic(server.publicToken, sessionToken)));
  }

  private static Reply preflight(String origin, String path) {
    return server.anonymous().send("OPTIONS", path, null, Map.of("Origin", origin,
        "Access-Control-Request-Method", "POST",
        "Access-Control-Request-Headers", "authorization,content-type,x-sdk-client,x-sdk-parent-host"));
  }

  @Nested
  class AllowedOrigin {
    @Test
    void aCallGetsItsOriginEchoedWithCredentialsAllowed() {
      Reply r = authenticate(DEV, signUp(server.api(), 60).text("session_token"));

      assertThat(r.status()).as(r.text()).isEqualTo(200);
      assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo(DEV);
      assertThat(r.header("Access-Control-Allow-Credentials")).isEqualTo("true");
      assertThat(r.header("Vary")).contains("Origin");
    }

    @Test
    void anErrorReplyIsReadableTooSoTheSdkSeesTheErrorType() {
      Reply r = authenticate(APP, "x".repeat(44));

      assertError(r, 404, "session_not_found");
      assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo(APP);
      assertThat(r.header("Access-Control-Allow-Credentials")).isEqualTo("true");
    }

    @Test
    void aPreflightIsAnsweredWithTheMethodsAndHeadersTheSdksUse() {
      Reply r = preflight(APP, "/sdk/v1/sessions/authenticate");

      assertThat(r.status()).as(r.text()).isEqualTo(204);
      assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo(APP);
      assertThat(r.header("Access-Control-Allow-Credentials")).isEqualTo("true");
      assertThat(r.header("Access-Control-Allow-Methods")).contains("GET", "POST", "PUT", "DELETE");
      assertThat(r.header("Access-Control-Allow-Headers"))
          .contains("Authorization", "Content-Type", "X-SDK-Client", "X-SDK-Parent-Host");
      assertThat(r.header("Access-Control-Max-Age")).isEqualTo("600");
    }

    @Test
    void aPreflightForAPathWithOnlyGetIsAnsweredToo() {
      assertThat(preflight(APP, "/sdk/v1/users/me").status()).isEqualTo(204);
    }

    @Test
    void theBackendApiIsNotOpenedToBrowsers() {
      Reply r = server.api().send("GET", "/v1/sessions?user_id=user-test-00000000-0000-4000-8000-000000000000",
          null, Map.of("Origin", APP));

      assertThat(r.header("Access-Control-Allow-Origin")).isNull();
      Reply pre = preflight(APP, "/v1/sessions/authenticate");
      assertThat(pre.status()).isNotEqualTo(204);
      assertThat(pre.header("Access-Control-Allow-Origin")).isNull();
    }
  }

  @Nested
  class OtherOrigin {
    @Test
    void aCallGetsNoCorsHeadersSoItsBrowserHidesTheReply() {
      Reply r = authenticate(EVIL, "x".repeat(44));

      assertThat(r.header("Access-Control-Allow-Origin")).isNull();
      assertThat(r.header("Access-Control-Allow-Credentials")).isNull();
    }

    @Test
    void aPreflightIsRefusedWithoutCorsHeaders() {
      Reply r = preflight(EVIL, "/sdk/v1/sessions/authenticate");

      assertError(r, 403, "origin_not_allowed");
      assertThat(r.header("Access-Control-Allow-Origin")).isNull();
    }

    @Test
    void anOriginDifferingOnlyInPortOrSchemeIsAnotherOrigin() {
      assertThat(preflight("http://localhost:3001", "/sdk/v1/sessions/authenticate").status()).isEqualTo(403);
      assertThat(preflight("http://app.example.com", "/sdk/v1/sessions/authenticate").status()).isEqualTo(403);
    }
  }

  @Test
  void withNoOriginsConfiguredNoCorsHeadersAreSentAtAll() {
    try (TestServer plain = TestServer.start()) {
      Reply r = plain.anonymous().send("GET", "/sdk/v1/projects/bootstrap/" + plain.publicToken, null,
          Map.of("Origin", APP));
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.header("Access-Control-Allow-Origin")).isNull();
      assertThat(r.header("Vary")).isNull();
      Reply pre = plain.anonymous().send("OPTIONS", "/sdk/v1/sessions/authenticate", null,
          Map.of("Origin", APP, "Access-Control-Request-Method", "POST"));
      assertThat(pre.header("Access-Control-Allow-Origin")).isNull();
      assertThat(pre.status()).isGreaterThanOrEqualTo(400);
    }
  }
}
