package dev.latchkey.server.store;

/**
 * The store could not answer: the database is unreachable, timed out or failed. This is "could not check", never
 * "rejected": the HTTP layer answers 503 and clients keep their sessions.
 */
public class StoreException extends RuntimeException {
  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
