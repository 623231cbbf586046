package dev.latchkey.server.user;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.server.crypto.Secrets;
import dev.latchkey.server.error.ErrorCode;
import dev.latchkey.server.store.UserSearch;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads the body of {@code POST /v1/users/search} (Stytch's shape: {@code limit}, {@code cursor}, {@code query} with
 * {@code operator} and {@code operands} of {@code filter_name} and {@code filter_value}) strictly: a wrong type, an
 * unknown field inside the query, a filter Latchkey has no data for, a limit out of range or a cursor that was not
 * issued for this query is a 400 naming the field. Never a filter silently ignored: that would widen the results.
 *
 * <p>The cursor is opaque to callers: the position {@code (created_at, user_id)} of the last user of the previous
 * page and a fingerprint of the query, with a SHA-256 check value. It carries nothing secret (the caller may read
 * every user anyway); the check value turns a corrupted or edited cursor into a 400 instead of a silently different
 * page, and the fingerprint refuses a cursor replayed with another query.
 */
public final class UserSearchRequests {
  /** Stytch's bounds: 100 results by default, at most 1000 a page. */
  public static final int DEFAULT_LIMIT = 100;
  public static final int MAX_LIMIT = 1000;
  /** Bounds what one request may ask the database for. */
  static final int MAX_OPERANDS = 50;
  static final int MAX_VALUES = 1000;
  static final int MAX_TEXT = 256;

  /** Filters Stytch has and Latchkey has no data for yet: refused, never ignored. */
  private static final Set<String> UNSUPPORTED = Set.of("phone_number", "phone_id", "phone_verified",
      "phone_number_fuzzy", "webauthn_registration_verified", "webauthn_registration_id",
      "crypto_wallet_id", "crypto_wallet_address", "crypto_wallet_verified", "biometric_registration_verified",
      "biometric_registration_id", "roles");
  private static final Set<String> BODY_FIELDS = Set.of("limit", "cursor", "query");
  private static final Set<String> QUERY_FIELDS = Set.of("operator", "operands");
  private static final Set<String> OPERAND_FIELDS = Set.of("filter_name", "filter_value");
  private static final Set<String> BETWEEN_FIELDS = Set.of("greater_than", "less_than");
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();

  private UserSearchRequests() {}

  /** The search a request body asks for; {@code body} is the parsed JSON object. */
  public static UserSearch parse(JsonNode body) {
    if (body == null || !body.isObject()) {
      throw ErrorCode.MALFORMED_JSON.exception("The request body must be a JSON object.");
    }
    int limit = DEFAULT_LIMIT;
    JsonNode l = body.get("limit");
    if (l != null && !l.isNull()) {
      if (!l.isIntegralNumber() || !l.canConvertToInt()) {
        throw ErrorCode.INVALID_FIELD_TYPE.exception("Field 'limit' must be an integer.");
      }
      limit = l.intValue();
      if (limit < 1 || limit > MAX_LIMIT) {
        throw ErrorCode.BAD_REQUEST.exception("Field 'limit' must be between 1 and " + MAX_LIMIT + ".");
      }
    }
    boolean matchAll = true;
    List<UserSearch.Filter> filters = new ArrayList<>();
    JsonNode q = body.get("query");
    if (q != null && !q.isNull()) {
      if (!q.isObject()) {
        throw ErrorCode.INVALID_FIELD_TYPE.exception("Field 'query' must be an object.");
      }
      refuseUnknownFields(q, QUERY_FIELDS, "query");
      JsonNode op = q.get("operator");
      if (op == null || op.isNull()) {
        throw ErrorCode.MISSING_REQUIRED_FIELD.exception("Field 'query.operator' is required (AND or OR).");
      }
      if (!op.isTextual()) {
        throw ErrorCode.INVALID_FIELD_TYPE.exception("Field 'query.operator' must be a string.");
      }
      matchAll = switch (op.textValue()) {
        case "AND" -> true;
        case "OR" -> false;
        default -> throw ErrorCode.BAD_REQUEST.exception("Field 'query.operator' must be AND or OR.");
      };
      JsonNode operands = q.get("operands");
      if (operands != null && !operands.isNull()) {
        if (!operands.isArray()) {
          throw ErrorCode.INVALID_FIELD_TYPE.exception("Field 'query.operands' must be an array.");
        }
        if (operands.size() > MAX_OPERANDS) {
          throw ErrorCode.BAD_REQUEST.exception("Field 'query.operands' may have at most " + MAX_OPERANDS
              + " operands.");
        }
        for (int i = 0; i < operands.size(); i++) {
          filters.add(operand(operands.get(i), "query.operands[" + i + "]"));
        }
      }
    }
    UserSearch.Position after = null;
    JsonNode c = body.get("cursor");
    if (c != null && !c.isNull()) {
      if (!c.isTextual()) {
        throw ErrorCode.INVALID_FIELD_TYPE.exception("Field 'cursor' must be a string.");
      }
      // An empty cursor is what an SDK sends for "first page" in some languages.
      if (!c.textValue().isEmpty()) {
        after = decodeCursor(c.textValue(), fingerprint(matchAll, filters));
      }
    }
    return new UserSearch(matchAll, filters, limit, after);
  }

  /** The cursor for the page after {@code next}, bound to {@code search}'s filters; null when there is none. */
  public static String cursor(UserSearch search, UserSearch.Position next) {
    if (next == null) {
      return null;
    }
    String payload = "1\n" + next.createdAt().toEpochMilli() + "\n" + next.userId() + "\n"
        + fingerprint(search.matchAll(), search.filters());
    return B64.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + check(payload);
  }

  private static UserSearch.Position decodeCursor(String cursor, String fingerprint) {
    int dot = cursor.indexOf('.');
    String payload;
    try {
      payload = dot < 0 ? null : new String(B64D.decode(cursor.substring(0, dot)), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      payload = null;
    }
    if (payload == null || !Secrets.constantTimeEquals(check(payload), cursor.substring(dot + 1))) {
      throw ErrorCode.BAD_REQUEST.exception("Field 'cursor' is not a cursor this server issued: pass "
          + "results_metadata.next_cursor of the previous page unchanged.");
    }
    String[] parts = payload.split("\n", -1);
    if (parts.length != 4 || !parts[0].equals("1")) {
      throw ErrorCode.BAD_REQUEST.exception("Field 'cursor' is not a cursor this server issued.");
    }
    if (!parts[3].equals(fingerprint)) {
      throw ErrorCode.BAD_REQUEST.exception("Field 'cursor' belongs to a different query: send the same query "
          + "with each page's cursor.");
    }
    try {
      return new UserSearch.Position(Instant.ofEpochMilli(Long.parseLong(parts[1])), parts[2]);
    } catch (NumberFormatException e) {
      throw ErrorCode.BAD_REQUEST.exception("Field 'cursor' is not a cursor this server issued.");
    }
  }

  private static String check(String payload) {
    return Secrets.sha256("latchkey-user-search-cursor\n" + payload).substring(0, 22);
  }

  private static String fingerprint(boolean matchAll, List<UserSearch.Filter> filters) {
    return Secrets.sha256((matchAll ? "AND" : "OR") + filters).substring(0, 16);
  }

  private static UserSearch.Filter operand(JsonNode o, String at) {
    if (o == null || !o.isObject()) {
      throw ErrorCode.INVALID_FIELD_TYPE.exception("Field '" + at + "' must be an object with filter_name and "
          + "filter_value.");
    }
    refuseUnknownFields(o, OPERAND_FIELDS, at);
    JsonNode n = o.get("filter_name");
    if (n == null || n.isNull()) {
      throw ErrorCode.MISSING_REQUIRED_FIELD.exception("Field '" + at + ".filter_name' is required.");
    }
    if (!n.isTextual()) {
      throw ErrorCode.INVALID_FIELD_TYPE.exception("Field '" + at + ".filter_name' must be a string.");
    }
    String name = n.textValue();
    String valueAt = at + ".filter_value";
    JsonNode v = o.get("filter_value");
    if (UNSUPPORTED.contains(name)) {
      throw ErrorCode.BAD_REQUEST.exception("Filter '" + name + "' (" + at + ".filter_name) is not supported: "
          + "Latchkey keeps no phone numbers, WebAuthn, crypto wallet, biometric or role data to filter on.");
    }
    if (v == null || v.isNull()) {
      if (isKnown(name)) {
        throw ErrorCode.MISSING_REQUIRED_FIELD.exception("Field '" + valueAt + "' is required.");
      }
    }
    return switch (name) {
      case "email_address" -> new UserSearch.EmailAddresses(
          strings(v, valueAt).stream().map(e -> e.strip().toLowerCase(Locale.ROOT)).toList());
      case "email_address_fuzzy" -> new UserSearch.EmailAddressFuzzy(text(v, valueAt).toLowerCase(Locale.ROOT));
      case "email_id" -> new UserSearch.EmailIds(strings(v, valueAt));
      case "email_verified" -> new UserSearch.EmailVerified(bool(v, valueAt));
      case "user_id" -> {
        List<String> ids = strings(v, valueAt);
        ids.forEach(UserService::checkUserId);
        yield new UserSearch.UserIds(ids);
      }
      case "status" -> {
        String s = text(v, valueAt);
        if (!s.equals("active") && !s.equals("pending")) {
          throw ErrorCode.BAD_REQUEST.exception("Field '" + valueAt + "' must be active or pending.");
        }
        yield new UserSearch.Status(s);
      }
      case "created_at_greater_than" -> new UserSearch.CreatedAt(instant(v, valueAt), null);
      case "created_at_less_than" -> new UserSearch.CreatedAt(null, instant(v, valueAt));
      case "created_at_between" -> {
        if (!v.isObject()) {
          throw ErrorCode.INVALID_FIELD_TYPE.exception("Field '" + valueAt + "' must be an object with "
              + "greater_than and less_than.");
        }
        refuseUnknownFields(v, BETWEEN_FIELDS, valueAt);
        for (String f : BETWEEN_FIELDS) {
          if (v.get(f) == null || v.get(f).isNull()) {
            throw ErrorCode.MISSING_REQUIRED_FIELD.exception("Field '" + valueAt + "." + f + "' is required.");
          }
        }
        yield new UserSearch.CreatedAt(instant(v.get("greater_than"), valueAt + ".greater_than"),
            instant(v.get("less_than"), valueAt + ".less_than"));
      }
      case "full_name_fuzzy" -> new UserSearch.FullNameFuzzy(text(v, valueAt).toLowerCase(Locale.ROOT));
      case "password_exists" -> new UserSearch.PasswordExists(bool(v, valueAt));
      case "totp_id" -> new UserSearch.TotpIds(strings(v, valueAt));
      case "totp_verified" -> new UserSearch.TotpVerified(bool(v, valueAt));
      // Stytch's provider names and its provider_type spellings (Google, Github, OIDC) both name Latchkey's
      // lower-case providers; a provider Latchkey does not offer (facebook) is a name no user has: no match.
      case "oauth_provider" -> new UserSearch.OAuthProviders(
          strings(v, valueAt).stream().map(p -> p.strip().toLowerCase(Locale.ROOT)).toList());
      default -> throw ErrorCode.BAD_REQUEST.exception("Filter '" + limitText(name) + "' (" + at
          + ".filter_name) is not a known filter.");
    };
  }

  private static boolean isKnown(String name) {
    return switch (name) {
      case "email_address", "email_address_fuzzy", "email_id", "email_verified", "user_id", "status",
          "created_at_greater_than", "created_at_less_than", "created_at_between", "full_name_fuzzy",
          "password_exists", "totp_id", "totp_verified", "oauth_provider" -> true;
      default -> false;
    };
  }

  private static void refuseUnknownFields(JsonNode object, Set<String> known, String at) {
    for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
      String field = it.next().getKey();
      if (!known.contains(field)) {
        throw ErrorCode.BAD_REQUEST.exception("Field '" + at + "." + limitText(field) + "' is not part of a "
            + "search query.");
      }
    }
  }

  private static List<String> strings(JsonNode v, String at) {
    if (!v.isArray()) {
      throw ErrorCode.INVALID_FIELD_TYPE.exception("Field '" + at + "' must be an array of strings.");
    }
    if (v.isEmpty() || v.size() > MAX_VALUES) {
      throw ErrorCode.BAD_REQUEST.exception("Field '" + at + "' must have 1 to " + MAX_VALUES + " values.");
    }
    List<String> out = new ArrayList<>(v.size());
    for (int i = 0; i < v.size(); i++) {
      out.add(text(v.get(i), at + "[" + i + "]"));
    }
    return out;
  }

  private static String text(JsonNode v, String at) {
    if (!v.isTextual()) {
      throw ErrorCode.INVALID_FIELD_TYPE.exception("Field '" + at + "' must be a string.");
    }
    String s = v.textValue();
    if (s.isBlank() || s.length() > MAX_TEXT) {
      throw ErrorCode.BAD_REQUEST.exception("Field '" + at + "' must be 1 to " + MAX_TEXT + " characters, not "
          + "blank.");
    }
    return s;
  }

  private static boolean bool(JsonNode v, String at) {
    if (!v.isBoolean()) {
      throw ErrorCode.INVALID_FIELD_TYPE.exception("Field '" + at + "' must be a boolean.");
    }
    return v.booleanValue();
  }

  private static Instant instant(JsonNode v, String at) {
    String s = text(v, at);
    try {
      return OffsetDateTime.parse(s, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      throw ErrorCode.BAD_REQUEST.exception("Field '" + at + "' must be an RFC 3339 timestamp, e.g. "
          + "2024-01-31T12:00:00Z.");
    }
  }

  /** A caller's text echoed in an error message, cut short. */
  private static String limitText(String s) {
    return s.length() <= 64 ? s : s.substring(0, 64) + "...";
  }
}
