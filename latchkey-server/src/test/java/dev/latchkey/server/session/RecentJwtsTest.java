package dev.latchkey.server.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.model.Attributes;
import dev.latchkey.model.AuthenticationFactor;
import dev.latchkey.server.store.SessionRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

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

    assertThat(recent.find(session("s", 3), "kid-a", T0.plusSeconds(59).plusMillis(999))).isEqualTo("jwt-1");
    assertThat(recent.find(session("s", 3), "kid-a", T0.plusSeconds(60))).isNull();
    assertThat(recent.find(session("s", 4), "kid-a", T0)).isNull();
    assertThat(recent.find(session("s", 3), "kid-b", T0)).isNull();
    assertThat(recent.find(session("other", 3), "kid-a", T0)).isNull();
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
}
