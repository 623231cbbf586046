package dev.latchkey.client;

import dev.latchkey.model.Session;
import dev.latchkey.model.User;

/**
 * The client's whole state as one immutable snapshot, swapped atomically. {@code epoch} names the local session:
 * it changes whenever the app replaces or drops the session (sign-in, {@code updateSession}, sign-out), never on a
 * refresh, so an answer to a request sent in an older epoch is recognised as stale and discarded.
 */
record State(long epoch, SessionTokens tokens, Session session, User user, boolean fromCache) {

  static State signedOut(long epoch) {
    return new State(epoch, null, null, null, false);
  }

  boolean hasTokens() {
    return tokens != null;
  }
}
