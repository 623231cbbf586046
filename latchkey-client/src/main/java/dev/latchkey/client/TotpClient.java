package dev.latchkey.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.model.AuthenticateResponse;
import dev.latchkey.model.TotpRecoveryCodesResponse;
import dev.latchkey.model.User;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * An authenticator app (TOTP) as the signed-in user's second factor ({@code /sdk/v1/totps}). Every call needs a
 * session (otherwise it fails at once with {@link LatchkeyClientException#NO_SESSION}); a code or a recovery code
 * is added to that session, and the session listeners hear of the new factor.
 *
 * <pre>{@code
 * TotpRegistration reg = client.totps().create(60).join();     // show reg.qrCode() once
 * client.totps().authenticate(codeFromTheApp, 60).join();      // the session now has two factors
 * }</pre>
 */
public final class TotpClient {
  private final Engine engine;
  private final Api api;

  TotpClient(Engine engine, Api api) {
    this.engine = engine;
    this.api = api;
  }

  /**
   * Registers an app for the signed-in user; it must be used within {@code expirationMinutes} (5 to 1440). The
   * cached user (with the new, unverified registration) is updated and its listeners told.
   */
  public CompletableFuture<TotpRegistration> create(int expirationMinutes) {
    if (expirationMinutes < 5 || expirationMinutes > 1440) {
      throw new IllegalArgumentException("expirationMinutes is " + expirationMinutes
          + "; it must be between 5 and 1440");
    }
    record Created(TotpRegistration registration, User user) {}
    return engine.sessionCall(token -> {
      JsonNode data = api.postData("/sdk/v1/totps", token, Map.of("expiration_minutes", expirationMinutes));
      User user = data.path("__user").isObject() ? api.readAs(data.get("__user"), User.class) : null;
      return new Created(api.readAs(data, TotpRegistration.class), user);
    }, Created::user).thenApply(Created::registration);
  }

  /** Adds the app's current six-digit code to the session. */
  public CompletableFuture<AuthenticateResponse> authenticate(String totpCode, int sessionDurationMinutes) {
    Objects.requireNonNull(totpCode, "totpCode");
    return stepUp("/sdk/v1/totps/authenticate", "totp_code", totpCode, sessionDurationMinutes);
  }

  /** Adds a recovery code (each works once) to the session, for a user who lost the app. */
  public CompletableFuture<AuthenticateResponse> recover(String recoveryCode, int sessionDurationMinutes) {
    Objects.requireNonNull(recoveryCode, "recoveryCode");
    return stepUp("/sdk/v1/totps/recover", "recovery_code", recoveryCode, sessionDurationMinutes);
  }

  /** The signed-in user's registrations with their unused recovery codes. */
  public CompletableFuture<List<TotpRecoveryCodesResponse.TotpRecoveryCodes>> recoveryCodes() {
    return engine.sessionCall(token -> api.post("/sdk/v1/totps/recovery_codes", token, null,
        TotpRecoveryCodesResponse.class).totps(), codes -> null);
  }

  private CompletableFuture<AuthenticateResponse> stepUp(String path, String field, String value, int minutes) {
    SessionOptions.durationMinutes(minutes); // validates the range, naming it
    String session = engine.currentSessionToken();
    if (session == null) {
      return CompletableFuture.failedFuture(LatchkeyClientException.local(LatchkeyClientException.NO_SESSION,
          "There is no signed-in user: a TOTP is a second factor", null));
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put(field, value);
    body.put("session_duration_minutes", minutes);
    return engine.signIn(() -> api.post(path, session, body), minutes);
  }
}
