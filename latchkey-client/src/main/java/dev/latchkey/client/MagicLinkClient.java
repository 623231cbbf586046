package dev.latchkey.client;

import dev.latchkey.model.AuthenticateResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Sign-in by a link mailed to the user ({@code /sdk/v1/magic_links}). The link opens the app's redirect URL with
 * {@code ?stytch_token_type=magic_links&token=...}; the app passes that token to {@link #authenticate}. Signed in,
 * the link is a second factor: it is added to the current session (same session id), and the session listeners
 * hear of the new factor.
 *
 * <pre>{@code
 * client.magicLinks().loginOrCreate("ada@example.com").join();
 * // ... the user opens the link; the app reads its token parameter:
 * client.magicLinks().authenticate(token, 60).join();
 * }</pre>
 */
public final class MagicLinkClient {
  private final Engine engine;
  private final Api api;

  MagicLinkClient(Engine engine, Api api) {
    this.engine = engine;
    this.api = api;
  }

  /** Mails a link to {@code email}, creating the user if there is none ({@code login_or_create}). */
  public CompletableFuture<EmailSent> loginOrCreate(String email) {
    Objects.requireNonNull(email, "email");
    return engine.plainCall(() -> api.post("/sdk/v1/magic_links/email/login_or_create", null,
        Map.of("email", email), EmailSent.class));
  }

  /**
   * Mails a link to an existing user. Signed out it goes to {@code email} ({@code send/primary}); signed in, to
   * the signed-in user's own {@code email} ({@code send/secondary}), to step the session up.
   */
  public CompletableFuture<EmailSent> send(String email) {
    Objects.requireNonNull(email, "email");
    String token = engine.currentSessionToken();
    String path = token == null ? "/sdk/v1/magic_links/email/send/primary"
        : "/sdk/v1/magic_links/email/send/secondary";
    return engine.plainCall(() -> api.post(path, token, Map.of("email", email), EmailSent.class));
  }

  /** Signs in with the link's token; the session it starts (or steps up) becomes the client's. */
  public CompletableFuture<AuthenticateResponse> authenticate(String token, int sessionDurationMinutes) {
    Objects.requireNonNull(token, "token");
    SessionOptions.durationMinutes(sessionDurationMinutes); // validates the range, naming it
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("token", token);
    body.put("session_duration_minutes", sessionDurationMinutes);
    String session = engine.currentSessionToken();
    return engine.signIn(() -> api.post("/sdk/v1/magic_links/authenticate", session, body),
        sessionDurationMinutes);
  }
}
