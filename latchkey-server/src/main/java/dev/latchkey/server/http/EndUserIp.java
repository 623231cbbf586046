package dev.latchkey.server.http;

import dev.latchkey.model.Attributes;
import dev.latchkey.server.error.ErrorCode;
import io.javalin.http.Context;
import java.util.Locale;

/**
 * The end user's IP, which the per-IP abuse limits count against; {@code null} means "not known: count nothing per
 * IP" (the per-email, per-method and per-address limits still apply).
 *
 * <p>On {@code /sdk/v1} the caller is the end user's device, so it is the TCP peer. On {@code /v1} the peer is the
 * customer's backend, shared by all of its users: counting that would let 100 wrong passwords from anyone refuse
 * every backend sign-in for everyone. There it is only what the backend forwards in {@code attributes.ip_address}.
 */
final class EndUserIp {
  /** The longest textual IPv6 address (IPv4-mapped, {@code ffff:ffff:...:255.255.255.255}) is 45 characters. */
  private static final int MAX_LENGTH = 45;

  private EndUserIp() {}

  /** A device's request: the TCP peer. */
  static String ofDevice(Context ctx) {
    return ctx.ip();
  }

  /**
   * A backend's request: {@code attributes.ip_address} when given (lower-cased, so one address is one counter),
   * else null. Only the shape is checked (hex digits, dots and colons); nothing is resolved.
   */
  static String forwarded(Attributes attributes) {
    if (attributes == null || attributes.ipAddress() == null || attributes.ipAddress().isEmpty()) {
      return null;
    }
    String ip = attributes.ipAddress();
    boolean plausible = ip.length() <= MAX_LENGTH && (ip.indexOf('.') >= 0 || ip.indexOf(':') >= 0)
        && ip.chars().allMatch(EndUserIp::addressCharacter);
    if (!plausible) {
      throw ErrorCode.INVALID_FIELD_TYPE.exception(
          "Field 'attributes.ip_address' must be the end user's IPv4 or IPv6 address, such as 203.0.113.7.");
    }
    return ip.toLowerCase(Locale.ROOT);
  }

  /** ASCII only: {@code Character.digit} would also take other scripts' digits. */
  private static boolean addressCharacter(int c) {
    return c == '.' || c == ':' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
}
