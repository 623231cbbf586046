package dev.latchkey.backend;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.server.testing.MutableClock;
import dev.latchkey.server.testing.TestServer;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The filter inside a real embedded Jetty 12 (ee10): {@code /app/*} is protected, {@code /admin/*} needs two
 * factors, {@code /app/public/*} and {@code /health} are skipped. The servlet echoes the session it was given.
 */
class LatchkeyFilterTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final MutableClock CLOCK = new MutableClock();
  private static TestServer latchkey;
  private static LatchkeyBackend backend;
  private static Server jetty;
  private static URI app;

  @BeforeAll
  static void start() throws Exception {
    latchkey = TestServer.start(CLOCK);
    backend = Fixture.backend(latchkey, CLOCK);
    jetty = new Server();
    ServerConnector connector = new ServerConnector(jetty);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    jetty.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler("/");
    context.addFilter(new FilterHolder(LatchkeyFilter.builder(backend).skipPaths("/health", "/app/public/*")
        .build()), "/app/*", EnumSet.of(DispatcherType.REQUEST));
    context.addFilter(new FilterHolder(LatchkeyFilter.builder(backend).requiredFactors(2).build()), "/admin/*",
        EnumSet.of(DispatcherType.REQUEST));
    context.addServlet(new ServletHolder(new Echo()), "/*");
    jetty.setHandler(context);
    jetty.start();
    app = URI.create("http://127.0.0.1:" + connector.getLocalPort());
  }

  @AfterAll
  static void stop() throws Exception {
    jetty.stop();
    backend.close();
    latchkey.close();
  }

  /** Answers 200 with the verified session's user id and source, or "none". */
  static final class Echo extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
      VerifiedSession s = LatchkeyFilter.session(req);
      res.setContentType("application/json");
      res.getWriter().write(JSON.writeValueAsString(s == null ? Map.of("user_id", "none")
          : Map.of("user_id", s.userId(), "source", s.source().name())));
    }
  }

  record Reply(int status, JsonNode json, HttpResponse<String> raw) {}

  private static Reply get(String path, Map<String, String> headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(app.resolve(path)).timeout(Duration.ofSeconds(10));
    headers.forEach(b::header);
    HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), JSON.readTree(r.body()), r);
  }

  @Test
  void aGoodJwtCookieLetsTheRequestThroughWithItsSession() throws Exception {
    JsonNode signedUp = Fixture.signUp(latchkey);

    Reply r = get("/app/me", Map.of("Cookie", "stytch_session_jwt=" + signedUp.path("session_jwt").asText()));

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().path("user_id").asText()).isEqualTo(signedUp.path("user_id").asText());
    assertThat(r.json().path("source").asText()).isEqualTo("LOCAL");
  }

  @Test
  void aBearerJwtLetsTheRequestThrough() throws Exception {
    JsonNode signedUp = Fixture.signUp(latchkey);

    Reply r = get("/app/me", Map.of("Authorization", "Bearer " + signedUp.path("session_jwt").asText()));

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().path("user_id").asText()).isEqualTo(signedUp.path("user_id").asText());
  }

  @Test
  void anOpaqueTokenCookieIsCheckedWithTheApi() throws Exception {
    JsonNode signedUp = Fixture.signUp(latchkey);

    Reply r = get("/app/me", Map.of("Cookie", "stytch_session=" + signedUp.path("session_token").asText()));

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().path("user_id").asText()).isEqualTo(signedUp.path("user_id").asText());
    assertThat(r.json().path("source").asText()).isEqualTo("API");
  }

  @Test
  void aRequestWithoutCredentialsGets401InTheServersErrorShape() throws Exception {
    Reply r = get("/app/me", Map.of());

    assertThat(r.status()).isEqualTo(401);
    assertThat(r.raw().headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"latchkey\"");
    assertThat(r.raw().headers().firstValue("Content-Type").orElseThrow()).startsWith("application/json");
    List<String> fields = new java.util.ArrayList<>();
    r.json().fieldNames().forEachRemaining(fields::add);
    assertThat(fields)
        .containsExactlyInAnyOrder("status_code", "request_id", "error_type", "error_message", "error_url");
    assertThat(r.json().path("status_code").asInt()).isEqualTo(401);
    assertThat(r.json().path("error_type").asText()).isEqualTo("session_required");
    assertThat(r.json().path("error_url").asText())
        .isEqualTo("https://stytch.com/docs/api/errors/401#session_required");
  }

  @Test
  void aForgedJwtGets401SessionInvalid() throws Exception {
    String[] parts = Fixture.jwt(latchkey).split("\\.");
    String forged = parts[0] + "." + parts[1] + "." + parts[2].substring(0, parts[2].length() - 4) + "AAAA";

    Reply r = get("/app/me", Map.of("Cookie", "stytch_session_jwt=" + forged));

    assertThat(r.status()).isEqualTo(401);
    assertThat(r.json().path("error_type").asText()).isEqualTo("session_invalid");
    assertThat(r.json().path("error_message").asText()).isEqualTo("The session was rejected (jwt_bad_signature).");
  }

  @Test
  void aRejectedJwtFallsBackToTheTokenCookie() throws Exception {
    JsonNode signedUp = Fixture.signUp(latchkey);

    Reply r = get("/app/me", Map.of("Cookie", "stytch_session_jwt=not.a.jwt; stytch_session="
        + signedUp.path("session_token").asText()));

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().path("user_id").asText()).isEqualTo(signedUp.path("user_id").asText());
  }

  @Test
  void skippedPathsNeedNoSession() throws Exception {
    assertThat(get("/health", Map.of()).status()).isEqualTo(200);
    assertThat(get("/app/public/logo", Map.of()).json().path("user_id").asText()).isEqualTo("none");
    assertThat(get("/app/public", Map.of()).status()).isEqualTo(200);
    assertThat(get("/app/publicity", Map.of()).status()).isEqualTo(401);
  }

  @Test
  void aOneFactorSessionGets403FromATwoFactorRoute() throws Exception {
    JsonNode signedUp = Fixture.signUp(latchkey);
    String cookie = "stytch_session_jwt=" + signedUp.path("session_jwt").asText();

    Reply r = get("/admin/panel", Map.of("Cookie", cookie));

    assertThat(r.status()).isEqualTo(403);
    assertThat(r.json().path("error_type").asText()).isEqualTo("insufficient_factors");
    assertThat(r.json().path("error_message").asText())
        .isEqualTo("This requires 2 authentication factors; the session has 1.");
    assertThat(get("/app/panel", Map.of("Cookie", cookie)).status()).isEqualTo(200);
  }

  @Test
  void anUnreachableServerGets503NotA401() throws Exception {
    // A JWT signed by a key this backend has never fetched, while its server is gone: could not check.
    TestServer other = TestServer.start(CLOCK);
    URI otherUrl = URI.create(other.baseUrl());
    String jwt = Fixture.jwt(other);
    other.close();
    try (LatchkeyBackend cut = Fixture.backend(other, otherUrl, CLOCK)) {
      Server j = new Server(0);
      ServletContextHandler ctx = new ServletContextHandler("/");
      ctx.addFilter(new FilterHolder(LatchkeyFilter.builder(cut).build()), "/*", EnumSet.of(DispatcherType.REQUEST));
      ctx.addServlet(new ServletHolder(new Echo()), "/*");
      j.setHandler(ctx);
      j.start();
      try {
        int port = ((ServerConnector) j.getConnectors()[0]).getLocalPort();
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/x"))
            .header("Cookie", "stytch_session_jwt=" + jwt).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(r.body()).path("error_type").asText()).isEqualTo("session_check_unavailable");
      } finally {
        j.stop();
      }
    }
  }
}
