package dev.latchkey.client.okhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.latchkey.client.LatchkeyClient;
import dev.latchkey.client.LatchkeyClientException;
import dev.latchkey.client.RevokeOptions;
import dev.latchkey.client.SessionOptions;
import dev.latchkey.client.Transport;
import dev.latchkey.model.AuthenticateResponse;
import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.TestServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The client SDK on OkHttp against a real Latchkey server, and the transport's own rules against loopback servers. */
class OkHttpTransportTest {
  private static final String PASSWORD = "correct horse battery staple";
  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static LatchkeyClient client(Transport transport) {
    return LatchkeyClient.builder().baseUrl(URI.create(server.baseUrl())).publicToken(server.publicToken)
        .transport(transport).build();
  }

  @Test
  void aClientOnOkHttpSignsUpChecksItsSessionReadsItsUserAndSignsOut() {
    String email = "okhttp-" + UUID.randomUUID() + "@example.com";
    try (LatchkeyClient client = client(OkHttpTransport.create(Duration.ofSeconds(10)))) {
      AuthenticateResponse signUp = client.passwords().create(email, PASSWORD, 60).join();
      String sessionId = signUp.session().sessionId();

      assertThat(client.session().authenticate(SessionOptions.checkOnly()).join().session().sessionId())
          .isEqualTo(sessionId);
      assertThat(client.user().get().join().emails()).singleElement()
          .satisfies(e -> assertThat(e.email()).isEqualTo(email));

      client.session().revoke(RevokeOptions.defaults()).join();

      assertThat(client.session().getSync()).isNull();
      ApiClient.Reply check = server.api().post("/v1/sessions/authenticate",
          "{\"session_token\":\"" + signUp.sessionToken() + "\"}");
      assertThat(check.status()).isEqualTo(404);
      assertThat(check.text("error_type")).isEqualTo("session_not_found");
    }
  }

  @Test
  void aRefusalByTheServerReachesTheAppAsItsErrorType() {
    String email = "okhttp-" + UUID.randomUUID() + "@example.com";
    try (LatchkeyClient client = client(OkHttpTransport.create(Duration.ofSeconds(10)))) {
      client.passwords().create(email, PASSWORD, 60).join();

      assertThatThrownBy(() -> client.passwords().authenticate(email, "not the password", 60).join())
          .isInstanceOf(CompletionException.class).cause().isInstanceOf(LatchkeyClientException.class)
          .satisfies(e -> assertThat(((LatchkeyClientException) e).errorType()).isEqualTo("unauthorized_credentials"));
    }
  }

  @Test
  void aRedirectIsReturnedNeverFollowedEvenWhenTheAppsClientFollowsThem() throws Exception {
    AtomicInteger elsewhereCalls = new AtomicInteger();
    HttpServer elsewhere = loopback();
    elsewhere.createContext("/", exchange -> {
      elsewhereCalls.incrementAndGet();
      reply(exchange, 200, new byte[0]);
    });
    HttpServer redirecting = loopback();
    redirecting.createContext("/", exchange -> {
      exchange.getResponseHeaders().add("Location", "http://127.0.0.1:" + elsewhere.getAddress().getPort() + "/x");
      reply(exchange, 302, new byte[0]);
    });
    try {
      OkHttpClient followsRedirects = new OkHttpClient.Builder().followRedirects(true).build();
      Transport transport = OkHttpTransport.wrap(followsRedirects, Duration.ofSeconds(10));

      Transport.Response r = transport.execute(new Transport.Request("POST", URI.create("http://127.0.0.1:"
          + redirecting.getAddress().getPort() + "/sdk/v1/sessions/authenticate"),
          Map.of("Authorization", "Basic c2VjcmV0"), "{}".getBytes()));

      assertThat(r.status()).isEqualTo(302);
      assertThat(elsewhereCalls).hasValue(0);
      assertThat(followsRedirects.followRedirects()).as("the app's own client is left as it was").isTrue();
    } finally {
      redirecting.stop(0);
      elsewhere.stop(0);
    }
  }

  @Test
  void aReplyLargerThanOneMebibyteIsRefused() throws Exception {
    HttpServer big = loopback();
    big.createContext("/", exchange -> reply(exchange, 200, new byte[OkHttpTransport.MAX_REPLY_BYTES + 1]));
    try {
      Transport transport = OkHttpTransport.create(Duration.ofSeconds(10));

      assertThatThrownBy(() -> transport.execute(new Transport.Request("GET",
          URI.create("http://127.0.0.1:" + big.getAddress().getPort() + "/sdk/v1/users/me"), Map.of(), null)))
          .isInstanceOf(IOException.class).hasMessageContaining("exceeds 1048576 bytes");
    } finally {
      big.stop(0);
    }
  }

  @Test
  void aServerThatNeverAnswersEndsTheCallWithAnIOException() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    HttpServer silent = loopback();
    silent.createContext("/", exchange -> {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      exchange.close();
    });
    try {
      Transport transport = OkHttpTransport.wrap(new OkHttpClient(), Duration.ofMillis(500));

      assertThatThrownBy(() -> transport.execute(new Transport.Request("POST",
          URI.create("http://127.0.0.1:" + silent.getAddress().getPort() + "/sdk/v1/sessions/authenticate"),
          Map.of(), "{}".getBytes()))).isInstanceOf(IOException.class);
    } finally {
      release.countDown();
      silent.stop(0);
    }
  }

  @Test
  void aTimeoutThatIsNotPositiveIsRefused() {
    assertThatThrownBy(() -> OkHttpTransport.create(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("timeout is PT0S; it must be positive");
  }

  private static HttpServer loopback() throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    s.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    s.start();
    return s;
  }

  private static void reply(com.sun.net.httpserver.HttpExchange exchange, int status, byte[] body)
      throws IOException {
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}
