package dev.latchkey.server.session;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.latchkey.model.Attributes;
import dev.latchkey.model.AuthenticationFactor;
import dev.latchkey.server.store.SessionRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The rules of {@link RecentJwts} on their own, with time passed in: what is reused, and how big the map may grow. */
class RecentJwtsTest {
  private static final Instant T0 = Instant.parse("2030-01-01T10:00:00Z");
  private final RecentJwts recent = new RecentJwts();

  private static SessionRecord session(String id, long version) {
    return new SessionRecord(id, "user-1", "hash-" + id, T0, T0, T0.plus(Duration.ofHours(1)), Attributes.EMPTY,
        List.of(AuthenticationFactor.password(T0)), Map.of(), version);
  }

  @Test
  void aJwtIsFoundOnlyForTheSameVersionTheSameKeyAndWithinTheFirstFifthOfItsLife() {
    recent.remember(session("s", 3), "kid-a", T0, "jwt-1", T0);

    Instant end = T0.plus(RecentJwts.reuseWindow("s"));
    assertThat(recent.find(session("s", 3), "kid-a", end.minusMillis(1))).isEqualTo("jwt-1");
    assertThat(recent.find(session("s", 3), "kid-a", end)).isNull();
    assertThat(recent.find(session("s", 3), "kid-a", T0.plusSeconds(60))).isNull();
    assertThat(recent.find(session("s", 4), "kid-a", T0)).isNull();
    assertThat(recent.find(session("s", 3), "kid-b", T0)).isNull();
    assertThat(recent.find(session("other", 3), "kid-a", T0)).isNull();
  }

  @Test
  void sessionsGivenAJwtInTheSameSecondAreNotAllDueToSignAgainInTheSameSecond() {
    java.util.Set<Long> dueSeconds = new java.util.HashSet<>();
    for (int i = 0; i < 1_000; i++) {
      Duration window = RecentJwts.reuseWindow("session-live-" + java.util.UUID.randomUUID());
      assertThat(window).isLessThanOrEqualTo(RecentJwts.REUSE_WINDOW)
          .isGreaterThan(RecentJwts.REUSE_WINDOW.minus(RecentJwts.SPREAD));
      dueSeconds.add(window.toSeconds());
    }
    assertThat(dueSeconds).hasSizeGreaterThanOrEqualTo(15);
  }

  @Test
  void anOlderVersionNeverReplacesANewerOne() {
    recent.remember(session("s", 5), "kid-a", T0, "jwt-of-5", T0);
    recent.remember(session("s", 4), "kid-a", T0, "jwt-of-4", T0);

    assertThat(recent.find(session("s", 5), "kid-a", T0)).isEqualTo("jwt-of-5");
  }

  @Test
  void aForgottenSessionHasNoJwtToReuse() {
    recent.remember(session("s", 1), "kid-a", T0, "jwt-1", T0);

    recent.forget("s");

    assertThat(recent.find(session("s", 1), "kid-a", T0)).isNull();
    assertThat(recent.size()).isZero();
  }

  @Test
  void aFullMapOfFreshEntriesRemembersNothingMoreAndStaleEntriesMakeRoomAgain() {
    for (int i = 0; i < RecentJwts.MAX_ENTRIES; i++) {
      recent.remember(session("s" + i, 1), "kid-a", T0, "jwt", T0);
    }

    recent.remember(session("late", 1), "kid-a", T0, "jwt-late", T0.plusSeconds(1));
    assertThat(recent.size()).isEqualTo(RecentJwts.MAX_ENTRIES);
    assertThat(recent.find(session("late", 1), "kid-a", T0.plusSeconds(1))).isNull();

    Instant later = T0.plus(RecentJwts.REUSE_WINDOW).plusSeconds(1);
    recent.remember(session("later", 1), "kid-a", later, "jwt-later", later);
    assertThat(recent.size()).isEqualTo(1);
    assertThat(recent.find(session("later", 1), "kid-a", later)).isEqualTo("jwt-later");
  }

  @Test
  void aFullMapSaysSoInOneWarningAndCountsEveryJwtItCouldNotKeep() {
    Logger logger = (Logger) LoggerFactory.getLogger(RecentJwts.class);
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    logger.addAppender(logged);
    try {
      for (int i = 0; i < RecentJwts.MAX_ENTRIES; i++) {
        recent.remember(session("s" + i, 1), "kid-a", T0, "jwt-" + i, T0);
      }
      assertThat(recent.notCached()).isZero();
      assertThat(logged.list).isEmpty();

      for (int i = 0; i < 5; i++) {
        recent.remember(session("late" + i, 1), "kid-a", T0, "jwt-late-" + i, T0.plusSeconds(i));
      }
      recent.remember(session("s0", 2), "kid-a", T0, "jwt-s0-v2", T0.plusSeconds(5));

      assertThat(recent.notCached()).as("five new sessions were not kept; a known one was replaced").isEqualTo(5);
      assertThat(logged.list).hasSize(1);
      ILoggingEvent warning = logged.list.get(0);
      assertThat(warning.getLevel()).isEqualTo(Level.WARN);
      assertThat(warning.getFormattedMessage()).startsWith("The recent-JWT cache is full: more than 65536 sessions "
          + "were given a JWT within 60s on this node").doesNotContain("jwt-").doesNotContain("late");
    } finally {
      logger.detachAppender(logged);
    }
  }
}
