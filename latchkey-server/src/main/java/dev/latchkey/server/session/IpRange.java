package dev.latchkey.server.session;

import dev.latchkey.server.error.ErrorCode;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * A CIDR block, IPv4 ({@code 203.0.113.0/24}) or IPv6 ({@code 2001:db8::/32}), matched against the
 * {@code attributes.ip_address} recorded on sessions. Only address literals are read, so no name is ever looked up.
 */
final class IpRange {
  /** Characters of an IPv4 or IPv6 literal: checked before {@link InetAddress#getByName}, which would resolve a name. */
  private static final Pattern LITERAL = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

  private final byte[] network;
  private final int prefix;
  private final String text;

  private IpRange(byte[] network, int prefix, String text) {
    this.network = network;
    this.prefix = prefix;
    this.text = text;
  }

  /** Parses {@code cidr}; a 400 naming {@code field} when it is not an address literal with a prefix length. */
  static IpRange parse(String cidr, String field) {
    int slash = cidr.indexOf('/');
    byte[] address = slash < 0 ? null : literal(cidr.substring(0, slash));
    Integer prefix = null;
    if (address != null) {
      try {
        prefix = Integer.valueOf(cidr.substring(slash + 1));
      } catch (NumberFormatException e) {
        prefix = null;
      }
    }
    if (address == null || prefix == null || prefix < 0 || prefix > address.length * 8
        || !cidr.substring(slash + 1).matches("[0-9]{1,3}")) {
      throw ErrorCode.INVALID_FIELD_TYPE.exception("Field '" + field + "' must be a CIDR block such as "
          + "203.0.113.0/24 or 2001:db8::/32.");
    }
    return new IpRange(address, prefix, cidr);
  }

  /** Whether {@code ip} (an address literal, possibly empty) is in this block; an address of the other family is not. */
  boolean contains(String ip) {
    byte[] address = ip == null ? null : literal(ip);
    if (address == null || address.length != network.length) {
      return false;
    }
    BigInteger mask = prefix == 0 ? BigInteger.ZERO
        : BigInteger.ONE.shiftLeft(prefix).subtract(BigInteger.ONE).shiftLeft(network.length * 8 - prefix);
    return new BigInteger(1, address).and(mask).equals(new BigInteger(1, network).and(mask));
  }

  @Override
  public String toString() {
    return text;
  }

  private static byte[] literal(String text) {
    // An IPv4 literal is a full dotted quad: InetAddress also reads the old short forms ("1.2.3" is 1.2.0.3).
    if (!LITERAL.matcher(text).matches() || (!text.contains(":") && !text.matches("([0-9]{1,3}\\.){3}[0-9]{1,3}"))) {
      return null;
    }
    try {
      return InetAddress.getByName(text).getAddress();
    } catch (UnknownHostException e) {
      return null;
    }
  }
}
