package dev.latchkey.client;

/**
 * Options of {@link SessionClient#revoke(RevokeOptions)}.
 *
 * <pre>{@code
 * client.session().revoke(RevokeOptions.defaults());   // keeps the local session if the server can't be reached
 * client.session().revoke(RevokeOptions.forceClear()); // signs out locally whatever the server answers
 * }</pre>
 */
public final class RevokeOptions {
  private static final RevokeOptions DEFAULTS = new RevokeOptions(false);
  private static final RevokeOptions FORCE_CLEAR = new RevokeOptions(true);

  private final boolean forceClear;

  private RevokeOptions(boolean forceClear) {
    this.forceClear = forceClear;
  }

  /**
   * Clears local state only when the server confirms the revocation (or says the session is already gone), so an
   * app offline at sign-out can retry rather than leave a live session behind on the server.
   */
  public static RevokeOptions defaults() {
    return DEFAULTS;
  }

  /** Clears local state even when the revocation fails; the returned future still reports the failure. */
  public static RevokeOptions forceClear() {
    return FORCE_CLEAR;
  }

  public boolean isForceClear() {
    return forceClear;
  }

  @Override
  public String toString() {
    return "RevokeOptions[forceClear=" + forceClear + "]";
  }
}
