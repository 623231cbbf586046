package dev.latchkey.server.session;

import java.util.Locale;

/**
 * A coarse, human-readable description of the device behind a user agent ("Chrome on macOS", "Safari on iPhone",
 * "curl", "unknown"), for a user's list of signed-in devices. Deliberately small: a handful of ordered substring
 * rules, no user-agent database: it is shown to the user next to the IP address, to tell their devices apart, and
 * never decides anything. Every session object on the wire carries it as {@code device_description}.
 */
public final class DeviceDescription {
  public static final String UNKNOWN = "unknown";

  private DeviceDescription() {}

  /** The description of {@code userAgent}; {@link #UNKNOWN} for a missing, blank or unrecognised one. */
  public static String of(String userAgent) {
    if (userAgent == null || userAgent.isBlank()) {
      return UNKNOWN;
    }
    String ua = userAgent.toLowerCase(Locale.ROOT);
    String tool = tool(ua);
    if (tool != null) {
      return tool;
    }
    String browser = browser(ua);
    String os = os(ua);
    if (browser == null && os == null) {
      return UNKNOWN;
    }
    if (browser == null) {
      return os;
    }
    return os == null ? browser : browser + " on " + os;
  }

  private static String tool(String ua) {
    for (String[] rule : new String[][] {
      {"curl/", "curl"}, {"wget/", "Wget"}, {"python-requests/", "Python requests"},
      {"okhttp/", "OkHttp"}, {"java-http-client/", "Java HTTP client"}, {"go-http-client/", "Go HTTP client"},
      {"node-fetch", "Node.js"}, {"axios/", "Node.js"}, {"postmanruntime/", "Postman"}}) {
      if (ua.startsWith(rule[0])) {
        return rule[1];
      }
    }
    return null;
  }

  private static String browser(String ua) {
    // Order matters: Edge and Opera also say "chrome", Chrome also says "safari".
    if (ua.contains("edg/") || ua.contains("edga/") || ua.contains("edgios/")) {
      return "Edge";
    }
    if (ua.contains("opr/") || ua.contains("opera")) {
      return "Opera";
    }
    if (ua.contains("firefox/") || ua.contains("fxios/")) {
      return "Firefox";
    }
    if (ua.contains("chrome/") || ua.contains("crios/") || ua.contains("chromium/")) {
      return "Chrome";
    }
    if (ua.contains("safari/") && ua.contains("version/")) {
      return "Safari";
    }
    return null;
  }

  private static String os(String ua) {
    if (ua.contains("iphone")) {
      return "iPhone";
    }
    if (ua.contains("ipad")) {
      return "iPad";
    }
    if (ua.contains("android")) {
      return "Android";
    }
    if (ua.contains("windows")) {
      return "Windows";
    }
    if (ua.contains("cros")) {
      return "ChromeOS";
    }
    if (ua.contains("mac os x") || ua.contains("macintosh")) {
      return "macOS";
    }
    if (ua.contains("linux")) {
      return "Linux";
    }
    return null;
  }
}
