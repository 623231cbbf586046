package dev.latchkey.model;

/**
 * The reply of {@code POST /v1/oauth/attach}: a single-use {@code oauth_attach_token} to pass to the provider's
 * start URL ({@code &oauth_attach_token=}), which then links the provider account to that user.
 */
public record OAuthAttachResponse(int statusCode, String requestId, String oauthAttachToken) {}
