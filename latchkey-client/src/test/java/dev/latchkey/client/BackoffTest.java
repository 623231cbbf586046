package dev.latchkey.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private final Backoff backoff = new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(256));

  @Test
  void theWaitDoublesFromTheInitialDelayWithinTenPercent() {
    for (int attempt = 0; attempt <= 7; attempt++) {
      long base = 2000L << attempt;
      assertThat(backoff.lowerBound(attempt)).isEqualTo(Duration.ofMillis(base - base / 10));
      assertThat(backoff.upperBound(attempt)).isEqualTo(Duration.ofMillis(base + base / 10));
      assertThat(backoff.delay(attempt, 0.5)).isEqualTo(Duration.ofMillis(base));
    }
  }

  @Test
  void theWaitStopsGrowingAtTheCapEvenAfterManyFailures() {
    for (int attempt : new int[] {8, 9, 30, 63, 64, 1000, Integer.MAX_VALUE}) {
      assertThat(backoff.delay(attempt, 0.5)).isEqualTo(Duration.ofSeconds(256));
      assertThat(backoff.upperBound(attempt)).isLessThanOrEqualTo(Duration.ofMillis(256_000 + 25_600));
    }
  }

  @Test
  void everyDrawStaysInsideTheBounds() {
    java.util.Random random = new java.util.Random(42);
    for (int i = 0; i < 10_000; i++) {
      int attempt = random.nextInt(12);
      Duration d = backoff.delay(attempt, random.nextDouble());
      assertThat(d).isBetween(backoff.lowerBound(attempt), backoff.upperBound(attempt));
    }
  }

  @Test
  void aSmallInitialDelayIsNeverRoundedToZero() {
    Backoff tiny = new Backoff(Duration.ofMillis(10), Duration.ofMillis(10));
    assertThat(tiny.delay(0, 0.0)).isEqualTo(Duration.ofMillis(9));
    assertThat(tiny.delay(5, 0.999)).isEqualTo(Duration.ofMillis(11));
  }
}
