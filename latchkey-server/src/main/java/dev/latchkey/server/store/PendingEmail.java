package dev.latchkey.server.store;

import java.time.Instant;

/**
 * An address a send named for an existing user, not yet proven: it counts for nothing (no sign-in, no search, not in
 * the user's emails) until the link or code mailed to it is used, which moves it into the user's emails under the
 * same {@code emailId}. Kept until {@code expiresAt}, the expiry of the latest link or code mailed for it, and while one of them
 * is live.
 */
public record PendingEmail(String emailId, String userId, String email, Instant expiresAt) {}
