package dev.latchkey.client;

import dev.latchkey.model.ErrorBody;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.model.AuthenticateResponse;
import dev.latchkey.model.User;
import dev.latchkey.model.WireJson;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code /sdk/v1} calls: HTTP Basic {@code public_token:session_token} (the public token twice when there is no
 * session, as the browser SDK does), success bodies unwrapped from {@code {"data": ...}}, flat errors mapped onto
 * {@link LatchkeyClientException}. Stateless; the caller passes the session token of the request.
 */
final class Api {
  private final Transport transport;
  private final String base;
  private final String publicToken;
  private final ObjectMapper json;

  Api(Transport transport, URI baseUrl, String publicToken) {
    this.transport = transport;
    String b = baseUrl.toString();
    this.base = b.endsWith("/") ? b.substring(0, b.length() - 1) : b;
    this.publicToken = publicToken;
    ObjectMapper mapper = WireJson.mapper();
    // Absent optional fields are left out rather than sent as null, as the official SDKs do.
    mapper.setDefaultPropertyInclusion(
        JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL));
    this.json = mapper;
  }

  ObjectMapper json() {
    return json;
  }

  AuthenticateResponse authenticateSession(String sessionToken, Integer durationMinutes) {
    Map<String, Object> body = new LinkedHashMap<>();
    if (durationMinutes != null) {
      body.put("session_duration_minutes", durationMinutes);
    }
    return read(call("POST", "/sdk/v1/sessions/authenticate", sessionToken, body), AuthenticateResponse.class);
  }

  void revokeSession(String sessionToken) {
    call("POST", "/sdk/v1/sessions/revoke", sessionToken, null);
  }

  /** {@code POST /sdk/v1/sessions/revoke_others}: the ids of the user's other sessions, now revoked. */
  java.util.List<String> revokeOtherSessions(String sessionToken) {
    JsonNode ids = call("POST", "/sdk/v1/sessions/revoke_others", sessionToken, null).path("revoked_session_ids");
    java.util.List<String> out = new java.util.ArrayList<>();
    ids.forEach(id -> out.add(id.asText()));
    return java.util.List.copyOf(out);
  }

  User me(String sessionToken) {
    JsonNode data = call("GET", "/sdk/v1/users/me", sessionToken, null);
    // The user's fields sit in "data" itself; accept a nested "user" too, as some Stytch endpoints nest it.
    return read(data.path("user").isObject() ? data.get("user") : data, User.class);
  }

  /** {@code PUT /sdk/v1/users/me}: the whole updated user comes back as {@code __user}. */
  User updateMe(String sessionToken, User.Name name, Map<String, Object> untrustedMetadata) {
    Map<String, Object> body = new LinkedHashMap<>();
    if (name != null) {
      body.put("name", name);
    }
    if (untrustedMetadata != null) {
      body.put("untrusted_metadata", untrustedMetadata);
    }
    JsonNode data = call("PUT", "/sdk/v1/users/me", sessionToken, body);
    if (!data.path("__user").isObject()) {
      throw LatchkeyClientException.local(LatchkeyClientException.BAD_RESPONSE,
          "The reply to PUT /sdk/v1/users/me has no \"__user\" object", null);
    }
    return read(data.get("__user"), User.class);
  }

  AuthenticateResponse post(String path, String sessionToken, Map<String, Object> body) {
    return read(call("POST", path, sessionToken, body), AuthenticateResponse.class);
  }

  /** A POST whose {@code data} is read as {@code type}. */
  <T> T post(String path, String sessionToken, Map<String, Object> body, Class<T> type) {
    return read(call("POST", path, sessionToken, body), type);
  }

  /** A POST whose {@code data} is returned as it came, for replies with more than one part to read. */
  JsonNode postData(String path, String sessionToken, Map<String, Object> body) {
    return call("POST", path, sessionToken, body);
  }

  <T> T readAs(JsonNode node, Class<T> type) {
    return read(node, type);
  }

  /**
   * One long poll of {@code GET /sdk/v1/sessions/events} for the session of {@code sessionToken}: the reply's text
   * (Server-Sent Events) on 200; the server's error otherwise.
   */
  String pollEvents(String sessionToken, String lastEventId, int waitSeconds) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Authorization", "Basic " + Base64.getEncoder().encodeToString(
        (publicToken + ":" + sessionToken).getBytes(StandardCharsets.UTF_8)));
    headers.put("Accept", "text/event-stream");
    if (lastEventId != null) {
      headers.put("Last-Event-ID", lastEventId);
    }
    String path = "/sdk/v1/sessions/events?wait_seconds=" + waitSeconds;
    Transport.Response reply;
    try {
      reply = transport.execute(new Transport.Request("GET", URI.create(base + path), headers, null));
    } catch (IOException | RuntimeException e) {
      throw LatchkeyClientException.local(LatchkeyClientException.NETWORK_ERROR,
          "GET " + path + " got no answer: " + e.getMessage(), e);
    }
    if (reply.status() != 200) {
      throw serverError("GET", path, reply);
    }
    return new String(reply.body(), StandardCharsets.UTF_8);
  }

  private JsonNode call(String method, String path, String sessionToken, Object body) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Authorization", "Basic " + Base64.getEncoder().encodeToString(
        (publicToken + ":" + (sessionToken == null ? publicToken : sessionToken)).getBytes(StandardCharsets.UTF_8)));
    headers.put("Accept", "application/json");
    byte[] bytes = null;
    if (body != null) {
      headers.put("Content-Type", "application/json");
      try {
        bytes = json.writeValueAsBytes(body);
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException("The request cannot be written as JSON: " + e.getOriginalMessage(), e);
      }
    }
    Transport.Response reply;
    try {
      reply = transport.execute(new Transport.Request(method, URI.create(base + path), headers, bytes));
    } catch (IOException e) {
      throw LatchkeyClientException.local(LatchkeyClientException.NETWORK_ERROR,
          method + " " + path + " got no answer: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      // A custom transport that throws unchecked is still "no answer", never a reason to sign out.
      throw LatchkeyClientException.local(LatchkeyClientException.NETWORK_ERROR,
          method + " " + path + " failed in the transport: " + e, e);
    }
    if (reply.status() / 100 != 2) {
      throw serverError(method, path, reply);
    }
    JsonNode root = tree(method, path, reply.body());
    JsonNode data = root.get("data");
    if (data == null || !data.isObject()) {
      throw LatchkeyClientException.local(LatchkeyClientException.BAD_RESPONSE,
          "The reply to " + method + " " + path + " has no \"data\" object", null);
    }
    return data;
  }

  private LatchkeyClientException serverError(String method, String path, Transport.Response reply) {
    ErrorBody body = ErrorBody.fromReply(json, reply.status(), reply.body(), method + " " + path + ": ");
    return LatchkeyClientException.server(body.statusCode(), body.requestId(), body.errorType(), body.errorMessage());
  }

  private JsonNode tree(String method, String path, byte[] body) {
    try {
      JsonNode node = json.readTree(body);
      if (node != null && node.isObject()) {
        return node;
      }
    } catch (IOException e) {
      // Reported below.
    }
    throw LatchkeyClientException.local(LatchkeyClientException.BAD_RESPONSE,
        "The reply to " + method + " " + path + " is not a JSON object", null);
  }

  private <T> T read(JsonNode node, Class<T> type) {
    try {
      return json.treeToValue(node, type);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw LatchkeyClientException.local(LatchkeyClientException.BAD_RESPONSE,
          "The reply is not a valid " + type.getSimpleName() + ": " + e.getMessage(), e);
    }
  }
}
