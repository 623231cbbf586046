package dev.latchkey.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.server.error.ErrorCode;
import java.io.IOException;
import java.util.Map;

/**
 * Stytch request fields that ask for a check Latchkey does not make. Unknown fields are otherwise ignored (the SDKs
 * send fields Latchkey has no use for), but ignoring one of these would answer 200 without the verdict the caller
 * asked for: fail open. So a request that gives one (with any value but {@code null}) is refused with
 * {@code 400 unsupported_request_field} naming it, before anything is read or written. {@code docs/api.md} ("Fields
 * Latchkey ignores") lists these and every field that is safely ignored; a test keeps the two in step.
 */
final class RefusedFields {
  private static final String NO_RBAC = "asks for a check Latchkey does not implement (RBAC beyond the default "
      + "stytch_user role)";

  /** Per route path: the refused top-level fields, each with what it asks for. */
  static final Map<String, Map<String, String>> BY_ROUTE = Map.of(
      // RBAC beyond the default stytch_user role is not offered, so there is no verdict to give.
      "/v1/sessions/authenticate", Map.of("authorization_check", NO_RBAC),
      "/sdk/v1/sessions/authenticate", Map.of("authorization_check", NO_RBAC));

  private RefusedFields() {}

  /** Refuses {@code body} (already read as valid JSON) if it gives a field refused on {@code path}. */
  static void check(String path, byte[] body) {
    Map<String, String> refused = BY_ROUTE.get(path);
    if (refused == null || !mayGive(body, refused.keySet())) {
      return;
    }
    JsonNode tree;
    try {
      tree = Replies.JSON.readTree(body);
    } catch (IOException e) {
      // The typed read accepted this body already; nothing else can go wrong here.
      throw ErrorCode.MALFORMED_JSON.exception("The request body is not valid JSON.");
    }
    for (Map.Entry<String, String> field : new java.util.TreeMap<>(refused).entrySet()) {
      JsonNode value = tree.get(field.getKey());
      if (value != null && !value.isNull()) {
        throw ErrorCode.UNSUPPORTED_REQUEST_FIELD.exception("Field '" + field.getKey() + "' " + field.getValue()
            + ", so it is refused rather than ignored; leave it out.");
      }
    }
  }

  /**
   * False only when {@code body} cannot give any of {@code names}: it holds none of them literally and no backslash
   * (so no name written with escapes). Every session check passes here, and parsing its body a second time into a
   * tree was a tenth of what the check allocated.
   */
  static boolean mayGive(byte[] body, java.util.Set<String> names) {
    for (byte b : body) {
      if (b == '\\') {
        return true;
      }
    }
    for (String name : names) {
      if (indexOf(body, name) >= 0) {
        return true;
      }
    }
    return false;
  }

  /** Where the (ASCII) {@code name} starts in {@code body}, or -1. */
  private static int indexOf(byte[] body, String name) {
    outer:
    for (int i = 0; i + name.length() <= body.length; i++) {
      for (int j = 0; j < name.length(); j++) {
        if (body[i + j] != name.charAt(j)) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
