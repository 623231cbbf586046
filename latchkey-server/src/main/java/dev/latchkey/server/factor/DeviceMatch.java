package dev.latchkey.server.factor;

import dev.latchkey.model.Attributes;
import dev.latchkey.model.AuthenticateOptions;
import dev.latchkey.server.error.ErrorCode;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Stytch's {@code options.ip_match_required} and {@code options.user_agent_match_required}: the device redeeming a
 * mailed link or code must be the one that asked for it. The {@code attributes} recorded when it was sent are
 * compared with those of the authenticate request; a missing side is a mismatch ({@code 401 attribute_mismatch}).
 * IP addresses are compared in canonical form ({@code ::1} equals {@code 0:0:0:0:0:0:0:1}, {@code ::ffff:192.0.2.1}
 * equals {@code 192.0.2.1}); user agents exactly.
 */
public final class DeviceMatch {
  private static final Pattern IPV4 =
      Pattern.compile("(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");
  private static final Pattern IPV6_CHARACTERS = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

  private DeviceMatch() {}

  /** Refuses unless every check {@code options} asks for holds; does nothing when it asks for none. */
  public static void require(AuthenticateOptions options, Attributes recorded, Attributes presented) {
    if (options == null) {
      return;
    }
    if (options.ipMatch()) {
      String a = canonicalIp(ip(recorded));
      String b = canonicalIp(ip(presented));
      if (a == null || !a.equals(b)) {
        throw ErrorCode.ATTRIBUTE_MISMATCH.exception("options.ip_match_required: the ip_address in attributes "
            + (b == null ? "is missing" : a == null ? "cannot be compared: none was recorded when this was sent"
            : "is not the one that asked for this") + ".");
      }
    }
    if (options.userAgentMatch()) {
      String a = blankToNull(recorded == null ? null : recorded.userAgent());
      String b = blankToNull(presented == null ? null : presented.userAgent());
      if (a == null || !a.equals(b)) {
        throw ErrorCode.ATTRIBUTE_MISMATCH.exception("options.user_agent_match_required: the user_agent in attributes "
            + (b == null ? "is missing" : a == null ? "cannot be compared: none was recorded when this was sent"
            : "is not the one that asked for this") + ".");
      }
    }
  }

  /**
   * The canonical text of an IP address literal, or null for none. Only literals are parsed (a dotted quad, or text
   * with a colon, which {@link InetAddress} parses as IPv6 without a lookup): nothing is ever resolved by DNS. Text
   * that is neither is compared as it is, lower-cased.
   */
  public static String canonicalIp(String ip) {
    String s = blankToNull(ip);
    if (s == null) {
      return null;
    }
    if (s.startsWith("[") && s.endsWith("]")) {
      s = s.substring(1, s.length() - 1);
    }
    // In brackets, InetAddress takes the text as an IPv6 literal or refuses it: it never falls back to DNS.
    String literal = IPV4.matcher(s).matches() ? s
        : s.indexOf(':') >= 0 && IPV6_CHARACTERS.matcher(s).matches() ? "[" + s + "]" : null;
    if (literal != null) {
      try {
        return InetAddress.getByName(literal).getHostAddress();
      } catch (UnknownHostException e) {
        // Not a valid IPv6 literal: compared as text below.
      }
    }
    return s.toLowerCase(Locale.ROOT);
  }

  private static String ip(Attributes a) {
    return a == null ? null : a.ipAddress();
  }

  private static String blankToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
