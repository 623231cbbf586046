package dev.latchkey.server.factor;

import static dev.latchkey.server.testing.Wire.body;
import static dev.latchkey.server.testing.Wire.email;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.server.config.ConfigException;
import dev.latchkey.server.config.Settings;
import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.SseStream;
import dev.latchkey.server.testing.TestServer;
import dev.latchkey.server.testing.TestSmtp;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * "New device signed in" mails through a real SMTP server (GreenMail), and the one-click link that signs that device
 * out, followed as a person would: open the page, press the button.
 */
class NewDeviceMailTest {
  private static final String PASSWORD = "correct horse battery staple";
  private static final String CHROME_ON_MAC = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 "
      + "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
  private static final String FIREFOX_ON_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) "
      + "Gecko/20100101 Firefox/133.0";
  private static final Pattern LINK = Pattern.compile(
      "https://auth\\.example\\.com(/v1/public/sessions/revoke)\\?token=([A-Za-z0-9_%-]+)");

  private static JsonNode sdk(ApiClient device, String path, String address, String userAgent) {
    ApiClient.Reply r = device.send("POST", path, body("email", address, "password", PASSWORD,
        "session_duration_minutes", 60), Map.of("User-Agent", userAgent));
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    return r.json().path("data");
  }

  private static int check(ApiClient api, JsonNode session) {
    return api.post("/v1/sessions/authenticate", body("session_token", session.path("session_token").asText()))
        .status();
  }

  private static ApiClient.Reply form(TestServer server, String token) {
    return server.anonymous().send("POST", "/v1/public/sessions/revoke", "token=" + token,
        Map.of("Content-Type", "application/x-www-form-urlencoded"));
  }

  @Test
  void aSignInFromANewDeviceMailsALinkThatSignsOnlyThatDeviceOutOnceAndOnlyWhenAPersonConfirms() {
    try (TestSmtp smtp = TestSmtp.start()) {
      Map<String, String> env = new HashMap<>(smtp.env());
      env.put("LATCHKEY_NEW_DEVICE_EMAIL", "true");
      env.put("LATCHKEY_PUBLIC_URL", "https://auth.example.com");
      try (TestServer server = TestServer.start(env, Clock.systemUTC())) {
        ApiClient device = new ApiClient(server.baseUrl(), server.publicToken, server.publicToken);
        ApiClient api = server.api();
        String address = email("new-device");

        JsonNode first = sdk(device, "/sdk/v1/passwords", address, CHROME_ON_MAC);
        JsonNode sameDevice = sdk(device, "/sdk/v1/passwords/authenticate", address, CHROME_ON_MAC);
        JsonNode stranger = sdk(device, "/sdk/v1/passwords/authenticate", address, FIREFOX_ON_WINDOWS);

        TestSmtp.Mail mail = smtp.latestTo(address);
        assertThat(smtp.all().stream().filter(m -> m.to().contains(address))).hasSize(1);
        assertThat(mail.subject()).isEqualTo("New sign-in to your account");
        assertThat(mail.text()).contains("Firefox on Windows").contains(address)
            .doesNotContain(stranger.path("session_token").asText());
        assertThat(mail.html()).contains("Firefox on Windows");
        Matcher link = LINK.matcher(mail.text());
        assertThat(link.find()).as(mail.text()).isTrue();
        String token = link.group(2);

        // Opening the link (as a mail scanner would) changes nothing.
        ApiClient.Reply page = server.anonymous().get(link.group(1) + "?token=" + token);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.text()).contains("Firefox on Windows").contains("<form method=\"post\"")
            .contains("<button type=\"submit\">");
        assertThat(page.header("Cache-Control")).isEqualTo("no-store");
        assertThat(page.header("Referrer-Policy")).isEqualTo("no-referrer");
        assertThat(check(api, stranger)).isEqualTo(200);

        try (SseStream events = SseStream.open(server.baseUrl(), "/v1/sessions/events",
            ApiClient.basic(server.projectId, server.secret), Map.of())) {
          ApiClient.Reply done = form(server, token);

          assertThat(done.status()).isEqualTo(200);
          assertThat(done.text()).contains("signed out");
          assertThat(events.nextEvent("session.revoked").json().path("session_id").asText())
              .isEqualTo(stranger.path("session").path("session_id").asText());
        }
        assertThat(check(api, stranger)).isEqualTo(404);
        assertThat(check(api, first)).isEqualTo(200);
        assertThat(check(api, sameDevice)).isEqualTo(200);

        // Replayed, forged: the same "no longer valid" page, and nothing changes.
        assertThat(form(server, token).status()).isEqualTo(404);
        assertThat(server.anonymous().get(link.group(1) + "?token=" + token).status()).isEqualTo(404);
        assertThat(form(server, "A" + token.substring(1)).status()).isEqualTo(404);
        assertThat(form(server, "").status()).isEqualTo(404);
        assertThat(server.anonymous().get("/v1/public/sessions/revoke").status()).isEqualTo(404);
        assertThat(check(api, first)).isEqualTo(200);
      }
    }
  }

  @Test
  void aUsersFirstSessionAndSignInsWithTheSettingOffMailNothing() {
    try (TestSmtp smtp = TestSmtp.start()) {
      Map<String, String> on = new HashMap<>(smtp.env());
      on.put("LATCHKEY_NEW_DEVICE_EMAIL", "true");
      on.put("LATCHKEY_PUBLIC_URL", "https://auth.example.com");
      String alone = email("first-session");
      try (TestServer server = TestServer.start(on, Clock.systemUTC())) {
        ApiClient device = new ApiClient(server.baseUrl(), server.publicToken, server.publicToken);
        JsonNode only = sdk(device, "/sdk/v1/passwords", alone, CHROME_ON_MAC);
        server.api().post("/v1/sessions/revoke", body("session_id", only.path("session").path("session_id")
            .asText()));
        sdk(device, "/sdk/v1/passwords/authenticate", alone, FIREFOX_ON_WINDOWS);
      }
      String off = email("setting-off");
      try (TestServer server = TestServer.start(smtp.env(), Clock.systemUTC())) {
        ApiClient device = new ApiClient(server.baseUrl(), server.publicToken, server.publicToken);
        sdk(device, "/sdk/v1/passwords", off, CHROME_ON_MAC);
        sdk(device, "/sdk/v1/passwords/authenticate", off, FIREFOX_ON_WINDOWS);
      }

      assertThat(smtp.all()).noneMatch(m -> m.to().contains(alone) || m.to().contains(off));
    }
  }

  @Test
  void theSettingWithoutAPublicUrlStopsTheStartNamingBoth() {
    Map<String, String> env = new HashMap<>();
    env.put("LATCHKEY_NEW_DEVICE_EMAIL", "true");

    assertThatThrownBy(() -> Settings.load(env)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("LATCHKEY_NEW_DEVICE_EMAIL").hasMessageContaining("LATCHKEY_PUBLIC_URL");
  }
}
