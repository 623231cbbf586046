package dev.latchkey.server.factor.oauth;

import static dev.latchkey.server.factor.oauth.OAuthFlowTest.SIGNUP_URL;
import static dev.latchkey.server.factor.oauth.OAuthFlowTest.browser;
import static dev.latchkey.server.factor.oauth.OAuthFlowTest.startUrl;
import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.OAuthBrowser;
import dev.latchkey.server.testing.TestOidc;
import dev.latchkey.server.testing.TestServer;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The provider's side going its own way: Apple posting its callback as a form, a user declining at the provider,
 * and a provider that cannot be reached.
 */
class OAuthProviderEdgesTest {
  private static TestOidc idp;
  private static TestServer server;
  private static int closedPort;

  @BeforeAll
  static void start() throws Exception {
    idp = TestOidc.start();
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    Map<String, String> env = new HashMap<>(idp.env("apple"));
    env.putAll(idp.env("google"));
    env.put("LATCHKEY_OAUTH_OIDC_CLIENT_ID", TestOidc.CLIENT_ID);
    env.put("LATCHKEY_OAUTH_OIDC_CLIENT_SECRET", TestOidc.CLIENT_SECRET);
    env.put("LATCHKEY_OAUTH_OIDC_ISSUER", "http://127.0.0.1:" + closedPort + "/realms/down");
    env.put("LATCHKEY_REDIRECT_URLS", TestServer.REDIRECT_URL + "," + SIGNUP_URL);
    server = TestServer.start(env, Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    server.close();
    idp.close();
  }

  private static String hidden(String html, String name) {
    Matcher m = Pattern.compile("name=\"" + name + "\"[^>]*value=\"([^\"]*)\"|value=\"([^\"]*)\"[^>]*name=\""
        + name + "\"").matcher(html);
    assertThat(m.find()).as("a hidden %s field in %s", name, html).isTrue();
    return m.group(1) != null ? m.group(1) : m.group(2);
  }

  @Test
  void applesPostedCallbackSignsInAndSendsTheBrowserOnWithSeeOther() throws Exception {
    idp.nextUser("apple", "apple-sub", "oauth-apple@example.com", true);
    OAuthBrowser b = browser();
    HttpResponse<String> start = b.get(startUrl(server, "apple", ""));
    String authorize = start.headers().firstValue("Location").orElseThrow();
    assertThat(authorize).contains("response_mode=form_post", "scope=openid+email+name");
    HttpResponse<String> form = b.get(authorize);
    assertThat(form.statusCode()).as(form.body()).isEqualTo(200);
    String state = b.cookiesFor(server.baseUrl() + "/v1/public/oauth/callback/apple").get(0).getValue();

    HttpResponse<String> posted = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create(server.baseUrl() + "/v1/public/oauth/callback/apple"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Cookie", "latchkey_oauth_state=" + state)
        .POST(HttpRequest.BodyPublishers.ofString("code=" + URLEncoder.encode(hidden(form.body(), "code"),
            StandardCharsets.UTF_8) + "&state=" + URLEncoder.encode(hidden(form.body(), "state"),
            StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(posted.statusCode()).as(posted.body()).isEqualTo(303);
    String location = posted.headers().firstValue("Location").orElseThrow();
    assertThat(location).startsWith(SIGNUP_URL + "?stytch_token_type=oauth&token=");
    ApiClient.Reply r = server.api().post("/v1/oauth/authenticate", "{\"token\":\""
        + location.substring(location.indexOf("token=") + 6) + "\",\"session_duration_minutes\":60}");
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.json().path("provider_type").asText()).isEqualTo("Apple");
    assertThat(r.json().path("session").path("authentication_factors").get(0).path("delivery_method").asText())
        .isEqualTo("oauth_apple");
  }

  @Test
  void aUserWhoDeclinesAtTheProviderGetsAProviderErrorAndTheStateIsSpent() throws Exception {
    OAuthBrowser b = browser();
    b.get(startUrl(server, "google", ""));
    String callback = server.baseUrl() + "/v1/public/oauth/callback/google";
    String state = b.cookiesFor(callback).get(0).getValue();

    HttpResponse<String> declined = b.get(callback + "?error=access_denied&state=" + state);
    HttpResponse<String> replayed = b.get(callback + "?code=stolen&state=" + state);

    assertThat(declined.statusCode()).isEqualTo(400);
    assertThat(declined.body()).contains("\"error_type\":\"oauth_provider_error\"", "access_denied");
    assertThat(replayed.statusCode()).isEqualTo(400);
    assertThat(replayed.body()).contains("\"error_type\":\"oauth_invalid_state\"");
  }

  @Test
  void aProviderThatCannotBeReachedIsABadGatewayNotAServerError() {
    HttpResponse<String> r = browser().get(startUrl(server, "oidc", ""));

    assertThat(r.statusCode()).isEqualTo(502);
    assertThat(r.body()).contains("\"error_type\":\"oauth_provider_unavailable\"", "could not be reached");
    assertThat(r.headers().firstValue("Set-Cookie")).isEmpty();
  }
}
