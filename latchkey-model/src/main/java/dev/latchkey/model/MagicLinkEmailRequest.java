package dev.latchkey.model;

/**
 * {@code POST /v1/magic_links/email/login_or_create} and {@code /send}: mail a sign-in link to {@code email}.
 * URLs must be on the server's allow-list; expirations are in minutes.
 */
public record MagicLinkEmailRequest(
    String email,
    String loginMagicLinkUrl,
    String signupMagicLinkUrl,
    Integer loginExpirationMinutes,
    Integer signupExpirationMinutes,
    Boolean createUserAsPending,
    String codeChallenge,
    Attributes attributes) {}
