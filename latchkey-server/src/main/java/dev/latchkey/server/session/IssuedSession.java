package dev.latchkey.server.session;

import dev.latchkey.server.store.SessionRecord;

/**
 * A session as it stands after a call, with what the caller gets back: the opaque token ({@code ""} when the call
 * did not present or create it: the store only has its hash) and its JWT: new, or the session's most recent one
 * while that is still exact and young (see {@code RecentJwts}).
 */
public record IssuedSession(SessionRecord session, String token, String jwt) {
  @Override
  public String toString() {
    return "IssuedSession[sessionId=" + session.sessionId() + ", token=<redacted>, jwt=<redacted>]";
  }
}
