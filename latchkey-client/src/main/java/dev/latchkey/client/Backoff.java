package dev.latchkey.client;

import java.time.Duration;

/**
 * The wait before retry {@code n} of a refresh that could not reach a verdict: {@code initial * 2^n}, capped at
 * {@code max}, then spread by up to 10% either way so many clients that lost the same server do not come back in
 * step. Pure: the random draw is passed in.
 */
final class Backoff {
  /** 10% of the delay either way: enough to spread a herd, small enough that the cap still means something. */
  static final double JITTER_FRACTION = 0.10;

  private final Duration initial;
  private final Duration max;

  Backoff(Duration initial, Duration max) {
    this.initial = initial;
    this.max = max;
  }

  /**
   * @param attempt 0 for the first retry
   * @param draw uniform in [0, 1)
   */
  Duration delay(int attempt, double draw) {
    long initialMs = initial.toMillis();
    long maxMs = max.toMillis();
    int shift = Math.min(Math.max(attempt, 0), 40); // 2^40 ms is past any cap; avoids overflow
    long base = initialMs > (maxMs >> shift) ? maxMs : Math.min(maxMs, initialMs << shift);
    double jitter = (draw * 2 - 1) * JITTER_FRACTION * base;
    return Duration.ofMillis(Math.max(1, Math.round(base + jitter)));
  }

  /** The shortest possible wait of retry {@code attempt}. */
  Duration lowerBound(int attempt) {
    return delay(attempt, 0.0);
  }

  /** The longest possible wait of retry {@code attempt} (the draw never reaches 1). */
  Duration upperBound(int attempt) {
    return delay(attempt, 1.0);
  }
}
