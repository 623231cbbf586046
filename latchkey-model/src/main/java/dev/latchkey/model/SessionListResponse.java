package dev.latchkey.model;

import java.util.List;

/** {@code GET /v1/sessions?user_id=}: the user's active sessions. */
public record SessionListResponse(int statusCode, String requestId, List<Session> sessions) {}
