package dev.latchkey.model;

/** Every error reply: Stytch's flat error shape. All five fields are always present. */
public record ErrorBody(int statusCode, String requestId, String errorType, String errorMessage, String errorUrl) {

  /** Stytch's documentation URL pattern for an error; clients only show it. */
  public static String urlFor(int statusCode, String errorType) {
    return "https://stytch.com/docs/api/errors/" + statusCode + "#" + errorType;
  }
}
