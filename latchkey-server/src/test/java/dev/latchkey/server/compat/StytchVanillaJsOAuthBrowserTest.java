package dev.latchkey.server.compat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.Browser;
import dev.latchkey.server.testing.StaticSite;
import dev.latchkey.server.testing.TestOidc;
import dev.latchkey.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * End to end in a real browser: headless Chromium loads an app page that uses the official browser SDK
 * ({@code @stytch/vanilla-js}, its headless IIFE bundle as npm ships it in {@code compat/node}); the SDK's
 * {@code oauth.google.start()} navigates to Latchkey, which sends Chromium to a real OpenID Connect provider on
 * loopback (mock-oauth2-server), whose redirect lands on Latchkey's callback and then on the app's callback page with
 * the token; there the SDK's {@code oauth.authenticate(token)} signs in with the PKCE verifier it kept in the page's
 * storage, and the session is the SDK's and live on the server.
 */
class StytchVanillaJsOAuthBrowserTest {
  /** Chromium follows four redirects on loopback; this bound only stops a broken flow from hanging the build. */
  private static final Duration NAVIGATION_TIMEOUT = Duration.ofSeconds(60);

  /** A page of the app: loads the SDK and points every URL it could call at Latchkey. */
  private static String page(String title, String base, String publicToken) {
    return """
        <!doctype html>
        <html><head><meta charset="utf-8"><title>%s</title>
        <script src="/stytch-headless.js"></script></head>
        <body><h1>%s</h1><pre id="log"></pre>
        <script>
          const base = "%s";
          window.client = stytch.createStytchHeadlessClient("%s", { endpoints: {
            testAPIURL: base, liveAPIURL: base, dfpBackendURL: base, dfpCdnURL: base,
            clientsideServicesIframeURL: base } });
          window.log = (line) => { document.getElementById("log").textContent += line + "\\n"; };
        </script></body></html>
        """.formatted(title, title, base, publicToken);
  }

  @Test
  @SuppressWarnings("unchecked")
  void theOfficialBrowserSdkSignsInWithGoogleThroughLatchkeyInChromium() throws Exception {
    Browser.requireChromium();
    Path bundle = NodeScripts.dir().resolve("node_modules/@stytch/vanilla-js/dist/iife/index.headless.js");
    assertThat(bundle).as("the SDK's browser bundle (bin/test runs npm ci in compat/node)").exists();
    try (TestOidc idp = TestOidc.start(); StaticSite site = StaticSite.start()) {
      String callback = site.url("/callback.html");
      Map<String, String> env = new HashMap<>(idp.env("google"));
      env.put("LATCHKEY_REDIRECT_URLS", callback);
      env.put("LATCHKEY_CORS_ORIGINS", site.origin());
      try (TestServer server = TestServer.start(env, Clock.systemUTC()); Browser browser = Browser.start()) {
        site.addFile("/stytch-headless.js", "text/javascript", bundle);
        site.add("/index.html", "text/html", page("Sign in", server.baseUrl(), server.publicToken));
        site.add("/callback.html", "text/html", page("Signed in", server.baseUrl(), server.publicToken));
        idp.nextUser("google", "chromium-google-sub", "chromium-oauth@example.com", true);

        browser.driver().get(site.url("/index.html"));
        Object started = browser.run("""
            setTimeout(() => client.oauth.google.start({ login_redirect_url: args[0], signup_redirect_url: args[0] })
              .catch(e => log("start failed: " + e)), 0);
            return "started";
            """, callback);
        assertThat(started).isEqualTo("started");
        new WebDriverWait(browser.driver(), NAVIGATION_TIMEOUT)
            .until(d -> d.getCurrentUrl().startsWith(callback + "?"));
        assertThat(browser.driver().getCurrentUrl()).contains("stytch_token_type=oauth", "token=");

        Map<String, Object> signedIn = (Map<String, Object>) browser.run("""
            const token = new URLSearchParams(window.location.search).get("token");
            const r = await client.oauth.authenticate(token, { session_duration_minutes: 60 });
            log("signed in as " + r.user_id + " with " + r.provider_type);
            const session = client.session.getSync();
            return { user: r.user_id, provider: r.provider_type, session: session && session.session_id,
              token: client.session.getTokens().session_token,
              factors: session.authentication_factors.map(f => f.delivery_method) };
            """);
        assertThat(signedIn).as("%s", signedIn).doesNotContainKey("error");
        assertThat(signedIn.get("provider")).isEqualTo("Google");
        assertThat((List<Object>) signedIn.get("factors")).containsExactly("oauth_google");
        ApiClient.Reply live = server.api().post("/v1/sessions/authenticate", "{\"session_token\":\""
            + signedIn.get("token") + "\"}");
        assertThat(live.status()).as(live.text()).isEqualTo(200);
        assertThat(live.json().path("session").path("session_id").asText()).isEqualTo(signedIn.get("session"));
        assertThat(live.json().path("user").path("providers").get(0).path("provider_subject").asText())
            .isEqualTo("chromium-google-sub");

        Path shot = browser.screenshot("oauth-google-vanilla-js");
        assertThat(Files.size(shot)).isPositive();
      }
    }
  }
}
