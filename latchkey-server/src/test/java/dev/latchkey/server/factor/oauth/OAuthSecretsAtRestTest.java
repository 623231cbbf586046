package dev.latchkey.server.factor.oauth;

import static dev.latchkey.server.factor.oauth.OAuthFlowTest.SIGNUP_URL;
import static dev.latchkey.server.factor.oauth.OAuthFlowTest.browser;
import static dev.latchkey.server.factor.oauth.OAuthFlowTest.startUrl;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.OAuthBrowser;
import dev.latchkey.server.testing.TestOidc;
import dev.latchkey.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the database holds of a flow: the state only as a hash, Latchkey's PKCE verifier and the provider's tokens
 * only sealed with the key-encryption key, the app's token only as a hash.
 */
class OAuthSecretsAtRestTest {
  @Test
  void statesTokensAndTheProvidersTokensAreHashedOrSealedAtRest() throws Exception {
    try (TestOidc idp = TestOidc.start()) {
      Map<String, String> env = new HashMap<>(idp.env("google"));
      env.put("LATCHKEY_REDIRECT_URLS", TestServer.REDIRECT_URL + "," + SIGNUP_URL);
      env.put("LATCHKEY_KEY_ENCRYPTION_KEY", Base64.getEncoder().encodeToString(new byte[32]).replace('A', 'k'));
      try (TestServer server = TestServer.start(env, Clock.systemUTC())) {
        idp.nextUser("google", "rest-sub", "oauth-rest@example.com", true);
        OAuthBrowser b = browser();
        HttpResponse<String> start = b.get(startUrl(server, "google", ""));
        String state = b.cookiesFor(server.baseUrl() + "/v1/public/oauth/callback/google").get(0).getValue();
        String states = dump(server, "oauth_states");
        assertThat(states).doesNotContain(state).contains("aes-256-gcm");

        OAuthBrowser.Landing landing = b.follow(start.headers().firstValue("Location").orElseThrow());
        String token = landing.param("token");
        String tokens = dump(server, "oauth_tokens");
        ApiClient.Reply r = server.api().post("/v1/oauth/authenticate", "{\"token\":\"" + token + "\"}");
        JsonNode values = r.json().path("provider_values");

        assertThat(values.path("id_token").asText()).isNotEmpty();
        assertThat(tokens).contains("aes-256-gcm").doesNotContain(token)
            .doesNotContain(values.path("access_token").asText()).doesNotContain(values.path("id_token").asText())
            .doesNotContain(values.path("id_token").asText().split("\\.")[1]);
        assertThat(dump(server, "oauth_tokens")).as("spent").isEmpty();
      }
    }
  }

  private static String dump(TestServer server, String table) throws SQLException {
    StringBuilder out = new StringBuilder();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + server.dataDir().resolve("latchkey.db"));
        ResultSet rs = c.createStatement().executeQuery("SELECT * FROM " + table)) {
      while (rs.next()) {
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
          out.append(rs.getString(i)).append('\t');
        }
        out.append('\n');
      }
    }
    return out.toString();
  }
}
