package dev.latchkey.examples;

import dev.latchkey.client.LatchkeyClient;
import dev.latchkey.client.SessionTokens;
import dev.latchkey.client.Subscription;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Tells the app's own backend about the session whenever it changes: the fresh session JWT after a sign-in or an
 * extension, a sign-out when it ends. The backend verifies the JWT itself (e.g. with {@code latchkey-backend}).
 * The browser snippet it translates:
 *
 * <pre>{@code
 * stytch.session.onChange((session) => {
 *   const tokens = stytch.session.getTokens();
 *   fetch('/api/session', { method: 'POST', headers: { Authorization: `Bearer ${tokens?.session_jwt}` } });
 * });
 * }</pre>
 *
 * <pre>{@code
 * Subscription sync = BackendSync.start(client, URI.create("https://api.example.com"));
 * }</pre>
 */
public final class BackendSync {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private BackendSync() {}

  /** Posts to {@code backend}/api/session on every change; stop with {@code unsubscribe()}. */
  public static Subscription start(LatchkeyClient client, URI backend) {
    return client.session().onChange(session -> {
      SessionTokens tokens = client.session().getTokens();
      HttpRequest.Builder request = HttpRequest.newBuilder(backend.resolve("/api/session"))
          .timeout(Duration.ofSeconds(10));
      if (session != null && tokens != null) {
        request.header("Authorization", "Bearer " + tokens.sessionJwt()).POST(HttpRequest.BodyPublishers.noBody());
      } else {
        request.DELETE(); // signed out
      }
      try {
        // Listeners run on the client's listener thread: a blocking call is fine here, as long as it is short.
        HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding());
      } catch (IOException e) {
        // The backend is told again on the next change; the app's session does not depend on it.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
  }
}
