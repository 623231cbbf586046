package dev.latchkey.client;

import java.util.OptionalInt;

/**
 * Options of {@link SessionClient#authenticate(SessionOptions)}: whether to extend the session, and by how much.
 *
 * <pre>{@code
 * client.session().authenticate(SessionOptions.durationMinutes(60)); // check and extend to now + 60 minutes
 * client.session().authenticate(SessionOptions.checkOnly());         // check only; expiry unchanged
 * }</pre>
 */
public final class SessionOptions {
  /** Stytch's range for {@code session_duration_minutes}: 5 minutes to 366 days. */
  static final int MIN_MINUTES = 5;
  static final int MAX_MINUTES = 366 * 24 * 60;
  private static final SessionOptions CHECK_ONLY = new SessionOptions(null);

  private final Integer durationMinutes;

  private SessionOptions(Integer durationMinutes) {
    this.durationMinutes = durationMinutes;
  }

  /** Checks the session and extends it to {@code minutes} from now (5 to 527,040, as Stytch accepts). */
  public static SessionOptions durationMinutes(int minutes) {
    if (minutes < MIN_MINUTES || minutes > MAX_MINUTES) {
      throw new IllegalArgumentException("durationMinutes is " + minutes + "; it must be between " + MIN_MINUTES
          + " and " + MAX_MINUTES);
    }
    return new SessionOptions(minutes);
  }

  /** Checks the session without extending it (what the background refresh sends unless keep-alive is on). */
  public static SessionOptions checkOnly() {
    return CHECK_ONLY;
  }

  /** The extension asked for, if any. */
  public OptionalInt durationMinutes() {
    return durationMinutes == null ? OptionalInt.empty() : OptionalInt.of(durationMinutes);
  }

  Integer minutesOrNull() {
    return durationMinutes;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SessionOptions && java.util.Objects.equals(((SessionOptions) o).durationMinutes,
        durationMinutes);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hashCode(durationMinutes);
  }

  @Override
  public String toString() {
    return durationMinutes == null ? "SessionOptions[checkOnly]" : "SessionOptions[durationMinutes=" + durationMinutes
        + "]";
  }
}
