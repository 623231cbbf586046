package dev.latchkey.server.http;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/** The two halves of an HTTP Basic {@code Authorization} header. Never logged: the password is a secret. */
record BasicCredentials(String user, String password) {
  /**
   * Longer headers are refused before decoding. A real one is under 200 characters; this leaves room for a client
   * that mistakenly sends a session JWT as the password, so it is told what it sent rather than that it sent nothing.
   */
  private static final int MAX_HEADER = 8192;

  /**
   * The request's {@code Authorization} header, or null when it is missing or sent more than once. Two copies are
   * ambiguous (a proxy in front may have checked one while we would read the other), so neither is trusted.
   */
  static String header(io.javalin.http.Context ctx) {
    java.util.Enumeration<String> values = ctx.req().getHeaders("Authorization");
    if (values == null || !values.hasMoreElements()) {
      return null;
    }
    String first = values.nextElement();
    return values.hasMoreElements() ? null : first;
  }

  /** The credentials, or empty when the header is missing, not Basic, not base64 or has no colon. */
  static Optional<BasicCredentials> parse(String header) {
    if (header == null || header.length() > MAX_HEADER || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
      return Optional.empty();
    }
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      return Optional.empty();
    }
    return Optional.of(new BasicCredentials(decoded.substring(0, colon), decoded.substring(colon + 1)));
  }

  @Override
  public String toString() {
    return "BasicCredentials[user=" + user + ", password=<redacted>]";
  }
}
