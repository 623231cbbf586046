package dev.latchkey.server.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.stytch.java.common.ErrorResponse;
import com.stytch.java.common.OptionalClientConfig;
import com.stytch.java.common.StytchException;
import com.stytch.java.common.StytchResult;
import com.stytch.java.consumer.StytchClient;
import com.stytch.java.consumer.models.sessions.AuthenticationFactorType;
import com.stytch.java.consumer.models.sessions.MigrateRequest;
import com.stytch.java.consumer.models.sessions.MigrateResponse;
import dev.latchkey.server.testing.MutableClock;
import dev.latchkey.server.testing.TestServer;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The official Stytch Java SDK's {@code sessions.migrate} against a real server whose migration provider is a real
 * OpenID provider on loopback ({@code mock-oauth2-server}): the reply deserializes into the SDK's
 * {@code MigrateResponse}, and a refused token into its error type.
 */
class StytchJavaSdkSessionsMigrateCompatTest {
  /** Generous: a call is a few milliseconds; this bound only stops a broken server from hanging the build. */
  private static final long CALL_TIMEOUT_SECONDS = 30;
  private static final String ISSUER_ID = "legacy";

  private static MockOAuth2Server provider;
  private static TestServer server;
  private static StytchClient stytch;

  @BeforeAll
  static void start() {
    provider = new MockOAuth2Server();
    provider.start();
    server = TestServer.start(Map.of("LATCHKEY_SESSION_MIGRATE_ISSUER", provider.issuerUrl(ISSUER_ID).toString()),
        new MutableClock());
    stytch = new StytchClient(server.projectId, server.secret, new OptionalClientConfig(server.baseUrl()));
  }

  @AfterAll
  static void stop() {
    stytch.close();
    server.close();
    provider.shutdown();
  }

  @Test
  void sessionsMigrateDeserializesIntoTheSdkModelsAndARefusedTokenIntoItsError() throws Exception {
    String email = "sdk-migrate-" + UUID.randomUUID() + "@example.com";
    String accessToken = provider.issueToken(ISSUER_ID, "legacy-user-1", "legacy-app",
        Map.of("email", email, "email_verified", true), 3600).serialize();

    MigrateResponse migrated = success(stytch.getSessions().migrateCompletable(
        new MigrateRequest(accessToken, 60, Map.of("plan", "pro"))));

    assertThat(migrated.getStatusCode()).isEqualTo(200);
    assertThat(migrated.getUserId()).startsWith("user-test-");
    assertThat(migrated.getUser().getEmails().get(0).getEmail()).isEqualTo(email);
    assertThat(migrated.getSessionToken()).hasSize(44);
    assertThat(migrated.getSessionJWT()).startsWith("eyJ");
    assertThat(migrated.getSession().getCustomClaims()).containsEntry("plan", "pro");
    assertThat(migrated.getSession().getAuthenticationFactors()).singleElement()
        .satisfies(f -> assertThat(f.getType()).isEqualTo(AuthenticationFactorType.IMPORTED));

    StytchResult<MigrateResponse> refused = stytch.getSessions().migrateCompletable(
        new MigrateRequest("not-a-token-the-provider-issued", 60)).get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    assertThat(refused).isInstanceOf(StytchResult.Error.class);
    StytchException e = ((StytchResult.Error) refused).getException();
    assertThat(e).isInstanceOf(StytchException.Response.class);
    ErrorResponse reason = ((StytchException.Response) e).getReason();
    assertThat(reason.getStatusCode()).isEqualTo(401);
    assertThat(reason.getErrorType()).isEqualTo("invalid_migrate_session_token");
  }

  private static <T> T success(CompletableFuture<StytchResult<T>> call) throws Exception {
    StytchResult<T> result = call.get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    if (result instanceof StytchResult.Error e) {
      throw new AssertionError("expected success, got " + e.getException(), e.getException());
    }
    return ((StytchResult.Success<T>) result).getValue();
  }
}
