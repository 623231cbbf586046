package dev.latchkey.model;

/**
 * {@code POST /v1/sessions/revoke_others} (a Latchkey extension): the session to keep, named by exactly one of its
 * token and its JWT; every other live session of its user is revoked. The token is a secret: {@link #toString()}
 * leaves both out.
 */
public record SessionRevokeOthersRequest(String sessionToken, String sessionJwt) {
  public static SessionRevokeOthersRequest byToken(String sessionToken) {
    return new SessionRevokeOthersRequest(sessionToken, null);
  }

  public static SessionRevokeOthersRequest byJwt(String sessionJwt) {
    return new SessionRevokeOthersRequest(null, sessionJwt);
  }

  @Override
  public String toString() {
    return "SessionRevokeOthersRequest[" + (sessionToken != null ? "sessionToken=<redacted>" : "sessionJwt=<redacted>")
        + "]";
  }
}
