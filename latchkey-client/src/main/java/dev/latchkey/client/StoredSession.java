package dev.latchkey.client;

import dev.latchkey.model.Session;
import dev.latchkey.model.User;
import java.util.Objects;

/**
 * What a {@link TokenStore} keeps between runs: the tokens, and the last session and user the server confirmed, so
 * a restarted app shows its signed-in state at once (marked {@code fromCache}) while the client checks it.
 *
 * @param tokens never null
 * @param session the last known session, or null when only tokens are known (after {@code updateSession})
 * @param user the last known user, or null
 */
public record StoredSession(SessionTokens tokens, Session session, User user) {
  public StoredSession {
    Objects.requireNonNull(tokens, "tokens");
  }
}
