package dev.latchkey.model;

/** Where a session was created from; both fields are empty strings when unknown. */
public record Attributes(String ipAddress, String userAgent) {
  public static final Attributes EMPTY = new Attributes("", "");
}
