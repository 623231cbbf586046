package dev.latchkey.server.config;

import java.util.List;

/**
 * The OAuth providers turned on (each with its client id and secret) and the URL browsers reach Latchkey at.
 *
 * @param publicUrl null: callbacks are built from each request's scheme and Host
 */
public record OAuthSettings(String publicUrl, List<Provider> providers) {
  public OAuthSettings {
    providers = List.copyOf(providers);
  }

  /**
   * One provider: {@code google}, {@code microsoft}, {@code apple}, {@code oidc} (OpenID Connect, {@code baseUrl}
   * is the issuer) or {@code github} ({@code baseUrl} the web URL, {@code apiUrl} the REST API).
   */
  public record Provider(String name, String clientId, String clientSecret, String baseUrl, String apiUrl) {
    @Override
    public String toString() {
      return "Provider[" + name + ", clientId=" + clientId + ", clientSecret=<redacted>, baseUrl=" + baseUrl + "]";
    }
  }
}
