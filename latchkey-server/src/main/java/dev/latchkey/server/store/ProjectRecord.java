package dev.latchkey.server.store;

import java.time.Instant;

/** The one project this deployment serves. The secret is kept only as a SHA-256 hash. */
public record ProjectRecord(String projectId, String secretHash, String publicToken, Instant createdAt) {}
