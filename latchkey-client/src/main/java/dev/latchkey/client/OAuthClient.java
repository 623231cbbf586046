package dev.latchkey.client;

import dev.latchkey.model.AuthenticateResponse;
import dev.latchkey.model.internal.Checks;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

/**
 * Sign-in with an OAuth provider ({@code google}, {@code microsoft}, {@code apple}, {@code github}, {@code oidc}).
 * {@link #startUrl} gives the URL to open in a browser, with a PKCE challenge whose verifier this client keeps; the
 * provider and the server then send the browser to the app's redirect URL with
 * {@code ?stytch_token_type=oauth&token=...}, which the app passes to {@link #authenticate}. The session it starts
 * becomes the client's; signed in, the provider is a second factor added to the current session.
 *
 * <pre>{@code
 * URI url = client.oauth().startUrl("google", OAuthStartOptions.builder()
 *     .loginRedirectUrl("myapp://oauth").signupRedirectUrl("myapp://oauth").build());
 * // open url in the system browser; the app receives myapp://oauth?stytch_token_type=oauth&token=...
 * client.oauth().authenticate(token, 60).join();
 * }</pre>
 *
 * <p>The verifier lives in this client's memory, for the most recent start only: authenticate in the same process
 * (a new start replaces it).
 */
public final class OAuthClient {
  private static final Pattern PROVIDER = Pattern.compile("[a-z]{1,32}");
  private static final SecureRandom RANDOM = new SecureRandom();
  private final Engine engine;
  private final Api api;
  private final URI baseUrl;
  private final String publicToken;
  private final AtomicReference<String> verifier = new AtomicReference<>();

  OAuthClient(Engine engine, Api api, URI baseUrl, String publicToken) {
    this.engine = engine;
    this.api = api;
    this.baseUrl = baseUrl;
    this.publicToken = publicToken;
  }

  /**
   * The URL that starts a sign-in with {@code provider} in a browser ({@code /v1/public/oauth/<provider>/start}),
   * with a fresh PKCE challenge; the verifier is kept for {@link #authenticate}. Makes no call.
   */
  public URI startUrl(String provider, OAuthStartOptions options) {
    String p = Checks.text(provider, "provider");
    if (!PROVIDER.matcher(p).matches()) {
      throw new IllegalArgumentException("provider must be a provider name such as google or github: " + p);
    }
    Objects.requireNonNull(options, "options");
    byte[] random = new byte[32];
    RANDOM.nextBytes(random);
    String v = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    Map<String, String> q = new LinkedHashMap<>();
    q.put("public_token", publicToken);
    q.put("code_challenge", s256(v));
    if (options.loginRedirectUrl != null) {
      q.put("login_redirect_url", options.loginRedirectUrl);
    }
    if (options.signupRedirectUrl != null) {
      q.put("signup_redirect_url", options.signupRedirectUrl);
    }
    if (!options.customScopes.isEmpty()) {
      q.put("custom_scopes", String.join(" ", options.customScopes));
    }
    options.providerParameters.forEach((k, val) -> q.put("provider_" + k, val));
    StringBuilder url = new StringBuilder(base()).append("/v1/public/oauth/").append(p).append("/start");
    char sep = '?';
    for (Map.Entry<String, String> e : q.entrySet()) {
      url.append(sep).append(enc(e.getKey())).append('=').append(enc(e.getValue()));
      sep = '&';
    }
    verifier.set(v);
    return URI.create(url.toString());
  }

  /**
   * Signs in with the redirect's token, sending the verifier of the last {@link #startUrl} (and forgetting it);
   * the session it starts (or steps up) becomes the client's.
   */
  public CompletableFuture<AuthenticateResponse> authenticate(String token, int sessionDurationMinutes) {
    Objects.requireNonNull(token, "token");
    SessionOptions.durationMinutes(sessionDurationMinutes); // validates the range, naming it
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("token", token);
    body.put("session_duration_minutes", sessionDurationMinutes);
    String v = verifier.getAndSet(null);
    if (v != null) {
      body.put("code_verifier", v);
    }
    String session = engine.currentSessionToken();
    return engine.signIn(() -> api.post("/sdk/v1/oauth/authenticate", session, body), sessionDurationMinutes);
  }

  private String base() {
    String b = baseUrl.toString();
    return b.endsWith("/") ? b.substring(0, b.length() - 1) : b;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String s256(String verifier) {
    try {
      return Base64.getUrlEncoder().withoutPadding().encodeToString(
          MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
