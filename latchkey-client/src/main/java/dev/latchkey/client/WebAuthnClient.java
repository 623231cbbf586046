package dev.latchkey.client;

import dev.latchkey.model.AuthenticateResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Passkeys and WebAuthn ({@code /sdk/v1/webauthn}), for apps whose platform makes the credentials: the client passes
 * JSON through both ways and never touches a key. The {@code *Start} calls return the options as the JSON text that
 * a platform API takes (on Android, Credential Manager's {@code CreatePublicKeyCredentialRequest} and
 * {@code GetPublicKeyCredentialOption}; in a browser, {@code PublicKeyCredential.parseCreationOptionsFromJSON});
 * {@link #register} and {@link #authenticate} take the JSON the platform returned ({@code registrationResponseJson},
 * {@code authenticationResponseJson}, or the browser credential's {@code toJSON()}). Byte fields are base64url.
 *
 * <pre>{@code
 * String options = client.webauthn().registerStart("example.com", true).join();  // signed in
 * String credential = platform.createCredential(options);                         // the platform's UI
 * client.webauthn().register(credential, 60).join();                             // the session gains the factor
 *
 * String challenge = client.webauthn().authenticateStart("example.com", true).join();  // signed out: a passkey
 * client.webauthn().authenticate(platform.getCredential(challenge), 60).join();        // sign-in
 * }</pre>
 */
public final class WebAuthnClient {
  private final Engine engine;
  private final Api api;

  WebAuthnClient(Engine engine, Api api) {
    this.engine = engine;
    this.api = api;
  }

  /** What the start endpoints answer; only the options are used. */
  record Started(String publicKeyCredentialCreationOptions, String publicKeyCredentialRequestOptions) {}

  /**
   * Options to register a credential for the signed-in user at {@code domain} (the RP ID, which the server must
   * allow); {@code passkey} asks for a discoverable credential with user verification.
   */
  public CompletableFuture<String> registerStart(String domain, boolean passkey) {
    Map<String, Object> body = startBody(domain, passkey);
    return engine.sessionCall(token -> api.post("/sdk/v1/webauthn/register/start", token, body, Started.class)
        .publicKeyCredentialCreationOptions(), options -> null);
  }

  /** Registers the platform's new credential; its factor is added to the session, kept for its new length. */
  public CompletableFuture<AuthenticateResponse> register(String publicKeyCredentialJson,
      int sessionDurationMinutes) {
    Objects.requireNonNull(publicKeyCredentialJson, "publicKeyCredentialJson");
    SessionOptions.durationMinutes(sessionDurationMinutes); // validates the range, naming it
    String session = engine.currentSessionToken();
    if (session == null) {
      return CompletableFuture.failedFuture(LatchkeyClientException.local(LatchkeyClientException.NO_SESSION,
          "There is no signed-in user: a credential is registered for the signed-in user", null));
    }
    return engine.signIn(() -> api.post("/sdk/v1/webauthn/register", session,
        credentialBody(publicKeyCredentialJson, sessionDurationMinutes)), sessionDurationMinutes);
  }

  /**
   * Options to sign in at {@code domain}. Signed out, a passkey sign-in that names no user (the platform offers the
   * discoverable credentials it holds for the domain); signed in, a second factor limited to the user's credentials.
   */
  public CompletableFuture<String> authenticateStart(String domain, boolean passkey) {
    Map<String, Object> body = startBody(domain, passkey);
    if (engine.currentSessionToken() == null) {
      return engine.plainCall(() -> api.post("/sdk/v1/webauthn/authenticate/start/primary", null, body,
          Started.class).publicKeyCredentialRequestOptions());
    }
    return engine.sessionCall(token -> api.post("/sdk/v1/webauthn/authenticate/start/secondary", token, body,
        Started.class).publicKeyCredentialRequestOptions(), options -> null);
  }

  /**
   * Signs in with the platform's assertion: signed in, the factor is added to the session; signed out, a new
   * session of {@code sessionDurationMinutes} starts.
   */
  public CompletableFuture<AuthenticateResponse> authenticate(String publicKeyCredentialJson,
      int sessionDurationMinutes) {
    Objects.requireNonNull(publicKeyCredentialJson, "publicKeyCredentialJson");
    SessionOptions.durationMinutes(sessionDurationMinutes);
    String session = engine.currentSessionToken();
    return engine.signIn(() -> api.post("/sdk/v1/webauthn/authenticate", session,
        credentialBody(publicKeyCredentialJson, sessionDurationMinutes)), sessionDurationMinutes);
  }

  private static Map<String, Object> startBody(String domain, boolean passkey) {
    Objects.requireNonNull(domain, "domain");
    if (domain.isBlank()) {
      throw new IllegalArgumentException("domain must not be blank: it is the RP ID, e.g. example.com");
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("domain", domain);
    body.put("return_passkey_credential_options", passkey);
    body.put("use_base64_url_encoding", true);
    return body;
  }

  private static Map<String, Object> credentialBody(String credential, int minutes) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("public_key_credential", credential);
    body.put("session_duration_minutes", minutes);
    return body;
  }
}
