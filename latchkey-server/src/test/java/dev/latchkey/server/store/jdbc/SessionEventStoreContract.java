package dev.latchkey.server.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.server.store.SessionEvent;
import dev.latchkey.server.store.SessionRecord;
import dev.latchkey.server.store.Stores;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the session event log promises on every database: each change of a session or user appends its event in the
 * same transaction, ids grow by one in commit order, and pruning keeps a contiguous suffix and remembers where.
 */
abstract class SessionEventStoreContract {
  private static final Instant T0 = StoreContract.T0;
  protected Stores stores;

  protected abstract Stores openStores();

  @BeforeEach
  void open() {
    stores = openStores();
  }

  @AfterEach
  void close() {
    if (stores != null) {
      stores.close();
    }
  }

  private String userWithSession(String sessionId) {
    String userId = StoreContract.newUserId();
    stores.users().create(StoreContract.user(userId, userId + "@example.com"));
    stores.sessions().create(StoreContract.session(sessionId, userId, T0, T0.plusSeconds(3600)));
    return userId;
  }

  private List<SessionEvent> all() {
    return stores.sessionEvents().after(0, 1000);
  }

  @Test
  void creatingAndRevokingASessionAppendsTwoEventsInOrder() {
    String userId = userWithSession("session-test-a");
    assertThat(stores.sessions().delete("session-test-a")).isTrue();

    List<SessionEvent> events = all();
    assertThat(events).extracting(SessionEvent::type).containsExactly(SessionEvent.CREATED, SessionEvent.REVOKED);
    assertThat(events).extracting(SessionEvent::id).containsExactly(1L, 2L);
    assertThat(events).allSatisfy(e -> {
      assertThat(e.sessionId()).isEqualTo("session-test-a");
      assertThat(e.userId()).isEqualTo(userId);
    });
    assertThat(stores.sessionEvents().lastId()).isEqualTo(2);
  }

  @Test
  void deletingASessionThatIsNotThereAppendsNothing() {
    assertThat(stores.sessions().delete("session-test-none")).isFalse();
    assertThat(all()).isEmpty();
  }

  @Test
  void anUpdateAppendsExtendedWhenTheExpiryMovesAndUpdatedWhenFactorsOrClaimsChange() {
    userWithSession("session-test-u");
    SessionRecord s = stores.sessions().findById("session-test-u").orElseThrow();
    SessionRecord touched = s.next(T0.plusSeconds(60), s.expiresAt(), s.factors(), s.customClaims());
    assertThat(stores.sessions().update(touched)).isTrue();
    SessionRecord extended = touched.next(T0.plusSeconds(120), T0.plusSeconds(7200), s.factors(), s.customClaims());
    assertThat(stores.sessions().update(extended)).isTrue();
    SessionRecord claimed = extended.next(T0.plusSeconds(180), extended.expiresAt(), s.factors(),
        Map.of("role", "owner"));
    assertThat(stores.sessions().update(claimed)).isTrue();

    List<SessionEvent> events = all();
    assertThat(events).extracting(SessionEvent::type)
        .containsExactly(SessionEvent.CREATED, SessionEvent.EXTENDED, SessionEvent.UPDATED);
    assertThat(events.get(1).data()).containsEntry("expires_at", T0.plusSeconds(7200).toString());
    assertThat(events.get(2).data().get("changed")).isEqualTo(List.of("custom_claims"));
  }

  @Test
  void aLostUpdateRaceAppendsNothing() {
    userWithSession("session-test-r");
    SessionRecord s = stores.sessions().findById("session-test-r").orElseThrow();
    SessionRecord stale = new SessionRecord(s.sessionId(), s.userId(), s.tokenHash(), s.startedAt(),
        s.lastAccessedAt(), s.expiresAt(), s.attributes(), s.factors(), s.customClaims(), s.version() + 5);
    assertThat(stores.sessions().update(stale.next(T0, T0.plusSeconds(9000), s.factors(), s.customClaims())))
        .isFalse();
    assertThat(all()).extracting(SessionEvent::type).containsExactly(SessionEvent.CREATED);
  }

  @Test
  void revokingAllOfAUsersSessionsButOneAppendsOneRevokedEach() {
    String userId = userWithSession("session-test-1");
    stores.sessions().create(StoreContract.session("session-test-2", userId, T0, T0.plusSeconds(3600)));
    stores.sessions().create(StoreContract.session("session-test-3", userId, T0, T0.plusSeconds(3600)));

    assertThat(stores.sessions().deleteForUser(userId, "session-test-2")).isEqualTo(2);

    assertThat(all()).filteredOn(e -> e.type().equals(SessionEvent.REVOKED)).extracting(SessionEvent::sessionId)
        .containsExactlyInAnyOrder("session-test-1", "session-test-3");
  }

  @Test
  void purgingExpiredSessionsAppendsExpiredWithTheExpiry() {
    userWithSession("session-test-e");
    assertThat(stores.sessions().purgeExpired(T0.plusSeconds(3600))).isEqualTo(1);

    SessionEvent expired = all().get(1);
    assertThat(expired.type()).isEqualTo(SessionEvent.EXPIRED);
    assertThat(expired.sessionId()).isEqualTo("session-test-e");
    assertThat(expired.data()).containsEntry("expires_at", T0.plusSeconds(3600).toString());
  }

  @Test
  void deletingAUserRevokesItsSessionsThenRecordsTheUser() {
    String userId = userWithSession("session-test-d");
    assertThat(stores.users().delete(userId)).isTrue();

    List<SessionEvent> events = all();
    assertThat(events).extracting(SessionEvent::type)
        .containsExactly(SessionEvent.CREATED, SessionEvent.REVOKED, SessionEvent.USER_DELETED);
    assertThat(events.get(2).userId()).isEqualTo(userId);
    assertThat(events.get(2).sessionId()).isEmpty();
  }

  @Test
  void aFailedCreateLeavesNoEvent() {
    userWithSession("session-test-x");
    try {
      stores.sessions().create(StoreContract.session("session-test-x", "user-test-nobody", T0, T0));
    } catch (RuntimeException expected) {
      // duplicate id: the transaction rolled back
    }
    assertThat(all()).hasSize(1);
  }

  @Test
  void concurrentWritersGetEveryIdOnceWithNoGaps() throws Exception {
    String userId = StoreContract.newUserId();
    stores.users().create(StoreContract.user(userId, userId + "@example.com"));
    AtomicInteger n = new AtomicInteger();
    List<Callable<Void>> tasks = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      tasks.add(() -> {
        for (int j = 0; j < 10; j++) {
          String id = "session-test-c" + n.incrementAndGet();
          stores.sessions().create(StoreContract.session(id, userId, T0, T0.plusSeconds(60)));
        }
        return null;
      });
    }
    StoreContract.concurrently(tasks);

    assertThat(all()).extracting(SessionEvent::id)
        .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 80).boxed().toList());
  }

  @Test
  void pruningKeepsTheNewestEventAndRemembersHowFarItWent() {
    userWithSession("session-test-p");
    stores.sessions().delete("session-test-p");
    AtomicInteger appended = new AtomicInteger();
    stores.sessionEvents().onAppend(appended::incrementAndGet);

    assertThat(stores.sessionEvents().prune(Instant.now().plusSeconds(60))).isEqualTo(1);

    assertThat(all()).extracting(SessionEvent::id).containsExactly(2L);
    assertThat(stores.sessionEvents().prunedThrough()).isEqualTo(1);
    assertThat(stores.sessionEvents().prune(Instant.now().plusSeconds(60))).isZero();
    userWithSession("session-test-q");
    assertThat(appended).hasValue(1);
  }
}
