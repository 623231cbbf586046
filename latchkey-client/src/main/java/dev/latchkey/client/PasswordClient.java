package dev.latchkey.client;

import dev.latchkey.model.AuthenticateResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Email and password sign-up and sign-in. A success starts a session that replaces the client's current one.
 *
 * <pre>{@code
 * client.passwords().authenticate("ada@example.com", password, 60).join();
 * Session s = client.session().getSync();               // the new session
 * }</pre>
 */
public final class PasswordClient {
  private final Engine engine;
  private final Api api;

  PasswordClient(Engine engine, Api api) {
    this.engine = engine;
    this.api = api;
  }

  /** Creates a user with a password and signs them in ({@code POST /sdk/v1/passwords}). */
  public CompletableFuture<AuthenticateResponse> create(String email, String password, int sessionDurationMinutes) {
    return call("/sdk/v1/passwords", email, password, sessionDurationMinutes);
  }

  /** Signs in with email and password ({@code POST /sdk/v1/passwords/authenticate}). */
  public CompletableFuture<AuthenticateResponse> authenticate(String email, String password,
      int sessionDurationMinutes) {
    return call("/sdk/v1/passwords/authenticate", email, password, sessionDurationMinutes);
  }

  private CompletableFuture<AuthenticateResponse> call(String path, String email, String password, int minutes) {
    Objects.requireNonNull(email, "email");
    Objects.requireNonNull(password, "password");
    SessionOptions.durationMinutes(minutes); // validates the range, naming it
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("email", email);
    body.put("password", password);
    body.put("session_duration_minutes", minutes);
    // The current session token goes along, as the browser SDK sends it: the server may step that session up.
    String token = engine.currentSessionToken();
    return engine.signIn(() -> api.post(path, token, body), minutes);
  }
}
