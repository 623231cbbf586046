package dev.latchkey.model;

import java.util.Map;

/** {@code POST /v1/magic_links/authenticate}: the token from the link, and the usual session options. */
public record MagicLinkAuthenticateRequest(
    String token,
    String sessionToken,
    String sessionJwt,
    Integer sessionDurationMinutes,
    Map<String, Object> sessionCustomClaims,
    String codeVerifier,
    Attributes attributes,
    AuthenticateOptions options) {
  /** Without {@code options}: no device checks. */
  public MagicLinkAuthenticateRequest(String token, String sessionToken, String sessionJwt,
      Integer sessionDurationMinutes, Map<String, Object> sessionCustomClaims, String codeVerifier,
      Attributes attributes) {
    this(token, sessionToken, sessionJwt, sessionDurationMinutes, sessionCustomClaims, codeVerifier, attributes, null);
  }
}
