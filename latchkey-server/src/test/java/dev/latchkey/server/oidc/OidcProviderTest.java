package dev.latchkey.server.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link OidcProvider} against a real HTTP server on loopback (the JDK's) that answers as a misbehaving provider
 * would: every such answer is {@code UNAVAILABLE} (nothing known about the token), only a 401/403 from UserInfo is
 * {@code REJECTED}, and the bounds (https, reply size, no redirects, the issuer named by discovery) hold.
 */
class OidcProviderTest {
  /** Path to reply (status, content type, body), set per test. */
  private final Map<String, String[]> replies = new ConcurrentHashMap<>();
  private final AtomicInteger discoveries = new AtomicInteger();
  private HttpServer http;
  private String base;

  @BeforeEach
  void start() throws IOException {
    http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    http.createContext("/", this::answer);
    http.start();
    base = "http://127.0.0.1:" + http.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    http.stop(0);
  }

  private void answer(HttpExchange ex) throws IOException {
    if (ex.getRequestURI().getPath().endsWith("/.well-known/openid-configuration")) {
      discoveries.incrementAndGet();
    }
    String[] reply = replies.getOrDefault(ex.getRequestURI().getPath(), new String[] {"404", "text/plain", "no"});
    byte[] body = reply[2].getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", reply[1]);
    if (reply.length > 3) {
      ex.getResponseHeaders().set("Location", reply[3]);
    }
    ex.sendResponseHeaders(Integer.parseInt(reply[0]), body.length == 0 ? -1 : body.length);
    try (var out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  private OidcProvider provider() {
    return new OidcProvider(URI.create(base + "/idp"), Clock.systemUTC());
  }

  private void discovery(String issuer, String userInfo) {
    replies.put("/idp/.well-known/openid-configuration", new String[] {"200", "application/json",
        "{\"issuer\":\"" + issuer + "\",\"userinfo_endpoint\":\"" + userInfo + "\"}"});
  }

  private void userInfo(String status, String type, String body) {
    replies.put("/idp/userinfo", new String[] {status, type, body});
  }

  private static OidcException.Kind failure(Runnable call) {
    try {
      call.run();
    } catch (OidcException e) {
      return e.kind();
    }
    throw new AssertionError("expected an OidcException");
  }

  @Test
  void theClaimsOfAGoodTokenAreReadAndDiscoveryIsCached() {
    discovery(base + "/idp", base + "/idp/userinfo");
    userInfo("200", "application/json; charset=utf-8", "{\"sub\":\"u1\",\"email\":\"a@example.com\"}");
    OidcProvider idp = provider();

    assertThat(idp.userInfo("token-1")).containsEntry("sub", "u1").containsEntry("email", "a@example.com");
    assertThat(idp.userInfo("token-2")).containsEntry("sub", "u1");
    assertThat(discoveries.get()).isEqualTo(1);
  }

  @Test
  void onlyA401Or403FromUserInfoIsARejectedToken() {
    discovery(base + "/idp", base + "/idp/userinfo");
    userInfo("401", "application/json", "{\"error\":\"invalid_token\"}");
    assertThat(failure(() -> provider().userInfo("t"))).isEqualTo(OidcException.Kind.REJECTED);
    userInfo("403", "application/json", "{}");
    assertThat(failure(() -> provider().userInfo("t"))).isEqualTo(OidcException.Kind.REJECTED);
    userInfo("500", "application/json", "{}");
    assertThat(failure(() -> provider().userInfo("t"))).isEqualTo(OidcException.Kind.UNAVAILABLE);
  }

  @Test
  void unusableUserInfoRepliesAreUnavailableNotRejected() {
    discovery(base + "/idp", base + "/idp/userinfo");
    userInfo("200", "application/json", "{\"sub\":\"u1\",\"pad\":\"" + "x".repeat(OidcProvider.MAX_REPLY_BYTES) + "\"}");
    assertThat(failure(() -> provider().userInfo("t"))).isEqualTo(OidcException.Kind.UNAVAILABLE);
    userInfo("200", "application/json", "[1,2]");
    assertThat(failure(() -> provider().userInfo("t"))).isEqualTo(OidcException.Kind.UNAVAILABLE);
    userInfo("200", "application/json", "{\"email\":\"no-sub@example.com\"}");
    assertThat(failure(() -> provider().userInfo("t"))).isEqualTo(OidcException.Kind.UNAVAILABLE);
    userInfo("200", "application/jwt", "eyJhbGciOiJSUzI1NiJ9.e30.sig");
    assertThat(failure(() -> provider().userInfo("t"))).isEqualTo(OidcException.Kind.UNAVAILABLE);
  }

  @Test
  void discoveryMustNameThisIssuerAndAnAllowedUserInfoEndpoint() {
    discovery("https://someone-else.example.com", base + "/idp/userinfo");
    assertThat(failure(() -> provider().userInfo("t"))).isEqualTo(OidcException.Kind.UNAVAILABLE);
    discovery(base + "/idp", "http://userinfo.example.com/userinfo");
    assertThat(failure(() -> provider().userInfo("t"))).isEqualTo(OidcException.Kind.UNAVAILABLE);
    replies.put("/idp/.well-known/openid-configuration", new String[] {"302", "text/plain", "",
        base + "/elsewhere/.well-known/openid-configuration"});
    assertThat(failure(() -> provider().userInfo("t"))).isEqualTo(OidcException.Kind.UNAVAILABLE);
  }

  @Test
  void aTokenThatCannotBeABearerTokenIsNeverSent() {
    discovery(base + "/idp", base + "/idp/userinfo");
    userInfo("200", "application/json", "{\"sub\":\"u1\"}");

    assertThat(failure(() -> provider().userInfo("a b\r\nX-Injected: 1"))).isEqualTo(OidcException.Kind.REJECTED);
    assertThat(discoveries.get()).isZero();
  }

  @Test
  void anIssuerMustBeHttpsUnlessItIsOnLoopback() {
    assertThatThrownBy(() -> new OidcProvider(URI.create("http://login.example.com"), Clock.systemUTC()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("https");
    assertThat(new OidcProvider(URI.create("https://login.example.com"), Clock.systemUTC()).issuer().getHost())
        .isEqualTo("login.example.com");
    assertThat(OidcProvider.checkUrl(URI.create("http://[::1]:8080/x"))).isNull();
    assertThat(OidcProvider.checkUrl(URI.create("http://localhost.example.com/x"))).contains("https");
  }
}
