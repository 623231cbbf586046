package dev.latchkey.server.factor.oauth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.model.OAuthProviderValues;
import dev.latchkey.server.error.ErrorCode;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * GitHub: plain OAuth 2 (no ID token), so who the user is comes from its REST API with the access token:
 * {@code GET /user} (the subject is the numeric {@code id}, which never changes, unlike the login) and
 * {@code GET /user/emails}, of which only the primary address, and only when GitHub says it is verified, is used.
 */
final class GitHubProvider implements Provider {
  private final String baseUrl;
  private final String apiUrl;
  private final String clientId;
  private final String clientSecret;
  private final ProviderHttp http;
  private final Clock clock;

  GitHubProvider(String baseUrl, String apiUrl, String clientId, String clientSecret, ProviderHttp http,
      Clock clock) {
    this.baseUrl = baseUrl;
    this.apiUrl = apiUrl;
    this.clientId = clientId;
    this.clientSecret = clientSecret;
    this.http = http;
    this.clock = clock;
  }

  @Override
  public String name() {
    return "github";
  }

  @Override
  public String providerType() {
    return "Github";
  }

  @Override
  public String defaultScopes() {
    return "read:user user:email";
  }

  @Override
  public String authorizationUrl(String redirectUri, String state, String nonce, String codeChallenge, String scopes,
      Map<String, String> extra) {
    Map<String, String> q = new LinkedHashMap<>(extra);
    q.put("client_id", clientId);
    q.put("redirect_uri", redirectUri);
    q.put("scope", scopes);
    q.put("state", state);
    q.put("code_challenge", codeChallenge);
    q.put("code_challenge_method", "S256");
    return baseUrl + "/login/oauth/authorize?" + q.entrySet().stream()
        .map(e -> ProviderHttp.enc(e.getKey()) + "=" + ProviderHttp.enc(e.getValue()))
        .collect(Collectors.joining("&"));
  }

  @Override
  public Profile exchange(String code, String codeVerifier, String redirectUri, String nonce) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("client_id", clientId);
    form.put("client_secret", clientSecret);
    form.put("code", code);
    form.put("redirect_uri", redirectUri);
    form.put("code_verifier", codeVerifier);
    ProviderHttp.Reply r = http.postForm(baseUrl + "/login/oauth/access_token", form);
    if (r.status() >= 500 || r.body() == null) {
      throw ProviderHttp.unavailable("its token endpoint answered " + r.status());
    }
    // GitHub answers a refused code with 200 and an "error" field.
    String accessToken = ProviderHttp.text(r.body(), "access_token");
    if (r.status() != 200 || accessToken == null) {
      String error = ProviderHttp.text(r.body(), "error");
      throw ErrorCode.OAUTH_PROVIDER_ERROR.exception("GitHub refused the authorization code ("
          + OidcProvider.safe(error == null ? "status " + r.status() : error) + "): start the sign-in again.");
    }
    ProviderHttp.Reply user = http.get(apiUrl + "/user", accessToken);
    JsonNode id = user.body() == null ? null : user.body().get("id");
    if (user.status() != 200 || id == null || !id.canConvertToLong()) {
      throw ProviderHttp.unavailable("GitHub's /user answered " + user.status() + " without a user id");
    }
    ProviderHttp.Reply emails = http.get(apiUrl + "/user/emails", accessToken);
    if (emails.status() != 200 || emails.body() == null || !emails.body().isArray()) {
      throw ProviderHttp.unavailable("GitHub's /user/emails answered " + emails.status()
          + " (the user:email scope is needed)");
    }
    String email = null;
    boolean verified = false;
    for (JsonNode e : emails.body()) {
      if (e.path("primary").asBoolean(false) && e.path("email").isTextual()) {
        email = e.get("email").asText();
        verified = e.path("verified").isBoolean() && e.get("verified").asBoolean();
      }
    }
    String name = ProviderHttp.text(user.body(), "name");
    String first = null;
    String last = null;
    if (name != null && !name.isBlank()) {
      int space = name.strip().lastIndexOf(' ');
      first = space < 0 ? name.strip() : name.strip().substring(0, space);
      last = space < 0 ? null : name.strip().substring(space + 1);
    }
    String scope = ProviderHttp.text(r.body(), "scope");
    List<String> granted = Arrays.stream((scope == null ? "" : scope).split("[ ,]+")).filter(s -> !s.isEmpty())
        .toList();
    JsonNode expiresIn = r.body().get("expires_in");
    Instant expiresAt = expiresIn != null && expiresIn.canConvertToLong()
        ? clock.instant().plusSeconds(expiresIn.asLong()).truncatedTo(ChronoUnit.SECONDS) : null;
    return new Profile(String.valueOf(id.asLong()), email, verified, first, last,
        ProviderHttp.text(user.body(), "avatar_url"), null, new OAuthProviderValues(accessToken,
            ProviderHttp.text(r.body(), "refresh_token"), "", granted, expiresAt));
  }
}
