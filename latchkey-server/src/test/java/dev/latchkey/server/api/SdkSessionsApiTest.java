package dev.latchkey.server.api;

import static dev.latchkey.server.api.Wire.assertError;
import static dev.latchkey.server.api.Wire.authenticateToken;
import static dev.latchkey.server.api.Wire.body;
import static dev.latchkey.server.api.Wire.signUp;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.ApiClient.Reply;
import dev.latchkey.server.testing.MutableClock;
import dev.latchkey.server.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code /sdk/v1}: the frontend SDK's session, user, bootstrap and telemetry calls, authenticated by HTTP Basic
 * {@code public_token:session_token}, over a real server. Which error type each credential problem gets matters:
 * the official clients sign out on exactly four of them.
 */
class SdkSessionsApiTest {
  private MutableClock clock;
  private TestServer server;
  private ApiClient backend;

  @BeforeEach
  void startServer() {
    clock = new MutableClock();
    server = TestServer.start(Map.of("LATCHKEY_PURGE_INTERVAL", "1d"), clock);
    backend = server.api();
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  /** A client as the SDK is: public token as the Basic user, {@code password} (a session token) as the password. */
  private ApiClient sdk(String password) {
    return new ApiClient(server.baseUrl(), server.publicToken, password);
  }

  private Reply withAuthorization(String method, String path, String authorization) {
    return server.anonymous().send(method, path, method.equals("GET") ? null : "{}",
        Map.of("Authorization", authorization));
  }

  private static JsonNode data(Reply r) {
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.json().size()).as("only the data envelope at the top: %s", r.text()).isEqualTo(1);
    JsonNode data = r.json().path("data");
    assertThat(data.path("status_code").asInt()).isEqualTo(200);
    assertThat(data.path("request_id").asText()).startsWith("request-id-test-");
    return data;
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  @Nested
  class Authenticate {
    @Test
    void aLiveSessionTokenGetsBothTokensTheSessionAndTheUserInsideData() {
      Reply signup = signUp(backend, 60);
      String token = signup.text("session_token");

      JsonNode d = data(sdk(token).post("/sdk/v1/sessions/authenticate", "{}"));

      assertThat(d.path("session_token").asText()).isEqualTo(token);
      assertThat(d.path("session_jwt").asText()).matches("eyJ[^.]+\\.[^.]+\\.[^.]+");
      assertThat(d.path("user_id").asText()).isEqualTo(signup.text("user_id"));
      assertThat(d.path("session").path("session_id").asText())
          .isEqualTo(signup.json().path("session").path("session_id").asText());
      assertThat(d.path("user").path("user_id").asText()).isEqualTo(signup.text("user_id"));
      assertThat(d.path("session").path("expires_at").asText())
          .isEqualTo(signup.json().path("session").path("expires_at").asText());
    }

    @Test
    void aDurationSetsTheExpiryToNowPlusThatManyMinutes() {
      String token = signUp(backend, 60).text("session_token");
      clock.advance(Duration.ofMinutes(10));

      JsonNode d = data(sdk(token).post("/sdk/v1/sessions/authenticate", body("session_duration_minutes", 30)));

      assertThat(Instant.parse(d.path("session").path("expires_at").asText()))
          .isEqualTo(now().plus(Duration.ofMinutes(30)));
    }

    @Test
    void aDurationOutOfRangeIsAFlat400() {
      String token = signUp(backend, 60).text("session_token");

      Reply r = sdk(token).post("/sdk/v1/sessions/authenticate", body("session_duration_minutes", 4));

      assertError(r, 400, "invalid_session_duration_minutes");
      assertThat(r.json().has("data")).isFalse();
    }

    @Test
    void aSignedOutCallerIsUserUnauthenticated() {
      assertError(sdk(server.publicToken).post("/sdk/v1/sessions/authenticate", "{}"), 401, "user_unauthenticated");
      assertError(sdk("").post("/sdk/v1/sessions/authenticate", "{}"), 401, "user_unauthenticated");
    }

    @Test
    void noBasicCredentialsAreUnauthorizedCredentials() {
      assertError(server.anonymous().post("/sdk/v1/sessions/authenticate", "{}"), 401, "unauthorized_credentials");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Basic !!!not-base64!!!", "Basic bm8tY29sb24taGVyZQ==", "Bearer abc", "Basic"})
    void malformedBasicCredentialsAreUnauthorizedCredentials(String authorization) {
      assertError(withAuthorization("POST", "/sdk/v1/sessions/authenticate", authorization), 401,
          "unauthorized_credentials");
    }

    @Test
    void anUnknownPublicTokenIsPublicTokenNotFoundWhichDoesNotSignAnyoneOut() {
      String token = signUp(backend, 60).text("session_token");

      Reply r = server.anonymous().send("POST", "/sdk/v1/sessions/authenticate", "{}",
          Map.of("Authorization", ApiClient.basic("public-token-test-00000000-0000-4000-8000-000000000000", token)));

      assertError(r, 404, "public_token_not_found");
      assertThat(authenticateToken(backend, token).status()).as("the session is untouched").isEqualTo(200);
    }

    @Test
    void aPasswordThatIsNoSessionTokenIsInvalidSecretAuthentication() {
      String jwt = signUp(backend, 60).text("session_jwt");

      assertError(sdk(jwt).post("/sdk/v1/sessions/authenticate", "{}"), 401, "invalid_secret_authentication");
      assertError(sdk("short").post("/sdk/v1/sessions/authenticate", "{}"), 401, "invalid_secret_authentication");
    }

    @Test
    void anUnknownSessionTokenIsSessionNotFound() {
      assertError(sdk("x".repeat(44)).post("/sdk/v1/sessions/authenticate", "{}"), 404, "session_not_found");
    }

    @Test
    void aSessionRevokedByTheBackendIsSessionNotFound() {
      String token = signUp(backend, 60).text("session_token");
      assertThat(backend.post("/v1/sessions/revoke", body("session_token", token)).status()).isEqualTo(200);

      assertError(sdk(token).post("/sdk/v1/sessions/authenticate", "{}"), 404, "session_not_found");
    }

    @Test
    void anExpiredSessionIsSessionNotFound() {
      String token = signUp(backend, 5).text("session_token");
      clock.advance(Duration.ofMinutes(6));

      assertError(sdk(token).post("/sdk/v1/sessions/authenticate", "{}"), 404, "session_not_found");
    }

    @Test
    void aSessionWhoseUserWasDeletedIsSessionNotFound() {
      Reply signup = signUp(backend, 60);
      assertThat(backend.delete("/v1/users/" + signup.text("user_id")).status()).isEqualTo(200);

      assertError(sdk(signup.text("session_token")).post("/sdk/v1/sessions/authenticate", "{}"), 404,
          "session_not_found");
    }
  }

  @Nested
  class PassingFaults {
    /**
     * A database that does not answer (here: another process holds SQLite's write lock) is a 503 of a type that
     * does not sign the device out, and the session works again once the database does.
     */
    @Test
    void aDatabaseThatDoesNotAnswerIsA503ThatDoesNotSignOut() throws Exception {
      server.close();
      // A locked SQLite file still answers reads (WAL); writing last_accessed_at on every call makes the authenticate
      // below wait for the lock, as it would for a database that does not answer.
      server = TestServer.start(Map.of("LATCHKEY_PURGE_INTERVAL", "1d", "LATCHKEY_DATABASE_TIMEOUT", "1s",
          "LATCHKEY_LAST_ACCESSED_WRITE_INTERVAL", "0s"), clock);
      backend = server.api();
      String token = signUp(backend, 60).text("session_token");

      try (java.sql.Connection lock = java.sql.DriverManager.getConnection(
          "jdbc:sqlite:" + server.dataDir().resolve("latchkey.db"));
          java.sql.Statement st = lock.createStatement()) {
        st.execute("BEGIN EXCLUSIVE");
        Reply r = sdk(token).post("/sdk/v1/sessions/authenticate", "{}");
        assertError(r, 503, "database_unavailable");
        st.execute("ROLLBACK");
      }

      data(sdk(token).post("/sdk/v1/sessions/authenticate", "{}"));
    }
  }

  @Nested
  class Revoke {
    @Test
    void revokingEndsTheSessionOnTheServer() {
      String token = signUp(backend, 60).text("session_token");

      JsonNode d = data(sdk(token).post("/sdk/v1/sessions/revoke", null));

      assertThat(d.size()).as("only status_code and request_id: %s", d).isEqualTo(2);
      assertError(authenticateToken(backend, token), 404, "session_not_found");
      assertError(sdk(token).post("/sdk/v1/sessions/revoke", null), 404, "session_not_found");
    }

    @Test
    void aSignedOutCallerCannotRevoke() {
      assertError(sdk(server.publicToken).post("/sdk/v1/sessions/revoke", null), 401, "user_unauthenticated");
    }
  }

  @Nested
  class Me {
    @Test
    void theSignedInUserComesBackFlatInsideData() {
      Reply signup = signUp(backend, 60);

      JsonNode d = data(sdk(signup.text("session_token")).get("/sdk/v1/users/me"));

      assertThat(d.path("user_id").asText()).isEqualTo(signup.text("user_id"));
      assertThat(d.path("emails").get(0).path("email").asText())
          .isEqualTo(signup.json().path("user").path("emails").get(0).path("email").asText());
      assertThat(d.path("status").asText()).isEqualTo("active");
      assertThat(d.has("user")).isFalse();
    }

    @Test
    void aSignedOutCallerIsUserUnauthenticated() {
      assertError(sdk(server.publicToken).get("/sdk/v1/users/me"), 401, "user_unauthenticated");
    }
  }

  @Nested
  class Bootstrap {
    @Test
    void theProjectsPublicTokenGetsTheSettingsTheBrowserSdkReads() {
      JsonNode d = data(server.anonymous().get("/sdk/v1/projects/bootstrap/" + server.publicToken));

      assertThat(d.path("vertical").asText()).isEqualTo("CONSUMER");
      assertThat(d.path("captcha_settings").path("enabled").isBoolean()).isTrue();
      assertThat(d.path("captcha_settings").path("enabled").asBoolean()).isFalse();
      assertThat(d.has("password_config")).isTrue();
      assertThat(d.path("password_config").isNull()).isTrue();
      assertThat(d.path("pkce_required_for_email_magic_links").asBoolean()).isFalse();
      assertThat(d.path("rbac_policy").path("roles").get(0).path("role_id").asText()).isEqualTo("stytch_user");
      assertThat(d.path("rbac_policy").path("roles").get(0).path("permissions").isArray()).isTrue();
      assertThat(d.path("rbac_policy").path("resources").isArray()).isTrue();
    }

    @Test
    void anotherPublicTokenIsPublicTokenNotFound() {
      assertError(server.anonymous().get("/sdk/v1/projects/bootstrap/public-token-test-"
          + "00000000-0000-4000-8000-000000000000"), 404, "public_token_not_found");
    }
  }

  @Nested
  class Events {
    @Test
    void anyBodyIsAcceptedAndIgnored() {
      data(sdk(server.publicToken).post("/sdk/v1/events", "this is not JSON"));
      data(sdk(server.publicToken).post("/sdk/v1/events", "[{\"event_name\":\"x\"}]"));
    }

    @Test
    void aBodyOverTheLimitIs413() {
      Reply r = sdk(server.publicToken).postBytes("/sdk/v1/events", new byte[1024 * 1024 + 1]);
      assertError(r, 413, "request_too_large");
    }

    @Test
    void noCredentialsAreNeededBecauseTheBrowserSdkSendsNone() {
      data(server.anonymous().post("/sdk/v1/events", "[{\"telemetry\":{},\"event\":{\"event_name\":\"x\"}}]"));
    }
  }
}
