package dev.latchkey.model;

import java.util.List;

/** {@code POST /v1/sessions/revoke_others} (a Latchkey extension): the ids of the sessions it revoked. */
public record RevokeOthersResponse(int statusCode, String requestId, List<String> revokedSessionIds) {
  public RevokeOthersResponse {
    revokedSessionIds = List.copyOf(revokedSessionIds);
  }
}
