package dev.latchkey.client;

import dev.latchkey.model.internal.Checks;

import java.util.Objects;

/**
 * The two credentials of a session: the opaque {@code session_token} (sent as the HTTP Basic password) and the
 * {@code session_jwt} (for your own backend). Both are secrets: {@link #toString()} never shows them.
 *
 * <pre>{@code
 * SessionTokens t = client.session().getTokens();
 * if (t != null) {
 *   request.header("Authorization", "Bearer " + t.sessionJwt());
 * }
 * }</pre>
 *
 * @param sessionToken the opaque session token, never blank
 * @param sessionJwt the session JWT, never blank (as the mobile SDKs require since they dropped JWT-less hydration)
 */
public record SessionTokens(String sessionToken, String sessionJwt) {

  public SessionTokens {
    Checks.text(sessionToken, "sessionToken");
    Checks.text(sessionJwt, "sessionJwt");
  }

  @Override
  public String toString() {
    return "SessionTokens[sessionToken=<redacted>, sessionJwt=<redacted>]";
  }
}
