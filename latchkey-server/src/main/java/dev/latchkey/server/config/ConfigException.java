package dev.latchkey.server.config;

/** A setting is missing or out of range; the message names it, its value, the accepted range and its source. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
