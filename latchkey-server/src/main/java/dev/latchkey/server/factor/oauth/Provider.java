package dev.latchkey.server.factor.oauth;

import dev.latchkey.model.OAuthProviderValues;
import java.util.Map;

/** One identity provider: where to send the browser, and what its callback's code proves. */
interface Provider {
  /** The name in Latchkey's paths: {@code google}, {@code microsoft}, {@code apple}, {@code github}, {@code oidc}. */
  String name();

  /** Stytch's {@code provider_type}, e.g. {@code Google}. */
  String providerType();

  /** The scopes asked for when the app names none. */
  String defaultScopes();

  /**
   * The provider's authorization URL for this flow; {@code extra} are the app's {@code provider_*} parameters with
   * the prefix removed (already checked not to override the protocol's own).
   */
  String authorizationUrl(String redirectUri, String state, String nonce, String codeChallenge, String scopes,
      Map<String, String> extra);

  /**
   * Exchanges the callback's code (with the PKCE verifier) and returns who the user is at the provider; refuses an
   * ID token that fails validation ({@code invalid_oauth_id_token}) or a refused code ({@code oauth_provider_error}).
   */
  Profile exchange(String code, String codeVerifier, String redirectUri, String nonce);

  /** The user at the provider, and the provider's tokens. {@code email} may be null. */
  record Profile(String subject, String email, boolean emailVerified, String firstName, String lastName,
      String pictureUrl, String locale, OAuthProviderValues values) {}
}
