package dev.latchkey.model;

/**
 * Where a session was created from; both fields are empty strings when unknown. On a backend request
 * ({@code attributes: {ip_address, user_agent}}) it is the end user the backend forwards the request for: its
 * {@code ip_address} is what the per-IP abuse limits count against (absent or null fields mean not given).
 */
public record Attributes(String ipAddress, String userAgent) {
  public static final Attributes EMPTY = new Attributes("", "");
}
