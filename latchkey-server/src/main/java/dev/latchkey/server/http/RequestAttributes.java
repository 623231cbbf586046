package dev.latchkey.server.http;

import dev.latchkey.model.Attributes;
import dev.latchkey.server.error.ErrorCode;
import io.javalin.http.Context;

/**
 * The end user's device as Stytch's {@code attributes} ({@code ip_address}, {@code user_agent}): recorded on the
 * sessions a sign-in creates and on mailed links and codes (for the {@code options} match checks). On {@code /v1}
 * it is what the backend forwards in {@code attributes}; on {@code /sdk/v1} the TCP peer and the
 * {@code User-Agent} header (as {@link EndUserIp}). Unknown parts are {@code ""}.
 */
final class RequestAttributes {
  /** Longer user agents are refused on {@code /v1} and cut to this length on {@code /sdk/v1}. */
  static final int MAX_USER_AGENT_LENGTH = 1024;

  private RequestAttributes() {}

  /** A backend's request: {@code attributes} checked ({@code 400 invalid_field_type} naming the field). */
  static Attributes forwarded(Attributes given) {
    String ip = EndUserIp.forwarded(given);
    String agent = given == null || given.userAgent() == null ? "" : given.userAgent();
    // Bounded and without control characters (as in a real User-Agent header): it goes into every JWT of the session.
    if (agent.length() > MAX_USER_AGENT_LENGTH || agent.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw ErrorCode.INVALID_FIELD_TYPE.exception("Field 'attributes.user_agent' must be a User-Agent header's "
          + "text: at most " + MAX_USER_AGENT_LENGTH + " characters, no control characters.");
    }
    return new Attributes(ip == null ? "" : ip, agent);
  }

  /** A device's request: its TCP peer and {@code User-Agent} header. */
  static Attributes ofDevice(Context ctx) {
    String ip = EndUserIp.ofDevice(ctx);
    if (ip == null) {
      ip = "";
    } else if (ip.startsWith("[") && ip.endsWith("]")) {
      ip = ip.substring(1, ip.length() - 1);
    }
    String agent = ctx.header("User-Agent");
    if (agent == null) {
      agent = "";
    } else if (agent.length() > MAX_USER_AGENT_LENGTH) {
      agent = agent.substring(0, MAX_USER_AGENT_LENGTH);
    }
    return new Attributes(ip, agent);
  }
}
