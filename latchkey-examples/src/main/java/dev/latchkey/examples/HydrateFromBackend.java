package dev.latchkey.examples;

import dev.latchkey.client.LatchkeyClient;
import dev.latchkey.client.SessionOptions;
import dev.latchkey.client.SessionTokens;
import dev.latchkey.model.Session;
import java.util.concurrent.CompletableFuture;

/**
 * Adopts a session that the app's backend created (for instance after its own login form called {@code POST
 * /v1/passwords/authenticate}), so that the client keeps and refreshes it from then on. The browser snippet it
 * translates:
 *
 * <pre>{@code
 * stytch.session.updateSession({ session_token: tokens.session_token, session_jwt: tokens.session_jwt });
 * await stytch.session.authenticate();
 * }</pre>
 *
 * <pre>{@code
 * Session s = HydrateFromBackend.adopt(client, tokensFromMyBackend).join();
 * }</pre>
 */
public final class HydrateFromBackend {
  private HydrateFromBackend() {}

  /** Hands the tokens to the client and loads the session they name; fails if the server refuses them. */
  public static CompletableFuture<Session> adopt(LatchkeyClient client, SessionTokens fromBackend) {
    client.session().updateSession(fromBackend);
    return client.session().authenticate(SessionOptions.checkOnly()).thenApply(r -> r.session());
  }
}
