package dev.latchkey.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Holds actual replies to documented ones by the rules written in {@code docs/api.md} ("Reading the examples"):
 * the same fields at every level, the same JSON types, arrays of the same length and the same values, except that
 * ids, timestamps, tokens, JWTs and abbreviated ({@code …}) strings match by form. One matcher is used for a whole
 * run: a documented id or token stands for the same actual value everywhere, and different ones for different
 * values.
 *
 * <pre>{@code
 * ReplyMatcher m = new ReplyMatcher();
 * List<String> problems = m.mismatches(documented, actual);   // empty when the reply is as documented
 * }</pre>
 */
final class ReplyMatcher {
  static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
  static final Pattern ID = Pattern.compile("\\b([a-z]+(?:-[a-z]+)*)-(test|live)-(" + UUID + ")\\b");
  static final Pattern TIMESTAMP = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{1,9})?Z");
  static final Pattern OPAQUE = Pattern.compile("[A-Za-z0-9_-]{32,}");
  static final Pattern JWT = Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
  static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/=_-]+");
  static final String ELLIPSIS = "…";
  /**
   * The header {@code {"alg":"none"}}: a documented JWT starting with it is an unsecured JWT (RFC 7519 section 6,
   * an empty signature), as the loopback OpenID provider of the OAuth examples issues for refresh tokens.
   */
  static final String UNSECURED_JWT_HEADER = "eyJhbGciOiJub25lIn0";
  /** A TOTP recovery code, {@code ckss-2skx-ebow}. */
  static final Pattern RECOVERY_CODE = Pattern.compile("[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}");
  /** A one-time passcode. */
  static final Pattern SIX_DIGITS = Pattern.compile("[0-9]{6}");
  /** Session JWTs live this long: {@code exp = iat + 300}. */
  static final long JWT_LIFETIME_SECONDS = 300;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, String> documentedToActual = new HashMap<>();
  private final Map<String, String> actualToDocumented = new HashMap<>();

  /** Declares up front that {@code documented} stands for {@code actual} (the project id). */
  void bind(String documented, String actual) {
    documentedToActual.put(documented, actual);
    actualToDocumented.put(actual, documented);
  }

  /** What differs between a documented reply and an actual one; empty when it matches. */
  List<String> mismatches(JsonNode documented, JsonNode actual) {
    List<String> out = new ArrayList<>();
    walk("$", documented, actual, out);
    return out;
  }

  /**
   * The same for a JWT payload: {@code iat}, {@code nbf} and {@code exp} are any whole numbers with {@code nbf = iat}
   * and {@code exp = iat + 300}, on both sides; every other claim by the usual rules.
   */
  List<String> payloadMismatches(JsonNode documented, JsonNode actual) {
    List<String> out = new ArrayList<>();
    ObjectNode d = documented.deepCopy();
    ObjectNode a = actual.deepCopy();
    checkTimes("documented", d, out);
    checkTimes("actual", a, out);
    for (String claim : List.of("iat", "nbf", "exp")) {
      d.remove(claim);
      a.remove(claim);
    }
    walk("$", d, a, out);
    return out;
  }

  private static void checkTimes(String side, ObjectNode claims, List<String> out) {
    JsonNode iat = claims.path("iat");
    JsonNode nbf = claims.path("nbf");
    JsonNode exp = claims.path("exp");
    if (!iat.isIntegralNumber() || !nbf.isIntegralNumber() || !exp.isIntegralNumber()) {
      out.add(side + " JWT: iat, nbf and exp must be whole numbers, were " + iat + ", " + nbf + ", " + exp);
    } else if (nbf.asLong() != iat.asLong() || exp.asLong() != iat.asLong() + JWT_LIFETIME_SECONDS) {
      out.add(side + " JWT: expected nbf = iat and exp = iat + " + JWT_LIFETIME_SECONDS + ", were iat " + iat
          + ", nbf " + nbf + ", exp " + exp);
    }
  }

  /** The JSON of one part (0 header, 1 payload) of a compact JWT. */
  static JsonNode jwtPart(String jwt, int part) {
    try {
      return JSON.readTree(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[part]), StandardCharsets.UTF_8));
    } catch (java.io.IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException("not a JWT: part " + part + " is not base64url JSON", e);
    }
  }

  private void walk(String path, JsonNode d, JsonNode a, List<String> out) {
    if (d.isObject()) {
      if (!a.isObject()) {
        out.add(path + ": expected an object, was " + a);
        return;
      }
      TreeSet<String> missing = new TreeSet<>();
      d.fieldNames().forEachRemaining(missing::add);
      a.fieldNames().forEachRemaining(missing::remove);
      TreeSet<String> extra = new TreeSet<>();
      a.fieldNames().forEachRemaining(extra::add);
      d.fieldNames().forEachRemaining(extra::remove);
      if (!missing.isEmpty()) {
        out.add(path + ": documented fields missing from the reply: " + missing);
      }
      if (!extra.isEmpty()) {
        out.add(path + ": reply fields not documented: " + extra);
      }
      for (Iterator<String> it = d.fieldNames(); it.hasNext(); ) {
        String key = it.next();
        if (a.has(key)) {
          walk(path + "." + key, d.get(key), a.get(key), out);
        }
      }
      checkSessionLength(path, d, a, out);
    } else if (d.isArray()) {
      if (!a.isArray() || a.size() != d.size()) {
        out.add(path + ": expected an array of " + d.size() + ", was " + a);
        return;
      }
      for (int i = 0; i < d.size(); i++) {
        walk(path + "[" + i + "]", d.get(i), a.get(i), out);
      }
    } else if (d.isTextual()) {
      if (!a.isTextual()) {
        out.add(path + ": expected a string, was " + a);
        return;
      }
      JsonNode held = jsonObjectIn(d.asText());
      if (held != null) {
        // A string holding a JSON object (WebAuthn's options) is compared as that JSON, by these same rules.
        JsonNode actualHeld = jsonObjectIn(a.asText());
        if (actualHeld == null) {
          out.add(path + ": expected a string holding a JSON object, was " + a);
        } else {
          walk(path + "(json)", held, actualHeld, out);
        }
        return;
      }
      String problem = matchString(d.asText(), a.asText());
      if (problem != null) {
        out.add(path + ": " + problem);
      }
    } else if (d.isNumber()) {
      if (!a.isNumber() || d.decimalValue().compareTo(a.decimalValue()) != 0) {
        out.add(path + ": expected " + d + ", was " + a);
      }
    } else if (!d.equals(a)) {
      out.add(path + ": expected " + d + ", was " + a);
    }
  }

  /** The JSON object a string holds ({@code "{...}"}), else null. */
  private static JsonNode jsonObjectIn(String text) {
    if (!text.startsWith("{") || !text.endsWith("}")) {
      return null;
    }
    try {
      JsonNode node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(text);
      return node != null && node.isObject() ? node : null;
    } catch (java.io.IOException e) {
      return null;
    }
  }

  /** Where both sides have {@code last_accessed_at} and {@code expires_at}, the time between must agree. */
  private static void checkSessionLength(String path, JsonNode d, JsonNode a, List<String> out) {
    Duration documented = between(d);
    Duration actual = between(a);
    if (documented != null && actual != null && !documented.equals(actual)) {
      out.add(path + ": expires_at - last_accessed_at should be " + documented + ", was " + actual);
    }
  }

  private static Duration between(JsonNode o) {
    String from = o.path("last_accessed_at").asText("");
    String to = o.path("expires_at").asText("");
    if (!TIMESTAMP.matcher(from).matches() || !TIMESTAMP.matcher(to).matches()) {
      return null;
    }
    return Duration.between(Instant.parse(from), Instant.parse(to));
  }

  /** Null when {@code actual} matches the documented string {@code doc}, else what is wrong. */
  String matchString(String doc, String actual) {
    if (doc.isEmpty()) {
      return actual.isEmpty() ? null : "expected \"\", was \"" + actual + "\"";
    }
    if (doc.startsWith("eyJ") && (doc.contains(".") || doc.endsWith(ELLIPSIS))) {
      boolean unsecured = doc.startsWith(UNSECURED_JWT_HEADER + ".") && actual.startsWith(UNSECURED_JWT_HEADER + ".")
          && actual.endsWith(".") && isJwt(actual + "e30");
      return isJwt(actual) || unsecured ? null : "expected a compact JWT, was \"" + actual + "\"";
    }
    if (doc.startsWith("data:") && doc.endsWith(ELLIPSIS)) {
      String prefix = doc.substring(0, doc.length() - ELLIPSIS.length());
      boolean ok = actual.startsWith(prefix) && BASE64.matcher(actual.substring(prefix.length())).matches();
      return ok ? null : "expected a data URI starting \"" + prefix + "\" and going on in base64, was \""
          + actual + "\"";
    }
    if (doc.endsWith(ELLIPSIS) && !BASE64.matcher(doc.substring(0, doc.length() - 1)).matches()) {
      // Fixed text, then a token that differs on every run (a mailed link): the text must be there exactly.
      String prefix = doc.substring(0, doc.length() - ELLIPSIS.length());
      boolean ok = actual.startsWith(prefix) && BASE64.matcher(actual.substring(prefix.length())).matches();
      return ok ? null : "expected \"" + prefix + "\" followed by a base64 string, was \"" + actual + "\"";
    }
    if (SIX_DIGITS.matcher(doc).matches()) {
      return SIX_DIGITS.matcher(actual).matches() ? null : "expected a six-digit code, was \"" + actual + "\"";
    }
    if (doc.endsWith(ELLIPSIS)) {
      boolean ok = BASE64.matcher(actual).matches() && actual.length() >= doc.length() - ELLIPSIS.length();
      return ok ? null : "expected a base64 string of at least " + (doc.length() - 1) + " characters, was \""
          + actual + "\"";
    }
    if (ID.matcher(doc).find()) {
      return matchIds(doc, actual);
    }
    if (TIMESTAMP.matcher(doc).matches()) {
      return TIMESTAMP.matcher(actual).matches() ? null : "expected an RFC 3339 UTC timestamp, was \"" + actual + "\"";
    }
    if (RECOVERY_CODE.matcher(doc).matches()) {
      return RECOVERY_CODE.matcher(actual).matches() ? correspond(doc, actual)
          : "expected a recovery code like \"" + doc + "\", was \"" + actual + "\"";
    }
    if (OPAQUE.matcher(doc).matches()) {
      if (!OPAQUE.matcher(actual).matches() || actual.length() != doc.length()) {
        return "expected " + doc.length() + " URL-safe characters, was \"" + actual + "\"";
      }
      return correspond(doc, actual);
    }
    return doc.equals(actual) ? null : "expected \"" + doc + "\", was \"" + actual + "\"";
  }

  private static boolean isJwt(String s) {
    if (!JWT.matcher(s).matches()) {
      return false;
    }
    try {
      return jwtPart(s, 0).isObject() && jwtPart(s, 1).isObject();
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** The string with every documented id replaced by the id it stands for (new ids: any id of that kind). */
  private String matchIds(String doc, String actual) {
    StringBuilder regex = new StringBuilder();
    Map<String, String> groups = new LinkedHashMap<>();
    Matcher m = ID.matcher(doc);
    int last = 0;
    while (m.find()) {
      regex.append(Pattern.quote(doc.substring(last, m.start())));
      String id = m.group();
      String known = documentedToActual.get(id);
      if (known != null) {
        regex.append(Pattern.quote(known));
      } else if (groups.containsKey(id)) {
        regex.append("\\k<").append(groups.get(id)).append('>');
      } else {
        String group = "g" + groups.size();
        groups.put(id, group);
        regex.append("(?<").append(group).append('>').append(Pattern.quote(m.group(1) + "-" + m.group(2) + "-"))
            .append(UUID).append(')');
      }
      last = m.end();
    }
    regex.append(Pattern.quote(doc.substring(last)));
    Matcher a = Pattern.compile(regex.toString()).matcher(actual);
    if (!a.matches()) {
      return "expected \"" + doc + "\" (ids as matched earlier, new ids of the same kind), was \"" + actual + "\"";
    }
    for (Map.Entry<String, String> g : groups.entrySet()) {
      String problem = correspond(g.getKey(), a.group(g.getValue()));
      if (problem != null) {
        return problem;
      }
    }
    return null;
  }

  /** Records that {@code doc} stands for {@code actual}; wrong when either already stands for something else. */
  private String correspond(String doc, String actual) {
    String known = documentedToActual.get(doc);
    if (known != null && !known.equals(actual)) {
      return "\"" + doc + "\" was matched to \"" + known + "\" earlier, but this reply has \"" + actual + "\"";
    }
    String other = actualToDocumented.get(actual);
    if (other != null && !other.equals(doc)) {
      return "the reply has \"" + actual + "\", which matched \"" + other + "\" earlier, where \"" + doc
          + "\" is documented";
    }
    bind(doc, actual);
    return null;
  }
}
