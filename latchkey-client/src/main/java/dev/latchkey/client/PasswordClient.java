package dev.latchkey.client;

import dev.latchkey.model.AuthenticateResponse;
import dev.latchkey.model.PasswordStrengthCheckResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Email and password sign-up and sign-in, strength checks and resets by email. A sign-in starts a session that
 * replaces the client's current one (or, signed in as the same user, adds the password factor to it).
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

  /** Stytch's strength verdict for a password ({@code POST /sdk/v1/passwords/strength_check}); email optional. */
  public CompletableFuture<PasswordStrengthCheckResponse> strengthCheck(String email, String password) {
    Objects.requireNonNull(password, "password");
    Map<String, Object> body = new LinkedHashMap<>();
    if (email != null) {
      body.put("email", email);
    }
    body.put("password", password);
    return engine.plainCall(() -> api.post("/sdk/v1/passwords/strength_check", null, body,
        PasswordStrengthCheckResponse.class));
  }

  /** Mails a password reset link to an existing user ({@code POST /sdk/v1/passwords/email/reset/start}). */
  public CompletableFuture<EmailSent> resetByEmailStart(String email) {
    Objects.requireNonNull(email, "email");
    return engine.plainCall(() -> api.post("/sdk/v1/passwords/email/reset/start", null, Map.of("email", email),
        EmailSent.class));
  }

  /**
   * Sets a new password with the {@code token} of the reset link and signs in: the server ends every other
   * session of the user ({@code POST /sdk/v1/passwords/email/reset}).
   */
  public CompletableFuture<AuthenticateResponse> resetByEmail(String token, String password,
      int sessionDurationMinutes) {
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(password, "password");
    SessionOptions.durationMinutes(sessionDurationMinutes); // validates the range, naming it
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("token", token);
    body.put("password", password);
    body.put("session_duration_minutes", sessionDurationMinutes);
    String session = engine.currentSessionToken();
    return engine.signIn(() -> api.post("/sdk/v1/passwords/email/reset", session, body), sessionDurationMinutes);
  }

  /**
   * Sets a new password after checking the current one, and signs in; the server ends every other session of the
   * user ({@code POST /sdk/v1/passwords/existing_password/reset}).
   */
  public CompletableFuture<AuthenticateResponse> resetByExistingPassword(String email, String existingPassword,
      String newPassword, int sessionDurationMinutes) {
    Objects.requireNonNull(email, "email");
    Objects.requireNonNull(existingPassword, "existingPassword");
    Objects.requireNonNull(newPassword, "newPassword");
    SessionOptions.durationMinutes(sessionDurationMinutes); // validates the range, naming it
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("email", email);
    body.put("existing_password", existingPassword);
    body.put("new_password", newPassword);
    body.put("session_duration_minutes", sessionDurationMinutes);
    String session = engine.currentSessionToken();
    return engine.signIn(() -> api.post("/sdk/v1/passwords/existing_password/reset", session, body),
        sessionDurationMinutes);
  }

  /**
   * Sets a new password for the signed-in user with the session alone, which needs a sign-in from the last 5
   * minutes; the server ends every other session of the user ({@code POST /sdk/v1/passwords/session/reset}).
   */
  public CompletableFuture<AuthenticateResponse> resetBySession(String password, int sessionDurationMinutes) {
    Objects.requireNonNull(password, "password");
    SessionOptions.durationMinutes(sessionDurationMinutes); // validates the range, naming it
    String session = engine.currentSessionToken();
    if (session == null) {
      return CompletableFuture.failedFuture(LatchkeyClientException.local(LatchkeyClientException.NO_SESSION,
          "There is no signed-in user", null));
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("password", password);
    body.put("session_duration_minutes", sessionDurationMinutes);
    return engine.signIn(() -> api.post("/sdk/v1/passwords/session/reset", session, body), sessionDurationMinutes);
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
