package dev.latchkey.client;

import dev.latchkey.model.Session;

/**
 * The cached session and where it came from.
 *
 * @param session the session, or null when signed out (or when the cached one has expired by the client's clock)
 * @param fromCache true while the session is the one loaded from the {@link TokenStore} at start-up and the server
 *     has not confirmed it yet
 */
public record SessionInfo(Session session, boolean fromCache) {}
