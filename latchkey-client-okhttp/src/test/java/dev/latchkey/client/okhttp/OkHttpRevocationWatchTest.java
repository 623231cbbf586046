package dev.latchkey.client.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.client.LatchkeyClient;
import dev.latchkey.model.AuthenticateResponse;
import dev.latchkey.model.Session;
import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.TestServer;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The client's revocation watch long-polls through OkHttp as through the JDK transport. */
class OkHttpRevocationWatchTest {
  @Test
  void aRevokeElsewhereSignsAnOkHttpClientOutWithoutARefresh() throws Exception {
    try (TestServer server = TestServer.start();
        LatchkeyClient client = LatchkeyClient.builder().baseUrl(URI.create(server.baseUrl()))
            .publicToken(server.publicToken).transport(OkHttpTransport.create(Duration.ofSeconds(10)))
            .refreshInterval(Duration.ofHours(1)).revocationWatch(true).revocationWait(Duration.ofSeconds(5))
            .build()) {
      BlockingQueue<Object> seen = new LinkedBlockingQueue<>();
      client.session().onChange(s -> seen.add(s == null ? "signed out" : s));
      AuthenticateResponse signUp = client.passwords().create("okhttp-watch-" + UUID.randomUUID()
          + "@example.com", "correct horse battery staple", 60).join();
      assertThat(seen.poll(20, TimeUnit.SECONDS)).isInstanceOf(Session.class);

      ApiClient.Reply revoked = server.api().post("/v1/sessions/revoke",
          "{\"session_id\":\"" + signUp.session().sessionId() + "\"}");
      assertThat(revoked.status()).isEqualTo(200);

      assertThat(seen.poll(20, TimeUnit.SECONDS)).isEqualTo("signed out");
      assertThat(client.session().getSync()).isNull();
    }
  }
}
