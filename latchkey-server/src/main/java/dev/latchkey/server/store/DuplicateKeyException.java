package dev.latchkey.server.store;

/** A write would break a uniqueness rule; {@link #field()} names the wire field at fault (e.g. {@code email}). */
public final class DuplicateKeyException extends RuntimeException {
  private final String field;

  public DuplicateKeyException(String field, Throwable cause) {
    super("duplicate " + field, cause);
    this.field = field;
  }

  public String field() {
    return field;
  }
}
