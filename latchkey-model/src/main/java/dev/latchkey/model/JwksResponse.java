package dev.latchkey.model;

import java.util.List;

/** {@code GET /v1/sessions/jwks/{project_id}}: the keys that may have signed a live session JWT. */
public record JwksResponse(int statusCode, String requestId, List<Jwk> keys) {}
