package dev.latchkey.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.latchkey.backend.LatchkeyBackend;
import dev.latchkey.backend.LatchkeyException;
import dev.latchkey.client.LatchkeyClient;
import dev.latchkey.client.RevokeOptions;
import dev.latchkey.client.SessionOptions;
import dev.latchkey.client.SessionTokens;
import dev.latchkey.client.Subscription;
import dev.latchkey.client.TotpRegistration;
import dev.latchkey.model.AuthenticationFactor;
import dev.latchkey.model.Session;
import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.TestServer;
import dev.latchkey.server.testing.TotpCodes;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Each example runs as an app would, against a real server. */
class ExamplesTest {
  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static LatchkeyClient client() {
    return LatchkeyClient.builder().baseUrl(URI.create(server.baseUrl())).publicToken(server.publicToken).build();
  }

  /** What a backend's login form does: sign the user in with the project secret and hand the tokens over. */
  private static SessionTokens backendLogin() {
    String email = UUID.randomUUID() + "@example.com";
    String body = "{\"email\":\"" + email + "\",\"password\":\"correct horse battery staple\","
        + "\"session_duration_minutes\":60}";
    ApiClient.Reply created = server.api().post("/v1/passwords", body);
    assertThat(created.status()).isEqualTo(200);
    JsonNode r = server.api().post("/v1/passwords/authenticate", body).json();
    return new SessionTokens(r.path("session_token").asText(), r.path("session_jwt").asText());
  }

  @Test
  void hydratingFromBackendIssuedTokensLoadsTheirSession() {
    SessionTokens tokens = backendLogin();
    try (LatchkeyClient client = client()) {
      Session session = HydrateFromBackend.adopt(client, tokens).join();

      assertThat(session.sessionId()).isNotBlank();
      assertThat(client.session().getSync().sessionId()).isEqualTo(session.sessionId());
      assertThat(client.session().getTokens().sessionToken()).isEqualTo(tokens.sessionToken());
    }
  }

  @Test
  void theMfaGateOpensOnlyAfterARealTotpStepUpOfThePasswordSession() throws Exception {
    try (LatchkeyClient client = client()) {
      BlockingQueue<MfaGate.View> rendered = new LinkedBlockingQueue<>();
      try (MfaGate gate = new MfaGate(client, rendered::add)) {
        assertThat(rendered.poll()).isEqualTo(MfaGate.View.SIGN_IN);

        String sessionId = client.passwords().create(UUID.randomUUID() + "@example.com",
            "correct horse battery staple", 60).join().session().sessionId();
        assertThat(rendered.poll(20, TimeUnit.SECONDS)).isEqualTo(MfaGate.View.SECOND_FACTOR_REQUIRED);

        TotpRegistration reg = gate.enrolAuthenticator().join();
        // A wrong code is refused by the server and the gate stays shut.
        assertThat(gate.submitTotpCode(TotpCodes.wrongAt(reg.secret(), Instant.now()))).failsWithin(
            Duration.ofSeconds(20));
        assertThat(gate.view()).isEqualTo(MfaGate.View.SECOND_FACTOR_REQUIRED);

        gate.submitTotpCode(TotpCodes.at(reg.secret(), Instant.now())).join();
        assertThat(rendered.poll(20, TimeUnit.SECONDS)).isEqualTo(MfaGate.View.PROTECTED);
        Session stepped = client.session().getSync();
        assertThat(stepped.sessionId()).isEqualTo(sessionId);
        assertThat(stepped.authenticationFactors()).extracting(AuthenticationFactor::type)
            .containsExactlyInAnyOrder("password", "totp");
        // The server agrees: the session it holds has both factors.
        assertThat(client.session().authenticate(SessionOptions.checkOnly()).join().session()
            .authenticationFactors()).hasSize(2);

        client.session().revoke(RevokeOptions.defaults()).join();
        assertThat(rendered.poll(20, TimeUnit.SECONDS)).isEqualTo(MfaGate.View.SIGN_IN);
        assertThat(gate.view()).isEqualTo(MfaGate.View.SIGN_IN);
      }
    }
  }

  @Test
  void theMfaGateAsksForASecondFactorForABackendPasswordSession() throws Exception {
    try (LatchkeyClient client = client()) {
      BlockingQueue<MfaGate.View> rendered = new LinkedBlockingQueue<>();
      try (MfaGate gate = new MfaGate(client, rendered::add)) {
        assertThat(rendered.poll()).isEqualTo(MfaGate.View.SIGN_IN);
        HydrateFromBackend.adopt(client, backendLogin()).join();
        assertThat(rendered.poll(20, TimeUnit.SECONDS)).isEqualTo(MfaGate.View.SECOND_FACTOR_REQUIRED);
        assertThat(client.session().getSync().authenticationFactors()).hasSize(1);
      }
    }
  }

  @Test
  void theManualRefreshLoopExtendsTheSessionAndStopsAfterSignOut() throws Exception {
    try (LatchkeyClient client = client()) {
      Session before = HydrateFromBackend.adopt(client, backendLogin()).join();
      ManualRefreshLoop loop = new ManualRefreshLoop(client, 120);

      assertThat(loop.refreshOnce()).isTrue();
      assertThat(client.session().getSync().expiresAt()).isAfter(before.expiresAt());

      server.api().post("/v1/sessions/revoke", "{\"session_id\":\"" + before.sessionId() + "\"}");
      ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
      try {
        loop.start(scheduler, Duration.ofMillis(100));
        loop.stopped().get(20, TimeUnit.SECONDS);
        assertThat(client.session().getSync()).isNull();
      } finally {
        scheduler.shutdownNow();
      }
    }
  }

  @Test
  void backendSyncSendsAVerifiableJwtOnEverySessionChangeAndSignOutAtTheEnd() throws Exception {
    BlockingQueue<String> backendSaw = new LinkedBlockingQueue<>();
    try (LatchkeyBackend verifier = LatchkeyBackend.builder().baseUrl(URI.create(server.baseUrl()))
        .projectId(server.projectId).secret(server.secret).build()) {
      HttpServer backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      backend.createContext("/api/session", ex -> {
        try (ex) {
          if ("DELETE".equals(ex.getRequestMethod())) {
            backendSaw.add("signed out");
          } else {
            String jwt = ex.getRequestHeaders().getFirst("Authorization").substring("Bearer ".length());
            try {
              backendSaw.add("verified " + verifier.sessions().authenticateJwtLocal(jwt).sessionId());
            } catch (LatchkeyException e) {
              backendSaw.add("rejected " + e.errorType());
            }
          }
          ex.sendResponseHeaders(204, -1);
        }
      });
      backend.start();
      try (LatchkeyClient client = client()) {
        Subscription sync = BackendSync.start(client, URI.create("http://127.0.0.1:" + backend.getAddress().getPort()));

        Session s = HydrateFromBackend.adopt(client, backendLogin()).join();
        assertThat(backendSaw.poll(20, TimeUnit.SECONDS)).isEqualTo("verified " + s.sessionId());

        client.session().revoke(RevokeOptions.defaults()).join();
        assertThat(backendSaw.poll(20, TimeUnit.SECONDS)).isEqualTo("signed out");
        sync.unsubscribe();
      } finally {
        backend.stop(0);
      }
    }
  }
}
