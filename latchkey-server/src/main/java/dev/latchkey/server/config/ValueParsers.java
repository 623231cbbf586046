package dev.latchkey.server.config;

import dev.latchkey.server.config.Setting.Invalid;
import dev.latchkey.server.config.Setting.Parser;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The parsers of settings whose values are more than a number, a duration or a choice. */
final class ValueParsers {
  /** What {@link #secret} accepts. */
  static final String SECRET = "24 to 256 printable characters without spaces or ':'";
  /** A serialized web origin as browsers send it: scheme, host, optional port; no path, no wildcard. */
  private static final Pattern ORIGIN =
      Pattern.compile("(https?)://([a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*|\\[[0-9a-f:.]+])"
          + "(:([0-9]{1,5}))?");

  private ValueParsers() {}

  /** The text as it is, when all of it matches {@code pattern}. */
  static Parser<String> matching(Pattern pattern) {
    return text -> {
      if (!pattern.matcher(text).matches()) {
        throw Invalid.standard();
      }
      return text;
    };
  }

  /** A secret of {@link #SECRET}; the message gives its length, never the value. */
  static String secret(String text) throws Invalid {
    if (text.length() < 24 || text.length() > 256 || text.chars().anyMatch(c -> c <= ' ' || c == ':')) {
      throw Invalid.standard(" (it was " + text.length() + " characters)");
    }
    return text;
  }

  /** The 32 bytes of an AES-256 key in base64. */
  static byte[] key32(String text) throws Invalid {
    try {
      byte[] key = Base64.getDecoder().decode(text.strip());
      if (key.length == 32) {
        return key;
      }
    } catch (IllegalArgumentException ignored) {
      // refused below
    }
    throw Invalid.standard();
  }

  /** The JDBC URL of a database URL an operator may write (see {@link DatabaseUrl}). */
  static String jdbcUrl(String text) throws Invalid {
    try {
      return DatabaseUrl.toJdbc(text, false);
    } catch (IllegalArgumentException e) {
      throw Invalid.because("is not a database URL: use " + DatabaseUrl.ACCEPTED);
    }
  }

  /** A mail address, with or without a display name. */
  static String mailAddress(String text) throws Invalid {
    try {
      new InternetAddress(text, true);
      return text;
    } catch (AddressException e) {
      throw Invalid.because("is not a mail address: use e.g. 'Example <no-reply@example.com>' or "
          + "no-reply@example.com");
    }
  }

  /** An existing directory. */
  static Path directory(String text) throws Invalid {
    if (!Files.isDirectory(Path.of(text))) {
      throw Invalid.because("is not a directory: point it at a directory of templates or unset it");
    }
    return Path.of(text);
  }

  /**
   * An OpenID provider's issuer: an absolute https URL without user info, query or fragment, or http to a loopback
   * host (literals and localhost only: nothing is resolved).
   */
  static java.net.URI issuerUrl(String text) throws Invalid {
    java.net.URI u;
    try {
      u = new java.net.URI(text.strip());
    } catch (java.net.URISyntaxException e) {
      throw Invalid.because("is not a URL: use e.g. https://login.example.com");
    }
    if (!u.isAbsolute() || u.getHost() == null || u.getRawUserInfo() != null || u.getRawQuery() != null
        || u.getRawFragment() != null) {
      throw Invalid.because("is not an absolute URL with a host and without user info, query or fragment: use e.g. "
          + "https://login.example.com");
    }
    String host = u.getHost().startsWith("[") ? u.getHost().substring(1, u.getHost().length() - 1) : u.getHost();
    boolean loopback = host.equalsIgnoreCase("localhost") || host.equals("::1") || host.matches("127(\\.[0-9]{1,3}){3}");
    if (!"https".equals(u.getScheme()) && !("http".equals(u.getScheme()) && loopback)) {
      throw Invalid.because("must use https (plain http only to a loopback host such as 127.0.0.1)");
    }
    return u;
  }

  /** One absolute http(s) URL, without a trailing slash (paths are appended to it). */
  static String baseUrl(String text) throws Invalid {
    String url = text.strip();
    while (url.endsWith("/")) {
      url = url.substring(0, url.length() - 1);
    }
    if (!Settings.isAbsoluteHttpUrl(url) || url.contains("?")) {
      throw Invalid.because("is not an absolute http(s) URL without a query: use e.g. https://auth.example.com");
    }
    return url;
  }

  /** Comma-separated absolute http(s) URLs; empty entries are skipped. */
  static List<String> redirectUrls(String text) throws Invalid {
    List<String> urls = new ArrayList<>();
    for (String part : text.split(",")) {
      String url = part.strip();
      if (url.isEmpty()) {
        continue;
      }
      if (!Settings.isAbsoluteHttpUrl(url)) {
        throw Invalid.because("has " + url + ", which is not an absolute http(s) URL: use e.g. "
            + "https://app.example.com/authenticate");
      }
      urls.add(url);
    }
    return List.copyOf(urls);
  }

  /**
   * Exact origins, compared with the browser's {@code Origin} header as strings: so each must be written as a
   * browser writes it (lower case, no default port, no trailing slash), and anything else is refused here rather
   * than never matching later. Duplicates are dropped; the order is kept.
   */
  static List<String> origins(String text) throws Invalid {
    List<String> out = new ArrayList<>();
    for (String part : text.split(",", -1)) {
      String origin = part.strip();
      Matcher m = ORIGIN.matcher(origin);
      String problem = null;
      if (origin.equals("*") || origin.equals("null")) {
        problem = "'" + origin + "' would let any site act for a signed-in user; list the exact origins";
      } else if (!m.matches()) {
        problem = "'" + origin + "' is not an origin";
      } else if (m.group(7) != null && (Integer.parseInt(m.group(7)) > 65535 || m.group(7).startsWith("0"))) {
        problem = "'" + origin + "' has an invalid port";
      } else if (m.group(6) != null && (m.group(1).equals("https") ? ":443" : ":80").equals(m.group(6))) {
        problem = "'" + origin + "' has its scheme's default port, which browsers leave out; drop " + m.group(6);
      }
      if (problem != null) {
        throw Invalid.because("is not valid: " + problem + ". Use comma-separated origins as browsers send them, "
            + "e.g. https://app.example.com,http://localhost:3000 (lower case, scheme://host[:port], no path, no "
            + "trailing slash, no wildcard)");
      }
      if (!out.contains(origin)) {
        out.add(origin);
      }
    }
    return List.copyOf(out);
  }
}
