package dev.latchkey.server.factor.oauth;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.latchkey.model.OAuthProviderValues;
import dev.latchkey.server.error.ErrorCode;
import java.net.MalformedURLException;
import java.net.URI;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * An OpenID Connect provider found by discovery ({@code <issuer>/.well-known/openid-configuration}): Google,
 * Microsoft, Apple, or any other. The ID token is checked with nimbus: signature by a key of the provider's JWKS
 * with a pinned algorithm (RS256 or ES256, never {@code none} or HMAC), issuer, audience (our client id), the
 * flow's nonce, expiry (60 seconds of clock skew), and a subject.
 */
final class OidcProvider implements Provider {
  private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256);
  /** Seconds of clock difference tolerated on exp and iat, nimbus's default. */
  private static final int CLOCK_SKEW_SECONDS = 60;
  private static final int JWKS_TIMEOUT_MILLIS = (int) ProviderHttp.TIMEOUT.toMillis();

  private final String name;
  private final String providerType;
  private final String defaultScopes;
  private final String issuerUrl;
  private final String clientId;
  private final String clientSecret;
  private final Map<String, String> fixedParameters;
  private final ProviderHttp http;
  private final Clock clock;
  private final AtomicReference<Discovered> discovered = new AtomicReference<>();

  /** What discovery said, and the key source built from it (it caches the JWKS and rate-limits refetches). */
  private record Discovered(String issuer, String authorizationEndpoint, String tokenEndpoint,
      JWKSource<SecurityContext> keys) {}

  OidcProvider(String name, String providerType, String defaultScopes, String issuerUrl, String clientId,
      String clientSecret, Map<String, String> fixedParameters, ProviderHttp http, Clock clock) {
    this.name = name;
    this.providerType = providerType;
    this.defaultScopes = defaultScopes;
    this.issuerUrl = issuerUrl;
    this.clientId = clientId;
    this.clientSecret = clientSecret;
    this.fixedParameters = Map.copyOf(fixedParameters);
    this.http = http;
    this.clock = clock;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String providerType() {
    return providerType;
  }

  @Override
  public String defaultScopes() {
    return defaultScopes;
  }

  @Override
  public String authorizationUrl(String redirectUri, String state, String nonce, String codeChallenge, String scopes,
      Map<String, String> extra) {
    Discovered d = discovery();
    Map<String, String> q = new LinkedHashMap<>(extra);
    q.putAll(fixedParameters);
    q.put("client_id", clientId);
    q.put("response_type", "code");
    q.put("redirect_uri", redirectUri);
    q.put("scope", scopes);
    q.put("state", state);
    q.put("nonce", nonce);
    q.put("code_challenge", codeChallenge);
    q.put("code_challenge_method", "S256");
    return d.authorizationEndpoint() + (d.authorizationEndpoint().contains("?") ? "&" : "?")
        + q.entrySet().stream().map(e -> ProviderHttp.enc(e.getKey()) + "=" + ProviderHttp.enc(e.getValue()))
            .collect(Collectors.joining("&"));
  }

  @Override
  public Profile exchange(String code, String codeVerifier, String redirectUri, String nonce) {
    Discovered d = discovery();
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "authorization_code");
    form.put("code", code);
    form.put("redirect_uri", redirectUri);
    form.put("client_id", clientId);
    form.put("client_secret", clientSecret);
    form.put("code_verifier", codeVerifier);
    ProviderHttp.Reply r = http.postForm(d.tokenEndpoint(), form);
    if (r.status() >= 500 || r.body() == null) {
      throw ProviderHttp.unavailable("its token endpoint answered " + r.status());
    }
    if (r.status() != 200) {
      String error = ProviderHttp.text(r.body(), "error");
      throw ErrorCode.OAUTH_PROVIDER_ERROR.exception("The provider refused the authorization code ("
          + (error == null ? "status " + r.status() : safe(error)) + "): start the sign-in again.");
    }
    String idToken = ProviderHttp.text(r.body(), "id_token");
    if (idToken == null) {
      throw ErrorCode.INVALID_OAUTH_ID_TOKEN.exception("The provider's token reply has no id_token.");
    }
    JWTClaimsSet claims = validate(d, idToken, nonce);
    String accessToken = ProviderHttp.text(r.body(), "access_token");
    JsonNode expiresIn = r.body().get("expires_in");
    Instant expiresAt = expiresIn != null && expiresIn.canConvertToLong()
        ? clock.instant().plusSeconds(expiresIn.asLong()).truncatedTo(java.time.temporal.ChronoUnit.SECONDS) : null;
    String scope = ProviderHttp.text(r.body(), "scope");
    List<String> granted = Arrays.stream((scope == null ? "" : scope).split("[ ,]+")).filter(s -> !s.isEmpty())
        .toList();
    OAuthProviderValues values = new OAuthProviderValues(accessToken, ProviderHttp.text(r.body(), "refresh_token"),
        idToken, granted, expiresAt);
    return new Profile(claims.getSubject(), stringClaim(claims, "email"), emailVerified(claims),
        stringClaim(claims, "given_name"), stringClaim(claims, "family_name"), stringClaim(claims, "picture"),
        stringClaim(claims, "locale"), values);
  }

  /** The ID token's claims once every check passed. */
  JWTClaimsSet validate(Discovered d, String idToken, String nonce) {
    DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, d.keys()));
    DefaultJWTClaimsVerifier<SecurityContext> verifier = new DefaultJWTClaimsVerifier<>(clientId,
        new JWTClaimsSet.Builder().claim("nonce", nonce).build(), Set.of("sub", "exp", "iat", "iss")) {
      @Override
      protected Date currentTime() {
        return Date.from(clock.instant());
      }
    };
    verifier.setMaxClockSkew(CLOCK_SKEW_SECONDS);
    processor.setJWTClaimsSetVerifier(verifier);
    JWTClaimsSet claims;
    try {
      claims = processor.process(idToken, null);
    } catch (ParseException | BadJOSEException e) {
      throw ErrorCode.INVALID_OAUTH_ID_TOKEN.exception("The provider's ID token was refused: " + safe(e.getMessage())
          + ".");
    } catch (JOSEException e) {
      throw ProviderHttp.unavailable("its signing keys could not be read");
    }
    if (!expectedIssuer(d.issuer(), claims).equals(claims.getIssuer())) {
      throw ErrorCode.INVALID_OAUTH_ID_TOKEN.exception("The provider's ID token was refused: its issuer is not "
          + d.issuer() + ".");
    }
    return claims;
  }

  /** Microsoft's multi-tenant issuer names {@code {tenantid}}, which each token fills in with its {@code tid}. */
  private static String expectedIssuer(String issuer, JWTClaimsSet claims) {
    if (!issuer.contains("{tenantid}")) {
      return issuer;
    }
    String tid = stringClaim(claims, "tid");
    return tid == null || !tid.matches("[0-9a-fA-F-]{1,64}") ? issuer : issuer.replace("{tenantid}", tid);
  }

  /** {@code email_verified} as a boolean or, as Apple sends it, the text {@code "true"}; absent means unverified. */
  private static boolean emailVerified(JWTClaimsSet claims) {
    Object v = claims.getClaim("email_verified");
    return Boolean.TRUE.equals(v) || "true".equals(v);
  }

  private static String stringClaim(JWTClaimsSet claims, String name) {
    Object v = claims.getClaim(name);
    return v instanceof String s && !s.isEmpty() ? s : null;
  }

  private Discovered discovery() {
    Discovered d = discovered.get();
    if (d != null) {
      return d;
    }
    ProviderHttp.Reply r = http.get(issuerUrl + "/.well-known/openid-configuration", null);
    String issuer = ProviderHttp.text(r.body(), "issuer");
    String authorize = ProviderHttp.text(r.body(), "authorization_endpoint");
    String token = ProviderHttp.text(r.body(), "token_endpoint");
    String jwks = ProviderHttp.text(r.body(), "jwks_uri");
    if (r.status() != 200 || issuer == null || authorize == null || token == null || jwks == null) {
      throw ProviderHttp.unavailable("its discovery document (" + issuerUrl
          + "/.well-known/openid-configuration) is missing or incomplete");
    }
    try {
      JWKSource<SecurityContext> keys = JWKSourceBuilder.<SecurityContext>create(URI.create(jwks).toURL(),
          new DefaultResourceRetriever(JWKS_TIMEOUT_MILLIS, JWKS_TIMEOUT_MILLIS, 512 * 1024)).retrying(false)
          .build();
      d = new Discovered(issuer, authorize, token, keys);
    } catch (MalformedURLException | IllegalArgumentException e) {
      throw ProviderHttp.unavailable("its jwks_uri is not a URL");
    }
    discovered.compareAndSet(null, d);
    return discovered.get();
  }

  /** A provider's text in our message: printable ASCII, bounded. */
  static String safe(String s) {
    if (s == null) {
      return "no reason given";
    }
    String printable = s.replaceAll("[^\\x20-\\x7e]", "?");
    return printable.length() > 200 ? printable.substring(0, 200) + "..." : printable;
  }
}
