package dev.latchkey.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Optional;

/** Every error reply: Stytch's flat error shape. All five fields are always present. */
public record ErrorBody(int statusCode, String requestId, String errorType, String errorMessage, String errorUrl) {

  /** Stytch's documentation URL pattern for an error; clients only show it. */
  public static String urlFor(int statusCode, String errorType) {
    return "https://stytch.com/docs/api/errors/" + statusCode + "#" + errorType;
  }

  /**
   * How an SDK reads a non-2xx reply: the server's error body when the reply is one (a JSON object with a textual
   * {@code error_type}), else a body described by the status alone, with the type {@code http_<status>} (which no
   * {@link ErrorType} has, so it never signs a client out) and {@code what} in its message. Never throws: a proxy's
   * HTML page or a truncated body is still an answer.
   */
  public static ErrorBody fromReply(ObjectMapper json, int status, byte[] body, String what) {
    try {
      JsonNode node = json.readTree(body);
      if (node != null && node.isObject() && node.path("error_type").isTextual()) {
        String type = node.path("error_type").asText();
        return new ErrorBody(status, node.path("request_id").asText(""), type,
            node.path("error_message").asText(""), node.path("error_url").asText(urlFor(status, type)));
      }
    } catch (IOException | RuntimeException e) {
      // Not JSON (a proxy's error page, say): described by its status alone below.
    }
    String type = "http_" + status;
    return new ErrorBody(status, "", type, what + "the server answered HTTP " + status + " without a JSON error body",
        "");
  }

  /** This body's type as the contract knows it; empty for a type this version does not know. */
  public Optional<ErrorType> type() {
    return ErrorType.fromWire(errorType);
  }
}
