package dev.latchkey.client;

import dev.latchkey.model.User;

/**
 * The cached user and where it came from.
 *
 * @param user the signed-in user, or null when signed out
 * @param fromCache true while the user is the one loaded from the {@link TokenStore} at start-up and the server has
 *     not confirmed it yet
 */
public record UserInfo(User user, boolean fromCache) {}
