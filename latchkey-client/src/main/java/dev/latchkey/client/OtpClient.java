package dev.latchkey.client;

import dev.latchkey.model.AuthenticateResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Sign-in by a six-digit code mailed to the user ({@code /sdk/v1/otps}). Signed in, the code is a second factor:
 * it is added to the current session (same session id), and the session listeners hear of the new factor.
 *
 * <pre>{@code
 * EmailSent sent = client.otps().loginOrCreate("ada@example.com").join();
 * client.otps().authenticate(sent.methodId(), codeTheUserTyped, 60).join();
 * }</pre>
 */
public final class OtpClient {
  private final Engine engine;
  private final Api api;

  OtpClient(Engine engine, Api api) {
    this.engine = engine;
    this.api = api;
  }

  /** Mails a code to {@code email}, creating the user if there is none ({@code otps/email/login_or_create}). */
  public CompletableFuture<EmailSent> loginOrCreate(String email) {
    Objects.requireNonNull(email, "email");
    return engine.plainCall(() -> api.post("/sdk/v1/otps/email/login_or_create", null, Map.of("email", email),
        EmailSent.class));
  }

  /**
   * Mails a code to an existing user. Signed out it goes to {@code email} ({@code send/primary}); signed in, to
   * the signed-in user's own {@code email} ({@code send/secondary}), to step the session up.
   */
  public CompletableFuture<EmailSent> send(String email) {
    Objects.requireNonNull(email, "email");
    String token = engine.currentSessionToken();
    String path = token == null ? "/sdk/v1/otps/email/send/primary" : "/sdk/v1/otps/email/send/secondary";
    return engine.plainCall(() -> api.post(path, token, Map.of("email", email), EmailSent.class));
  }

  /** Signs in with the mailed {@code code} for {@code methodId} ({@link EmailSent#methodId()}). */
  public CompletableFuture<AuthenticateResponse> authenticate(String methodId, String code,
      int sessionDurationMinutes) {
    Objects.requireNonNull(methodId, "methodId");
    Objects.requireNonNull(code, "code");
    SessionOptions.durationMinutes(sessionDurationMinutes); // validates the range, naming it
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("method_id", methodId);
    body.put("token", code); // the SDK's name for the code
    body.put("session_duration_minutes", sessionDurationMinutes);
    String session = engine.currentSessionToken();
    return engine.signIn(() -> api.post("/sdk/v1/otps/authenticate", session, body), sessionDurationMinutes);
  }
}
