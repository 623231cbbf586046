package dev.latchkey.server.compat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.Browser;
import dev.latchkey.server.testing.StaticSite;
import dev.latchkey.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.virtualauthenticator.Credential;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticator;

/**
 * End to end in a real browser: headless Chromium with its virtual platform authenticator (CTAP2, internal, resident
 * keys, user verification) loads a page that uses the official browser SDK, {@code @stytch/vanilla-js} (its headless
 * IIFE bundle, as npm ships it in {@code compat/node}), to register a passkey for a signed-in user and then, signed
 * out, to sign in with it against Latchkey. Chromium's own WebAuthn implementation makes the credentials; Latchkey
 * (Yubico's library) checks them.
 */
class StytchVanillaJsPasskeyBrowserTest {
  private static final String PASSWORD = "correct horse battery staple";

  /** The page: loads the SDK and points every URL it could call at Latchkey (as compat/node/vanilla.mjs does). */
  private static String page(String base, String publicToken) {
    return """
        <!doctype html>
        <html><head><meta charset="utf-8"><title>Latchkey passkeys</title>
        <script src="/stytch-headless.js"></script></head>
        <body><h1>Passkeys against Latchkey</h1><pre id="log"></pre>
        <script>
          const base = "%s";
          window.client = stytch.createStytchHeadlessClient("%s", { endpoints: {
            testAPIURL: base, liveAPIURL: base, dfpBackendURL: base, dfpCdnURL: base,
            clientsideServicesIframeURL: base } });
          window.log = (line) => { document.getElementById("log").textContent += line + "\\n"; };
        </script></body></html>
        """.formatted(base, publicToken);
  }

  @Test
  @SuppressWarnings("unchecked")
  void theOfficialBrowserSdkRegistersAPasskeyAndSignsInWithIt() throws Exception {
    Browser.requireChromium();
    Path bundle = NodeScripts.dir().resolve("node_modules/@stytch/vanilla-js/dist/iife/index.headless.js");
    assertThat(bundle).as("the SDK's browser bundle (bin/test runs npm ci in compat/node)").exists();
    try (StaticSite site = StaticSite.start();
        TestServer server = TestServer.start(Map.of("LATCHKEY_WEBAUTHN_ORIGINS", site.origin(),
            "LATCHKEY_CORS_ORIGINS", site.origin()), Clock.systemUTC());
        Browser browser = Browser.start()) {
      ApiClient api = server.api();
      String email = "browser-passkey-" + System.nanoTime() + "@example.com";
      ApiClient.Reply signUp = api.post("/v1/passwords", "{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD
          + "\",\"session_duration_minutes\":60}");
      assertThat(signUp.status()).as(signUp.text()).isEqualTo(200);
      String userId = signUp.text("user_id");

      site.addFile("/stytch-headless.js", "text/javascript", bundle);
      site.add("/index.html", "text/html", page(server.baseUrl(), server.publicToken));
      VirtualAuthenticator authenticator = browser.addPlatformAuthenticator();
      browser.driver().get(site.url("/index.html"));

      // Signed in (the password session), the SDK registers a passkey: register/start, navigator.credentials.create
      // in Chromium, register.
      @SuppressWarnings("unchecked")
      Map<String, Object> registered = (Map<String, Object>) browser.run("""
          client.session.updateSession({ session_token: args[0], session_jwt: args[1] });
          await client.session.authenticate();
          const r = await client.webauthn.register({ domain: "localhost", is_passkey: true,
            session_duration_minutes: 60 });
          log("registered " + r.webauthn_registration_id);
          return { id: r.webauthn_registration_id, factors: r.session.authentication_factors.map(f => f.type) };
          """,
          signUp.text("session_token"), signUp.text("session_jwt"));
      assertThat(registered).as("%s", registered).doesNotContainKey("error");
      String registrationId = (String) registered.get("id");
      assertThat(registrationId).startsWith("webauthn-registration-test-");
      assertThat((List<Object>) registered.get("factors")).containsExactly("password", "webauthn");
      List<Credential> stored = authenticator.getCredentials();
      assertThat(stored).hasSize(1);
      assertThat(stored.get(0).isResidentCredential()).isTrue();

      // Signed out, the SDK signs in with the passkey alone: authenticate/start/primary names no user, the
      // authenticator offers its discoverable credential, and Latchkey finds the user from its user handle.
      @SuppressWarnings("unchecked")
      Map<String, Object> signedIn = (Map<String, Object>) browser.run("""
          await client.session.revoke();
          if (client.session.getSync() !== null) throw new Error("still signed in after revoke");
          const r = await client.webauthn.authenticate({ domain: "localhost", is_passkey: true,
            session_duration_minutes: 60 });
          log("signed in as " + r.user_id + " with " + r.webauthn_registration_id);
          const session = client.session.getSync();
          return { user: r.user_id, id: r.webauthn_registration_id, session: session && session.session_id,
            factors: session.authentication_factors.map(f => f.type) };
          """);
      assertThat(signedIn).as("%s", signedIn).doesNotContainKey("error");
      assertThat(signedIn.get("user")).isEqualTo(userId);
      assertThat(signedIn.get("id")).isEqualTo(registrationId);
      assertThat((List<Object>) signedIn.get("factors")).containsExactly("webauthn");
      assertThat(authenticator.getCredentials().get(0).getSignCount()).isGreaterThanOrEqualTo(1);
      // The session the SDK now holds is live on the server.
      ApiClient.Reply live = api.post("/v1/sessions/authenticate", "{\"session_token\":\""
          + browser.run("return client.session.getTokens().session_token;") + "\"}");
      assertThat(live.status()).as(live.text()).isEqualTo(200);
      assertThat(live.json().path("session").path("user_id").asText()).isEqualTo(userId);

      Path shot = browser.screenshot("passkeys-vanilla-js");
      assertThat(Files.size(shot)).isPositive();
    }
  }
}
