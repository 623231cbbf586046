package dev.latchkey.server.config;

import java.time.Duration;

/**
 * The admin console at {@code /admin}: whether it is served, the password of the admin named {@code admin} when set
 * by setting (null: only admins made by {@code latchkey admin create} sign in; never logged), how long a signed-in
 * admin may stay idle, and how long an admin session lives at most.
 */
public record AdminSettings(boolean enabled, String password, Duration idleTimeout, Duration sessionLifetime) {
  @Override
  public String toString() {
    return "AdminSettings[enabled=" + enabled + ", password=" + (password == null ? "none" : "<redacted>")
        + ", idleTimeout=" + idleTimeout + ", sessionLifetime=" + sessionLifetime + "]";
  }
}
