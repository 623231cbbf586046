package dev.latchkey.client;

import dev.latchkey.model.internal.Checks;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an OAuth start may say besides the provider: where the server sends the browser back (each must be one of
 * the server's {@code LATCHKEY_REDIRECT_URLS}; the first of them when unset), extra scopes, and parameters passed
 * on to the provider. Immutable; build with {@link #builder()}.
 *
 * <pre>{@code
 * OAuthStartOptions options = OAuthStartOptions.builder()
 *     .loginRedirectUrl("myapp://oauth/login")
 *     .customScope("https://www.googleapis.com/auth/calendar.readonly")
 *     .providerParameter("prompt", "select_account")
 *     .build();
 * }</pre>
 */
public final class OAuthStartOptions {
  private static final OAuthStartOptions DEFAULTS = builder().build();
  final String loginRedirectUrl;
  final String signupRedirectUrl;
  final List<String> customScopes;
  final Map<String, String> providerParameters;

  private OAuthStartOptions(Builder b) {
    this.loginRedirectUrl = b.loginRedirectUrl;
    this.signupRedirectUrl = b.signupRedirectUrl;
    this.customScopes = List.copyOf(b.customScopes);
    this.providerParameters = Map.copyOf(b.providerParameters);
  }

  /** No redirect URLs (the server's default), no extra scopes or parameters. */
  public static OAuthStartOptions defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String toString() {
    return "OAuthStartOptions[loginRedirectUrl=" + loginRedirectUrl + ", signupRedirectUrl=" + signupRedirectUrl
        + ", customScopes=" + customScopes + ", providerParameters=" + providerParameters.keySet() + "]";
  }

  /** Collects the options; every setter checks its argument and names it when it refuses it. */
  public static final class Builder {
    private String loginRedirectUrl;
    private String signupRedirectUrl;
    private final List<String> customScopes = new ArrayList<>();
    private final Map<String, String> providerParameters = new LinkedHashMap<>();

    private Builder() {}

    /** Where an existing user is sent back, with {@code ?stytch_token_type=oauth&token=...}. */
    public Builder loginRedirectUrl(String url) {
      this.loginRedirectUrl = Checks.text(url, "loginRedirectUrl");
      return this;
    }

    /** Where a user created by this sign-in is sent back. */
    public Builder signupRedirectUrl(String url) {
      this.signupRedirectUrl = Checks.text(url, "signupRedirectUrl");
      return this;
    }

    /** A scope asked for besides the provider's defaults. */
    public Builder customScope(String scope) {
      String s = Checks.text(scope, "customScope");
      if (s.contains(" ")) {
        throw new IllegalArgumentException("customScope must be one scope, without spaces: " + s);
      }
      customScopes.add(s);
      return this;
    }

    /** A parameter passed to the provider, e.g. {@code prompt} or {@code login_hint}. */
    public Builder providerParameter(String name, String value) {
      String n = Checks.text(name, "providerParameter name");
      if (!n.matches("[a-z][a-z0-9_]{0,63}")) {
        throw new IllegalArgumentException("providerParameter name must be a lower-case parameter name: " + n);
      }
      providerParameters.put(n, Checks.text(value, "providerParameter value"));
      return this;
    }

    public OAuthStartOptions build() {
      return new OAuthStartOptions(this);
    }
  }
}
