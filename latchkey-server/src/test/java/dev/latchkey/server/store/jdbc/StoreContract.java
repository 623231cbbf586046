package dev.latchkey.server.store.jdbc;

import dev.latchkey.server.store.DuplicateKeyException;
import dev.latchkey.server.store.EmailTokenRecord;
import dev.latchkey.server.store.KeyRecord;
import dev.latchkey.server.store.OtpCodeRecord;
import dev.latchkey.server.store.ProjectRecord;
import dev.latchkey.server.store.SessionRecord;
import dev.latchkey.server.store.StoreException;
import dev.latchkey.server.store.OAuthStore;
import dev.latchkey.server.store.Stores;
import dev.latchkey.server.store.TotpRecord;
import java.util.Optional;
import dev.latchkey.server.store.WebAuthnRegistrationRecord;
import dev.latchkey.server.store.WebAuthnCeremonyRecord;
import dev.latchkey.server.store.UserRecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.model.Attributes;
import dev.latchkey.model.AuthenticationFactor;
import dev.latchkey.model.User;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every backend of {@link Stores} promises. Subclasses open a fresh, empty database per test; nothing here
 * knows which database it talks to, so the same specification runs against SQLite and PostgreSQL.
 */
public abstract class StoreContract {
  /** A whole-millisecond instant: the precision every backend keeps. */
  protected static final Instant T0 = Instant.parse("2025-03-14T15:09:26.535Z");

  protected Stores stores;

  /** A fresh, empty, migrated database for one test. */
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

  // ---------------------------------------------------------------------------------------------------- fixtures

  protected static UserRecord user(String userId, String... emails) {
    List<UserRecord.StoredEmail> stored = new ArrayList<>();
    for (int i = 0; i < emails.length; i++) {
      stored.add(new UserRecord.StoredEmail("email-test-" + i + "-" + userId, emails[i], i == 0));
    }
    return new UserRecord(userId, "active", new User.Name("Ada", "", "Lovelace"), Map.of("plan", "pro"),
        Map.of("theme", "dark"), null, T0, stored, null);
  }

  protected static UserRecord withExternalId(UserRecord u, String externalId) {
    return new UserRecord(u.userId(), u.status(), u.name(), u.trustedMetadata(), u.untrustedMetadata(), externalId,
        u.createdAt(), u.emails(), u.password());
  }

  protected static UserRecord.StoredPassword password(String hash) {
    return new UserRecord.StoredPassword("password-test-" + UUID.randomUUID(), hash, false);
  }

  protected static SessionRecord session(String sessionId, String userId, Instant startedAt, Instant expiresAt) {
    return new SessionRecord(sessionId, userId, "hash-of-" + sessionId, startedAt, startedAt, expiresAt,
        new Attributes("203.0.113.7", "curl/8.5"), List.of(AuthenticationFactor.password(startedAt)),
        Map.of("role", "admin"), 1);
  }

  protected static KeyRecord key(String kid, Instant createdAt) {
    return new KeyRecord(kid, "private-key-of-" + kid, "none", "certificate-of-" + kid, createdAt, null);
  }

  protected static String newUserId() {
    return "user-test-" + UUID.randomUUID();
  }

  /** Runs every task at once (released together) and returns their results in order; bounded wait. */
  protected static <T> List<T> concurrently(List<Callable<T>> tasks) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<T>> futures = new ArrayList<>();
      for (Callable<T> task : tasks) {
        futures.add(pool.submit(() -> {
          go.await();
          return task.call();
        }));
      }
      go.countDown();
      List<T> results = new ArrayList<>();
      for (Future<T> f : futures) {
        results.add(f.get(30, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  // --------------------------------------------------------------------------------------------------- readiness

  @Test
  void openStoresAreReady() {
    assertThat(stores.isReady()).isTrue();
  }

  @Test
  void closedStoresAreNotReady() {
    stores.close();

    assertThat(stores.isReady()).isFalse();
  }

  // ------------------------------------------------------------------------------------------------------- users

  @Test
  void aCreatedUserIsFoundByIdWithEveryField() {
    UserRecord ada = withExternalId(user(newUserId(), "ada@example.com", "ada@work.example"), "crm-42")
        .withPassword(password("$argon2id$v=19$m=8192,t=1,p=1$c2FsdA$aGFzaA"));

    stores.users().create(ada);

    assertThat(stores.users().find(ada.userId())).contains(ada);
  }

  @Test
  void anUnknownUserIsNotFound() {
    assertThat(stores.users().find("user-test-00000000-0000-0000-0000-000000000000")).isEmpty();
    assertThat(stores.users().findByEmail("nobody@example.com")).isEmpty();
  }

  @Test
  void aUserIsFoundByEachOfItsEmails() {
    UserRecord ada = user(newUserId(), "ada@example.com", "ada@work.example");
    stores.users().create(ada);
    stores.users().create(user(newUserId(), "grace@example.com"));

    assertThat(stores.users().findByEmail("ada@example.com")).contains(ada);
    assertThat(stores.users().findByEmail("ada@work.example")).contains(ada);
  }

  @Test
  void anEmailTakenByAnotherUserIsADuplicateEmail() {
    stores.users().create(user(newUserId(), "ada@example.com"));
    UserRecord impostor = user(newUserId(), "ada@example.com");

    assertThatThrownBy(() -> stores.users().create(impostor))
        .isInstanceOfSatisfying(DuplicateKeyException.class, e -> assertThat(e.field()).isEqualTo("email"));
    assertThat(stores.users().find(impostor.userId())).isEmpty();
  }

  @Test
  void aFailedCreateLeavesNoPartOfTheUserBehind() {
    stores.users().create(user(newUserId(), "taken@example.com"));
    UserRecord half = user(newUserId(), "free@example.com", "taken@example.com");

    assertThatThrownBy(() -> stores.users().create(half)).isInstanceOf(DuplicateKeyException.class);

    assertThat(stores.users().find(half.userId())).isEmpty();
    assertThat(stores.users().findByEmail("free@example.com")).isEmpty();
  }

  @Test
  void anExternalIdTakenByAnotherUserIsADuplicateExternalId() {
    stores.users().create(withExternalId(user(newUserId(), "ada@example.com"), "crm-42"));
    UserRecord other = withExternalId(user(newUserId(), "grace@example.com"), "crm-42");

    assertThatThrownBy(() -> stores.users().create(other))
        .isInstanceOfSatisfying(DuplicateKeyException.class, e -> assertThat(e.field()).isEqualTo("external_id"));
    assertThat(stores.users().find(other.userId())).isEmpty();
  }

  @Test
  void manyUsersMayHaveNoExternalId() {
    UserRecord ada = user(newUserId(), "ada@example.com");
    UserRecord grace = user(newUserId(), "grace@example.com");

    stores.users().create(ada);
    stores.users().create(grace);

    assertThat(stores.users().find(grace.userId())).contains(grace);
  }

  @Test
  void updatingAUserReplacesNameMetadataAndExternalIdAndKeepsTheRest() {
    UserRecord ada = user(newUserId(), "ada@example.com").withPassword(password("hash-1"));
    stores.users().create(ada);
    UserRecord renamed = new UserRecord(ada.userId(), ada.status(), new User.Name("Augusta", "Ada", "King"),
        Map.of("plan", "enterprise", "seats", 12), Map.of(), "crm-7", ada.createdAt(), ada.emails(), ada.password());

    assertThat(stores.users().update(renamed)).isTrue();

    assertThat(stores.users().find(ada.userId())).contains(renamed);
  }

  @Test
  void updatingAnUnknownUserReturnsFalse() {
    assertThat(stores.users().update(user(newUserId(), "ghost@example.com"))).isFalse();
    assertThat(stores.users().findByEmail("ghost@example.com")).isEmpty();
  }

  @Test
  void updatingToAnExternalIdTakenByAnotherUserIsADuplicateExternalId() {
    stores.users().create(withExternalId(user(newUserId(), "ada@example.com"), "crm-42"));
    UserRecord grace = user(newUserId(), "grace@example.com");
    stores.users().create(grace);

    assertThatThrownBy(() -> stores.users().update(withExternalId(grace, "crm-42")))
        .isInstanceOfSatisfying(DuplicateKeyException.class, e -> assertThat(e.field()).isEqualTo("external_id"));
    assertThat(stores.users().find(grace.userId())).contains(grace);
  }

  @Test
  void settingAPasswordOnAUserWithoutOneStoresIt() {
    UserRecord ada = user(newUserId(), "ada@example.com");
    stores.users().create(ada);
    UserRecord.StoredPassword first = new UserRecord.StoredPassword("password-test-1", "hash-1", true);

    stores.users().setPassword(ada.userId(), first);

    assertThat(stores.users().find(ada.userId())).contains(ada.withPassword(first));
  }

  @Test
  void settingAPasswordReplacesThePreviousOne() {
    UserRecord ada = user(newUserId(), "ada@example.com").withPassword(password("hash-1"));
    stores.users().create(ada);
    UserRecord.StoredPassword second = new UserRecord.StoredPassword("password-test-2", "hash-2", false);

    stores.users().setPassword(ada.userId(), second);

    assertThat(stores.users().find(ada.userId()).orElseThrow().password()).isEqualTo(second);
  }

  @Test
  void aPasswordHashIsReplacedOnlyWhileItIsStillTheOneExpected() {
    UserRecord ada = user(newUserId(), "ada@example.com").withPassword(password("legacy:md_5:e30:abc"));
    stores.users().create(ada);
    String passwordId = ada.password().passwordId();

    assertThat(stores.users().replacePasswordHash(ada.userId(), passwordId, "something else", "$argon2id$x"))
        .isFalse();
    assertThat(stores.users().replacePasswordHash(ada.userId(), passwordId, "legacy:md_5:e30:abc", "$argon2id$y"))
        .isTrue();

    assertThat(stores.users().find(ada.userId()).orElseThrow().password())
        .isEqualTo(new UserRecord.StoredPassword(passwordId, "$argon2id$y", ada.password().requiresReset()));
    assertThat(stores.users().replacePasswordHash(ada.userId(), passwordId, "legacy:md_5:e30:abc", "$argon2id$z"))
        .isFalse();
  }

  @Test
  void aUserIsFoundByItsExternalIdAndNoOtherIs() {
    UserRecord ada = user(newUserId(), "ada@example.com");
    UserRecord withExternal = new UserRecord(ada.userId(), ada.status(), ada.name(), ada.trustedMetadata(),
        ada.untrustedMetadata(), "crm|42", ada.createdAt(), ada.emails(), ada.password());
    stores.users().create(withExternal);
    stores.users().create(user(newUserId(), "grace@example.com"));

    assertThat(stores.users().findByExternalId("crm|42")).contains(withExternal);
    assertThat(stores.users().findByExternalId("crm|43")).isEmpty();
  }

  @Test
  void deletingAUserDeletesItsEmailsPasswordAndSessions() {
    UserRecord ada = user(newUserId(), "ada@example.com").withPassword(password("hash-1"));
    stores.users().create(ada);
    stores.sessions().create(session("session-test-1", ada.userId(), T0, T0.plusSeconds(3600)));
    UserRecord grace = user(newUserId(), "grace@example.com");
    stores.users().create(grace);
    stores.sessions().create(session("session-test-2", grace.userId(), T0, T0.plusSeconds(3600)));

    assertThat(stores.users().delete(ada.userId())).isTrue();

    assertThat(stores.users().find(ada.userId())).isEmpty();
    assertThat(stores.users().findByEmail("ada@example.com")).isEmpty();
    assertThat(stores.sessions().findById("session-test-1")).isEmpty();
    assertThat(stores.sessions().findByTokenHash("hash-of-session-test-1")).isEmpty();
    assertThat(stores.sessions().listActive(ada.userId(), T0)).isEmpty();
    // The other user keeps everything.
    assertThat(stores.users().find(grace.userId())).contains(grace);
    assertThat(stores.sessions().findById("session-test-2")).isPresent();
    // Same id and email again: no email, password or session of the deleted user is left to collide or resurface.
    stores.users().create(user(ada.userId(), "ada@example.com"));
    assertThat(stores.users().find(ada.userId()).orElseThrow().password()).isNull();
    assertThat(stores.sessions().listActive(ada.userId(), T0)).isEmpty();
  }

  @Test
  void deletingAnUnknownUserReturnsFalse() {
    assertThat(stores.users().delete(newUserId())).isFalse();
  }

  // ---------------------------------------------------------------------------------------------------- sessions

  @Test
  void aCreatedSessionIsFoundByIdAndByTokenHash() {
    UserRecord ada = user(newUserId(), "ada@example.com");
    stores.users().create(ada);
    SessionRecord s = session("session-test-1", ada.userId(), T0, T0.plusSeconds(3600));

    stores.sessions().create(s);

    assertThat(stores.sessions().findById("session-test-1")).contains(s);
    assertThat(stores.sessions().findByTokenHash("hash-of-session-test-1")).contains(s);
  }

  @Test
  void aSessionOfAnUnknownUserIsRefused() {
    SessionRecord orphan = session("session-test-1", newUserId(), T0, T0.plusSeconds(3600));

    assertThatThrownBy(() -> stores.sessions().create(orphan)).isInstanceOf(StoreException.class);
    assertThat(stores.sessions().findById("session-test-1")).isEmpty();
  }

  @Test
  void anUnknownSessionIsNotFound() {
    assertThat(stores.sessions().findById("session-test-nope")).isEmpty();
    assertThat(stores.sessions().findByTokenHash("hash-of-nothing")).isEmpty();
  }

  @Test
  void updatingASessionStoresTheNextVersion() {
    UserRecord ada = user(newUserId(), "ada@example.com");
    stores.users().create(ada);
    SessionRecord s = session("session-test-1", ada.userId(), T0, T0.plusSeconds(3600));
    stores.sessions().create(s);
    Instant later = T0.plusSeconds(60);
    SessionRecord next = s.next(later, later.plusSeconds(7200),
        List.of(s.factors().get(0).reauthenticated(later)), Map.of("role", "owner", "tier", 2));

    assertThat(stores.sessions().update(next)).isTrue();

    assertThat(stores.sessions().findById("session-test-1")).contains(next);
    assertThat(next.version()).isEqualTo(2);
  }

  @Test
  void anUpdateFromAStaleVersionReturnsFalseAndChangesNothing() {
    UserRecord ada = user(newUserId(), "ada@example.com");
    stores.users().create(ada);
    SessionRecord s = session("session-test-1", ada.userId(), T0, T0.plusSeconds(3600));
    stores.sessions().create(s);
    SessionRecord first = s.next(T0.plusSeconds(1), T0.plusSeconds(4000), s.factors(), Map.of("winner", "first"));
    SessionRecord second = s.next(T0.plusSeconds(2), T0.plusSeconds(5000), List.of(), Map.of("winner", "second"));

    assertThat(stores.sessions().update(first)).isTrue();
    assertThat(stores.sessions().update(second)).isFalse();

    assertThat(stores.sessions().findById("session-test-1")).contains(first);
  }

  @Test
  void ofConcurrentUpdatesFromTheSameVersionExactlyOneWins() throws Exception {
    UserRecord ada = user(newUserId(), "ada@example.com");
    stores.users().create(ada);
    SessionRecord s = session("session-test-1", ada.userId(), T0, T0.plusSeconds(3600));
    stores.sessions().create(s);
    int writers = 8;
    List<SessionRecord> attempts = new ArrayList<>();
    for (int i = 0; i < writers; i++) {
      attempts.add(s.next(T0.plusSeconds(i + 1), T0.plusSeconds(7200), s.factors(), Map.of("writer", i)));
    }

    List<Boolean> results = concurrently(attempts.stream()
        .map(next -> (Callable<Boolean>) () -> stores.sessions().update(next)).toList());

    assertThat(results).filteredOn(Boolean::booleanValue).hasSize(1);
    SessionRecord winner = attempts.get(results.indexOf(true));
    assertThat(stores.sessions().findById("session-test-1")).contains(winner);
  }

  @Test
  void updatingADeletedSessionReturnsFalseAndDoesNotRecreateIt() {
    UserRecord ada = user(newUserId(), "ada@example.com");
    stores.users().create(ada);
    SessionRecord s = session("session-test-1", ada.userId(), T0, T0.plusSeconds(3600));
    stores.sessions().create(s);
    stores.sessions().delete("session-test-1");

    assertThat(stores.sessions().update(s.next(T0.plusSeconds(1), T0.plusSeconds(4000), s.factors(), Map.of())))
        .isFalse();

    assertThat(stores.sessions().findById("session-test-1")).isEmpty();
  }

  @Test
  void deletingASessionReportsWhetherThereWasOne() {
    UserRecord ada = user(newUserId(), "ada@example.com");
    stores.users().create(ada);
    stores.sessions().create(session("session-test-1", ada.userId(), T0, T0.plusSeconds(3600)));

    assertThat(stores.sessions().delete("session-test-1")).isTrue();
    assertThat(stores.sessions().delete("session-test-1")).isFalse();
    assertThat(stores.sessions().findByTokenHash("hash-of-session-test-1")).isEmpty();
  }

  @Test
  void listActiveReturnsOnlyTheUsersUnexpiredSessionsOldestFirst() {
    UserRecord ada = user(newUserId(), "ada@example.com");
    UserRecord grace = user(newUserId(), "grace@example.com");
    stores.users().create(ada);
    stores.users().create(grace);
    Instant now = T0.plusSeconds(1000);
    SessionRecord newest = session("session-test-a", ada.userId(), T0.plusSeconds(300), now.plusSeconds(10));
    SessionRecord oldest = session("session-test-b", ada.userId(), T0.plusSeconds(100), now.plusMillis(1));
    SessionRecord middle = session("session-test-c", ada.userId(), T0.plusSeconds(200), now.plusSeconds(3600));
    SessionRecord expiredNow = session("session-test-d", ada.userId(), T0, now);
    SessionRecord expiredBefore = session("session-test-e", ada.userId(), T0, now.minusSeconds(1));
    SessionRecord someoneElses = session("session-test-f", grace.userId(), T0, now.plusSeconds(3600));
    for (SessionRecord s : List.of(newest, oldest, middle, expiredNow, expiredBefore, someoneElses)) {
      stores.sessions().create(s);
    }

    assertThat(stores.sessions().listActive(ada.userId(), now)).containsExactly(oldest, middle, newest);
  }

  @Test
  void purgeExpiredDeletesOnlySessionsExpiredAtOrBeforeNowAndCountsThem() {
    UserRecord ada = user(newUserId(), "ada@example.com");
    stores.users().create(ada);
    Instant now = T0.plusSeconds(1000);
    SessionRecord alive = session("session-test-alive", ada.userId(), T0, now.plusMillis(1));
    stores.sessions().create(alive);
    stores.sessions().create(session("session-test-now", ada.userId(), T0, now));
    stores.sessions().create(session("session-test-old", ada.userId(), T0, now.minusSeconds(500)));

    assertThat(stores.sessions().purgeExpired(now)).isEqualTo(2);

    assertThat(stores.sessions().findById("session-test-alive")).contains(alive);
    assertThat(stores.sessions().findById("session-test-now")).isEmpty();
    assertThat(stores.sessions().findById("session-test-old")).isEmpty();
    assertThat(stores.sessions().purgeExpired(now)).isZero();
  }

  @Test
  void purgeWithAnIdleBoundAlsoDeletesSessionsLastAccessedAtOrBeforeItAndNoneUsedSince() {
    UserRecord ada = user(newUserId(), "ada-idle@example.com");
    stores.users().create(ada);
    Instant now = T0.plusSeconds(10_000);
    Instant idleSince = now.minusSeconds(600);
    SessionRecord used = session("session-test-used", ada.userId(), T0, now.plusSeconds(3600));
    stores.sessions().create(used);
    SessionRecord usedLately = used.next(idleSince.plusMillis(1), used.expiresAt(), used.factors(),
        used.customClaims());
    assertThat(stores.sessions().update(usedLately)).isTrue();
    stores.sessions().create(session("session-test-idle", ada.userId(), T0, now.plusSeconds(3600)));
    stores.sessions().create(session("session-test-expired", ada.userId(), T0, now.minusSeconds(1)));

    assertThat(stores.sessions().purgeExpired(now, null)).isEqualTo(1);
    assertThat(stores.sessions().findById("session-test-idle")).isPresent();
    assertThat(stores.sessions().purgeExpired(now, idleSince)).isEqualTo(1);

    assertThat(stores.sessions().findById("session-test-idle")).isEmpty();
    assertThat(stores.sessions().findById("session-test-used")).contains(usedLately);
    assertThat(stores.sessions().purgeExpired(now, idleSince)).isZero();
  }

  @Test
  void scanPagesLiveSessionsByStartInKeysetOrderAndRevokeAllRevokesEachOnce() {
    UserRecord ada = user(newUserId(), "ada-scan@example.com");
    UserRecord grace = user(newUserId(), "grace-scan@example.com");
    stores.users().create(ada);
    stores.users().create(grace);
    Instant now = T0.plusSeconds(100);
    List<SessionRecord> adas = new java.util.ArrayList<>();
    for (int i = 0; i < 5; i++) {
      SessionRecord s = session("session-test-scan-" + i, ada.userId(), T0.plusSeconds(i), now.plusSeconds(60));
      stores.sessions().create(s);
      adas.add(s);
    }
    stores.sessions().create(session("session-test-scan-expired", ada.userId(), T0, now));
    stores.sessions().create(session("session-test-scan-grace", grace.userId(), T0, now.plusSeconds(60)));

    List<SessionRecord> first = stores.sessions().scan(new dev.latchkey.server.store.SessionScan(
        List.of(ada.userId()), null, now, null, 2));
    SessionRecord last = first.get(1);
    List<SessionRecord> rest = stores.sessions().scan(new dev.latchkey.server.store.SessionScan(
        List.of(ada.userId()), null, now, new dev.latchkey.server.store.SessionScan.Position(last.startedAt(),
            last.sessionId()), 10));
    List<SessionRecord> before = stores.sessions().scan(new dev.latchkey.server.store.SessionScan(
        List.of(), T0.plusSeconds(2), now, null, 10));

    assertThat(first).containsExactly(adas.get(0), adas.get(1));
    assertThat(rest).containsExactly(adas.get(2), adas.get(3), adas.get(4));
    assertThat(before).extracting(SessionRecord::sessionId).containsExactlyInAnyOrder("session-test-scan-0",
        "session-test-scan-1", "session-test-scan-grace");
    assertThat(stores.sessions().revokeAll(List.of(adas.get(0), adas.get(1)))).isEqualTo(2);
    assertThat(stores.sessions().revokeAll(List.of(adas.get(0), adas.get(2)))).isEqualTo(1);
    assertThat(stores.sessions().listActive(ada.userId(), now)).containsExactly(adas.get(3), adas.get(4));
  }

  @Test
  void webhookDeliveriesAreFannedOutOnceInOrderLeasedByOneAndNeverPrunedFromTheLogBeforeTheirFanOut() {
    UserRecord ada = user(newUserId(), "ada-hooks@example.com");
    stores.users().create(ada);
    long before = stores.sessionEvents().lastId();
    dev.latchkey.server.store.WebhookStore hooks = stores.webhooks();
    hooks.create(new dev.latchkey.server.store.WebhookStore.Endpoint("webhook-endpoint-all", "https://a.example",
        List.of(), "sealed", null, null, "none", true, T0, before));
    hooks.create(new dev.latchkey.server.store.WebhookStore.Endpoint("webhook-endpoint-revoked",
        "https://b.example", List.of("session.revoked"), "sealed", null, null, "none", true, T0, before));
    for (int i = 0; i < 3; i++) {
      stores.sessions().create(session("session-test-hook-" + i, ada.userId(), T0, T0.plusSeconds(3600)));
    }
    stores.sessions().delete("session-test-hook-0");
    java.util.concurrent.atomic.AtomicInteger ids = new java.util.concurrent.atomic.AtomicInteger();

    // The log is not pruned past the endpoints' cursors, however old its events are.
    assertThat(stores.sessionEvents().prune(T0.plusSeconds(1_000_000_000L))).isZero();
    assertThat(hooks.fanOut(100, T0, e -> "{\"type\":\"" + e.type() + "\"}", () -> "msg_" + ids.incrementAndGet()))
        .isEqualTo(5);
    assertThat(hooks.fanOut(100, T0, e -> "{}", () -> "msg_" + ids.incrementAndGet())).isZero();

    List<dev.latchkey.server.store.WebhookStore.Delivery> due = hooks.due(T0);
    assertThat(due).extracting(dev.latchkey.server.store.WebhookStore.Delivery::endpointId)
        .containsExactlyInAnyOrder("webhook-endpoint-all", "webhook-endpoint-revoked");
    dev.latchkey.server.store.WebhookStore.Delivery first = due.stream()
        .filter(d -> d.endpointId().equals("webhook-endpoint-all")).findFirst().orElseThrow();
    assertThat(first.payload()).isEqualTo("{\"type\":\"session.created\"}");
    assertThat(hooks.claim(first.messageId(), T0, T0.plusSeconds(30))).isTrue();
    assertThat(hooks.claim(first.messageId(), T0, T0.plusSeconds(30))).isFalse();
    assertThat(hooks.due(T0)).extracting(dev.latchkey.server.store.WebhookStore.Delivery::endpointId)
        .containsExactly("webhook-endpoint-revoked");

    hooks.recordAttempt(first.messageId(), dev.latchkey.server.store.WebhookStore.DEAD, 3, T0, "HTTP 500");
    dev.latchkey.server.store.WebhookStore.Delivery next = hooks.due(T0).stream()
        .filter(d -> d.endpointId().equals("webhook-endpoint-all")).findFirst().orElseThrow();
    assertThat(next.eventId()).isGreaterThan(first.eventId());
    assertThat(hooks.deadLetters("webhook-endpoint-all")).extracting(
        dev.latchkey.server.store.WebhookStore.Delivery::lastError).containsExactly("HTTP 500");
    assertThat(hooks.replay("webhook-endpoint-all", null, T0)).isEqualTo(1);
    assertThat(hooks.due(T0)).extracting(dev.latchkey.server.store.WebhookStore.Delivery::messageId)
        .contains(first.messageId());
    assertThat(stores.sessionEvents().prune(T0.plusSeconds(1_000_000_000L))).isPositive();
    assertThat(hooks.delete("webhook-endpoint-all")).isTrue();
    assertThat(hooks.deliveries("webhook-endpoint-all")).isEmpty();
  }

  // --------------------------------------------------------------------------------------------- JSON and times

  @Test
  void customClaimsRoundTripWithNestedMapsListsNumbersBooleansAndUnicode() {
    UserRecord ada = user(newUserId(), "ada@example.com");
    stores.users().create(ada);
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("name", "Zoë 東京 🔑");
    claims.put("admin", true);
    claims.put("banned", false);
    claims.put("count", 42);
    claims.put("negative", -7);
    claims.put("big", 9_007_199_254_740_993L);
    claims.put("ratio", 0.25);
    claims.put("tags", List.of("a", "ß", List.of(1, 2)));
    claims.put("org", Map.of("id", "org-1", "roles", List.of("owner", "billing"), "limits", Map.of("seats", 5)));
    claims.put("empty", Map.of());
    SessionRecord s = new SessionRecord("session-test-1", ada.userId(), "hash-1", T0, T0, T0.plusSeconds(60),
        Attributes.EMPTY, List.of(), claims, 1);

    stores.sessions().create(s);

    SessionRecord read = stores.sessions().findById("session-test-1").orElseThrow();
    assertThat(read.customClaims()).isEqualTo(claims);
    assertThat(read.customClaims().keySet()).containsExactlyElementsOf(claims.keySet());
    assertThat(read.attributes()).isEqualTo(Attributes.EMPTY);
  }

  @Test
  void factorsRoundTripIncludingTheEmailFactor() {
    UserRecord ada = user(newUserId(), "ada@example.com");
    stores.users().create(ada);
    AuthenticationFactor emailLink = new AuthenticationFactor("magic_link", "email", T0.plusMillis(5),
        T0.plusMillis(1), T0.plusMillis(5), new AuthenticationFactor.EmailFactor("email-test-1", "ada@example.com"),
        null, null);
    List<AuthenticationFactor> factors = List.of(AuthenticationFactor.password(T0), emailLink);
    SessionRecord s = new SessionRecord("session-test-1", ada.userId(), "hash-1", T0, T0, T0.plusSeconds(60),
        new Attributes("2001:db8::1", "Mozilla/5.0 (Ünïcode)"), factors, Map.of(), 1);

    stores.sessions().create(s);

    assertThat(stores.sessions().findById("session-test-1").orElseThrow().factors()).isEqualTo(factors);
  }

  @Test
  void userMetadataRoundTripsWithNestedValues() {
    Map<String, Object> trusted = Map.of("billing", Map.of("plan", "pro", "seats", 3, "trial", false),
        "flags", List.of("beta", "ünïcode"));
    UserRecord base = user(newUserId(), "ada@example.com");
    UserRecord ada = new UserRecord(base.userId(), base.status(), new User.Name("Zoë", "", "Ōtsuka"), trusted,
        Map.of("score", 1.5), null, T0, base.emails(), null);

    stores.users().create(ada);

    assertThat(stores.users().find(ada.userId())).contains(ada);
  }

  @Test
  void timestampsRoundTripAtMillisecondPrecision() {
    Instant created = Instant.parse("2024-02-29T23:59:59.999Z");
    UserRecord base = user(newUserId(), "ada@example.com");
    UserRecord ada = new UserRecord(base.userId(), base.status(), base.name(), base.trustedMetadata(),
        base.untrustedMetadata(), null, created, base.emails(), null);
    stores.users().create(ada);
    SessionRecord s = new SessionRecord("session-test-1", ada.userId(), "hash-1",
        Instant.parse("1970-01-01T00:00:00.001Z"), Instant.parse("2038-01-19T03:14:08.123Z"), Instant.parse("2999-12-31T23:59:59.999Z"), Attributes.EMPTY,
        List.of(), Map.of(), 1);
    stores.sessions().create(s);
    KeyRecord k = new KeyRecord("kid-1", "pk", "none", "cert", Instant.parse("2025-06-30T12:00:00.007Z"), null);
    stores.keys().rotate(k, Instant.parse("2025-06-30T12:00:00.007Z"));
    ProjectRecord p = new ProjectRecord("project-test-1", "hash", "public-token-test-1",
        Instant.parse("2025-01-01T00:00:00.042Z"));
    stores.project().createIfAbsent(p);

    assertThat(stores.users().find(ada.userId()).orElseThrow().createdAt()).isEqualTo(created);
    assertThat(stores.sessions().findById("session-test-1")).contains(s);
    assertThat(stores.keys().all()).containsExactly(k);
    assertThat(stores.project().get()).contains(p);
  }

  // -------------------------------------------------------------------------------------------------------- keys

  @Test
  void aFreshStoreHasNoKeys() {
    assertThat(stores.keys().all()).isEmpty();
  }

  @Test
  void theFirstRotationStoresTheKeyAsTheSigningKey() {
    KeyRecord first = key("kid-1", T0);

    stores.keys().rotate(first, T0);

    assertThat(stores.keys().all()).containsExactly(first);
  }

  @Test
  void createFirstStoresTheSigningKeyOfAnEmptyStore() {
    KeyRecord first = key("kid-1", T0);

    assertThat(stores.keys().createFirst(first)).isTrue();

    assertThat(stores.keys().all()).containsExactly(first);
  }

  @Test
  void createFirstDoesNothingOnceAKeySigns() {
    KeyRecord first = key("kid-1", T0);
    stores.keys().rotate(first, T0);

    assertThat(stores.keys().createFirst(key("kid-2", T0.plusSeconds(1)))).isFalse();

    assertThat(stores.keys().all()).containsExactly(first);
  }

  @Test
  void rotatingRetiresThePreviousSigningKeyAtTheGivenTimeAndListsNewestFirst() {
    KeyRecord first = key("kid-1", T0);
    KeyRecord second = key("kid-2", T0.plusSeconds(60));
    KeyRecord third = key("kid-3", T0.plusSeconds(120));
    stores.keys().rotate(first, T0);
    stores.keys().rotate(second, T0.plusSeconds(61));

    stores.keys().rotate(third, T0.plusSeconds(121));

    List<KeyRecord> all = stores.keys().all();
    assertThat(all).containsExactly(third,
        new KeyRecord("kid-2", second.privateKey(), "none", second.certificate(), second.createdAt(),
            T0.plusSeconds(121)),
        new KeyRecord("kid-1", first.privateKey(), "none", first.certificate(), first.createdAt(),
            T0.plusSeconds(61)));
    assertThat(all).filteredOn(k -> k.retiredAt() == null).extracting(KeyRecord::kid).containsExactly("kid-3");
  }

  @Test
  void deleteRetiredBeforeDeletesKeysRetiredAtOrBeforeTheCutoffAndNeverTheSigningKey() {
    stores.keys().rotate(key("kid-1", T0), T0);
    stores.keys().rotate(key("kid-2", T0.plusSeconds(10)), T0.plusSeconds(10));
    stores.keys().rotate(key("kid-3", T0.plusSeconds(20)), T0.plusSeconds(20));
    // kid-1 retired at T0+10s, kid-2 at T0+20s, kid-3 signs.

    assertThat(stores.keys().deleteRetiredBefore(T0.plusSeconds(10))).isEqualTo(1);
    assertThat(stores.keys().all()).extracting(KeyRecord::kid).containsExactly("kid-3", "kid-2");

    assertThat(stores.keys().deleteRetiredBefore(T0.plusSeconds(3600))).isEqualTo(1);
    assertThat(stores.keys().all()).extracting(KeyRecord::kid).containsExactly("kid-3");
    assertThat(stores.keys().deleteRetiredBefore(T0.plusSeconds(3600))).isZero();
  }

  // ----------------------------------------------------------------------------------------------------- project

  @Test
  void aFreshStoreHasNoProject() {
    assertThat(stores.project().get()).isEmpty();
  }

  @Test
  void createIfAbsentStoresTheProjectAndReturnsIt() {
    ProjectRecord p = new ProjectRecord("project-test-1", "hash-1", "public-token-test-1", T0);

    assertThat(stores.project().createIfAbsent(p)).isEqualTo(p);
    assertThat(stores.project().get()).contains(p);
  }

  @Test
  void aSecondCreateIfAbsentReturnsTheFirstProjectUnchanged() {
    ProjectRecord first = new ProjectRecord("project-test-1", "hash-1", "public-token-test-1", T0);
    ProjectRecord second = new ProjectRecord("project-test-2", "hash-2", "public-token-test-2", T0.plusSeconds(5));
    stores.project().createIfAbsent(first);

    assertThat(stores.project().createIfAbsent(second)).isEqualTo(first);
    assertThat(stores.project().get()).contains(first);
  }

  @Test
  void concurrentCreateIfAbsentCallsAllReturnTheOneStoredProject() throws Exception {
    List<Callable<ProjectRecord>> creators = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      ProjectRecord p = new ProjectRecord("project-test-" + i, "hash-" + i, "public-token-test-" + i, T0);
      creators.add(() -> stores.project().createIfAbsent(p));
    }

    List<ProjectRecord> results = concurrently(creators);

    ProjectRecord stored = stores.project().get().orElseThrow();
    assertThat(results).containsOnly(stored);
  }

  @Test
  void updatingTheProjectReplacesSecretHashAndPublicTokenOnly() {
    ProjectRecord first = new ProjectRecord("project-test-1", "hash-1", "public-token-test-1", T0);
    stores.project().createIfAbsent(first);

    stores.project().update(new ProjectRecord("project-test-other", "hash-2", "public-token-test-2",
        T0.plusSeconds(99)));

    assertThat(stores.project().get())
        .contains(new ProjectRecord("project-test-1", "hash-2", "public-token-test-2", T0));
  }

  // ------------------------------------------------------------------------------------------------------- totps

  protected static TotpRecord totp(String totpId, String userId, Instant createdAt, Instant expiresAt) {
    List<TotpRecord.StoredRecoveryCode> codes = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      codes.add(new TotpRecord.StoredRecoveryCode("totp-recovery-code-" + i + "-" + totpId, i, "hash-" + i,
          "sealed-" + i, "none", null));
    }
    return new TotpRecord(totpId, userId, "sealed-secret-of-" + totpId, "aes-256-gcm", false, createdAt, expiresAt,
        TotpRecord.NO_STEP, 0, null, codes);
  }

  private UserRecord storedUser() {
    UserRecord u = user(newUserId(), "user-" + UUID.randomUUID() + "@example.com");
    stores.users().create(u);
    return u;
  }

  @Test
  void aCreatedTotpIsFoundByUserAndByIdWithItsRecoveryCodesAndListedOnTheUser() {
    UserRecord ada = storedUser();
    TotpRecord t = totp("totp-test-1", ada.userId(), T0, T0.plusSeconds(600));

    stores.totps().create(t, T0);

    assertThat(stores.totps().findByUser(ada.userId())).contains(t);
    assertThat(stores.totps().findById("totp-test-1")).contains(t);
    assertThat(stores.totps().findById("totp-test-2")).isEmpty();
    assertThat(stores.users().find(ada.userId()).orElseThrow().totps())
        .containsExactly(new User.Totp("totp-test-1", false));
  }

  @Test
  void aUserHasAtMostOneTotpAndARefusedCreateLeavesNothingBehind() {
    UserRecord ada = storedUser();
    stores.totps().create(totp("totp-test-1", ada.userId(), T0, T0.plusSeconds(600)), T0);

    assertThatThrownBy(() -> stores.totps().create(totp("totp-test-2", ada.userId(), T0, T0.plusSeconds(600)), T0))
        .isInstanceOf(DuplicateKeyException.class);

    assertThat(stores.totps().findById("totp-test-2")).isEmpty();
    assertThat(stores.totps().findByUser(ada.userId()).orElseThrow().totpId()).isEqualTo("totp-test-1");
  }

  @Test
  void creatingReplacesTheUsersUnverifiedTotpOnceItHasExpired() {
    UserRecord ada = storedUser();
    stores.totps().create(totp("totp-test-1", ada.userId(), T0, T0.plusSeconds(600)), T0);

    stores.totps().create(totp("totp-test-2", ada.userId(), T0, T0.plusSeconds(1200)), T0.plusSeconds(600));

    assertThat(stores.totps().findById("totp-test-1")).isEmpty();
    assertThat(stores.totps().findByUser(ada.userId()).orElseThrow().totpId()).isEqualTo("totp-test-2");
  }

  @Test
  void acceptingAStepIsACompareAndSetThatVerifiesAndClearsTheAttemptCount() {
    UserRecord ada = storedUser();
    stores.totps().create(totp("totp-test-1", ada.userId(), T0, T0.plusSeconds(600)), T0);
    stores.totps().beginAttempt("totp-test-1", T0, 5, T0.plusSeconds(900));

    assertThat(stores.totps().acceptStep("totp-test-1", 100)).isTrue();

    TotpRecord after = stores.totps().findById("totp-test-1").orElseThrow();
    assertThat(after.verified()).isTrue();
    assertThat(after.lastUsedStep()).isEqualTo(100);
    assertThat(after.failedAttempts()).isZero();
    assertThat(stores.totps().acceptStep("totp-test-1", 100)).isFalse();
    assertThat(stores.totps().acceptStep("totp-test-1", 99)).isFalse();
    assertThat(stores.totps().acceptStep("totp-test-1", 101)).isTrue();
    assertThat(stores.totps().acceptStep("totp-test-unknown", 200)).isFalse();
    assertThat(stores.users().find(ada.userId()).orElseThrow().totps())
        .containsExactly(new User.Totp("totp-test-1", true));
  }

  @Test
  void ofConcurrentAcceptsOfOneStepExactlyOneWins() throws Exception {
    UserRecord ada = storedUser();
    stores.totps().create(totp("totp-test-1", ada.userId(), T0, T0.plusSeconds(600)), T0);
    List<Callable<Boolean>> tasks = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      tasks.add(() -> stores.totps().acceptStep("totp-test-1", 100));
    }

    assertThat(concurrently(tasks)).filteredOn(Boolean::booleanValue).hasSize(1);
  }

  @Test
  void attemptsAreCountedUntilTheLimitLocksAndTheLockEndsWithAFreshCount() {
    UserRecord ada = storedUser();
    stores.totps().create(totp("totp-test-1", ada.userId(), T0, T0.plusSeconds(600)), T0);
    Instant lockUntil = T0.plusSeconds(900);

    for (int i = 1; i <= 2; i++) {
      assertThat(stores.totps().beginAttempt("totp-test-1", T0, 3, lockUntil)).isTrue();
      assertThat(stores.totps().findById("totp-test-1").orElseThrow().failedAttempts()).isEqualTo(i);
    }
    assertThat(stores.totps().beginAttempt("totp-test-1", T0, 3, lockUntil)).as("the third, which locks").isTrue();

    TotpRecord locked = stores.totps().findById("totp-test-1").orElseThrow();
    assertThat(locked.lockedUntil()).isEqualTo(lockUntil);
    assertThat(locked.isLockedAt(T0.plusSeconds(899))).isTrue();
    assertThat(stores.totps().beginAttempt("totp-test-1", T0.plusSeconds(899), 3, lockUntil)).isFalse();
    assertThat(stores.totps().beginAttempt("totp-test-1", lockUntil, 3, lockUntil.plusSeconds(900))).isTrue();
    TotpRecord reopened = stores.totps().findById("totp-test-1").orElseThrow();
    assertThat(reopened.lockedUntil()).isNull();
    assertThat(reopened.failedAttempts()).isEqualTo(1);
  }

  @Test
  void ofConcurrentAttemptsNoMoreThanTheLimitAreLetThrough() throws Exception {
    UserRecord ada = storedUser();
    stores.totps().create(totp("totp-test-1", ada.userId(), T0, T0.plusSeconds(600)), T0);
    List<Callable<Boolean>> tasks = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      tasks.add(() -> stores.totps().beginAttempt("totp-test-1", T0, 5, T0.plusSeconds(900)));
    }

    assertThat(concurrently(tasks)).filteredOn(Boolean::booleanValue).hasSize(5);
  }

  @Test
  void aRecoveryCodeIsUsedOnceAndItsUseClearsTheLock() {
    UserRecord ada = storedUser();
    TotpRecord t = totp("totp-test-1", ada.userId(), T0, T0.plusSeconds(600));
    stores.totps().create(t, T0);
    stores.totps().beginAttempt("totp-test-1", T0, 1, T0.plusSeconds(900));
    String codeId = t.recoveryCodes().get(1).recoveryCodeId();

    assertThat(stores.totps().useRecoveryCode("totp-test-1", codeId, T0.plusSeconds(5))).isTrue();
    assertThat(stores.totps().useRecoveryCode("totp-test-1", codeId, T0.plusSeconds(6))).isFalse();
    assertThat(stores.totps().useRecoveryCode("totp-test-other", t.recoveryCodes().get(2).recoveryCodeId(), T0))
        .as("a code of another TOTP").isFalse();

    TotpRecord after = stores.totps().findById("totp-test-1").orElseThrow();
    assertThat(after.recoveryCodes().get(1).usedAt()).isEqualTo(T0.plusSeconds(5));
    assertThat(after.recoveryCodes().get(0).usedAt()).isNull();
    assertThat(after.lockedUntil()).isNull();
  }

  @Test
  void ofConcurrentUsesOfOneRecoveryCodeExactlyOneWins() throws Exception {
    UserRecord ada = storedUser();
    TotpRecord t = totp("totp-test-1", ada.userId(), T0, T0.plusSeconds(600));
    stores.totps().create(t, T0);
    String codeId = t.recoveryCodes().get(0).recoveryCodeId();
    List<Callable<Boolean>> tasks = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      tasks.add(() -> stores.totps().useRecoveryCode("totp-test-1", codeId, T0));
    }

    assertThat(concurrently(tasks)).filteredOn(Boolean::booleanValue).hasSize(1);
  }

  @Test
  void deletingATotpOrItsUserDeletesItWithItsRecoveryCodes() {
    UserRecord ada = storedUser();
    UserRecord grace = storedUser();
    stores.totps().create(totp("totp-test-1", ada.userId(), T0, T0.plusSeconds(600)), T0);
    stores.totps().create(totp("totp-test-2", grace.userId(), T0, T0.plusSeconds(600)), T0);

    assertThat(stores.totps().delete("totp-test-1")).isTrue();
    assertThat(stores.totps().delete("totp-test-1")).isFalse();
    assertThat(stores.users().delete(grace.userId())).isTrue();

    assertThat(stores.totps().findById("totp-test-1")).isEmpty();
    assertThat(stores.totps().findById("totp-test-2")).isEmpty();
    assertThat(stores.users().find(ada.userId()).orElseThrow().totps()).isEmpty();
    // The same ids again: no recovery code of the deleted registrations is left to collide.
    stores.totps().create(totp("totp-test-1", ada.userId(), T0, T0.plusSeconds(600)), T0);
    assertThat(stores.totps().findById("totp-test-1").orElseThrow().recoveryCodes()).hasSize(3);
  }

  @Test
  void purgingDeletesOnlyUnverifiedTotpsExpiredAtOrBeforeNow() {
    UserRecord expired = storedUser();
    UserRecord pending = storedUser();
    UserRecord verified = storedUser();
    stores.totps().create(totp("totp-test-expired", expired.userId(), T0, T0.plusSeconds(600)), T0);
    stores.totps().create(totp("totp-test-pending", pending.userId(), T0, T0.plusSeconds(601)), T0);
    stores.totps().create(totp("totp-test-verified", verified.userId(), T0, T0.plusSeconds(300)), T0);
    stores.totps().acceptStep("totp-test-verified", 1);

    assertThat(stores.totps().purgeExpiredUnverified(T0.plusSeconds(600))).isEqualTo(1);

    assertThat(stores.totps().findById("totp-test-expired")).isEmpty();
    assertThat(stores.totps().findById("totp-test-pending")).isPresent();
    assertThat(stores.totps().findById("totp-test-verified")).isPresent();
    assertThat(stores.totps().purgeExpiredUnverified(T0.plusSeconds(600))).isZero();
  }

  // ------------------------------------------------------------------------------------------- email sign-in

  private static EmailTokenRecord emailToken(String hash, String kind, UserRecord u, Instant expiresAt) {
    return new EmailTokenRecord(hash, kind, u.userId(), u.emails().get(0).emailId(), "challenge-of-" + hash, T0,
        expiresAt);
  }

  private static OtpCodeRecord otpCode(UserRecord u, String hash, Instant expiresAt) {
    return new OtpCodeRecord(u.emails().get(0).emailId(), u.userId(), hash, "salt-" + hash, 0, T0, expiresAt);
  }

  @Test
  void anEmailTokenIsConsumedOnceAndOnlyAsItsKind() {
    UserRecord ada = user(newUserId(), "ada@example.com");
    stores.users().create(ada);
    EmailTokenRecord t = emailToken("token-hash-1", EmailTokenRecord.MAGIC_LINK, ada, T0.plusSeconds(3600));
    stores.emailTokens().create(t);

    assertThat(stores.emailTokens().consume("token-hash-1", EmailTokenRecord.RESET_PASSWORD)).isEmpty();
    assertThat(stores.emailTokens().find("token-hash-1", EmailTokenRecord.MAGIC_LINK)).contains(t);
    assertThat(stores.emailTokens().consume("token-hash-1", EmailTokenRecord.MAGIC_LINK)).contains(t);
    assertThat(stores.emailTokens().consume("token-hash-1", EmailTokenRecord.MAGIC_LINK)).isEmpty();
    assertThat(stores.emailTokens().find("token-hash-1", EmailTokenRecord.MAGIC_LINK)).isEmpty();
  }

  @Test
  void concurrentConsumersOfOneEmailTokenGetItOnceBetweenThem() throws Exception {
    UserRecord ada = user(newUserId(), "ada@example.com");
    stores.users().create(ada);
    stores.emailTokens().create(emailToken("token-hash-1", EmailTokenRecord.MAGIC_LINK, ada, T0.plusSeconds(60)));
    List<Callable<Boolean>> consumers = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      consumers.add(() -> stores.emailTokens().consume("token-hash-1", EmailTokenRecord.MAGIC_LINK).isPresent());
    }

    assertThat(concurrently(consumers)).containsOnlyOnce(true);
  }

  @Test
  void expiredEmailTokensCodesAndCountersArePurgedAndLiveOnesKept() {
    UserRecord ada = user(newUserId(), "ada@example.com");
    UserRecord grace = user(newUserId(), "grace@example.com");
    stores.users().create(ada);
    stores.users().create(grace);
    stores.emailTokens().create(emailToken("old", EmailTokenRecord.MAGIC_LINK, ada, T0.plusSeconds(10)));
    stores.emailTokens().create(emailToken("new", EmailTokenRecord.MAGIC_LINK, ada, T0.plusSeconds(20)));
    stores.otpCodes().replace(otpCode(ada, "old-code", T0.plusSeconds(10)));
    stores.otpCodes().replace(otpCode(grace, "new-code", T0.plusSeconds(20)));
    stores.rateCounters().increment("old-key", T0, T0.plusSeconds(10));
    stores.rateCounters().increment("new-key", T0, T0.plusSeconds(20));

    assertThat(stores.emailTokens().purgeExpired(T0.plusSeconds(10))).isEqualTo(1);
    assertThat(stores.otpCodes().purgeExpired(T0.plusSeconds(10))).isEqualTo(1);
    assertThat(stores.rateCounters().purgeExpired(T0.plusSeconds(10))).isEqualTo(1);

    assertThat(stores.emailTokens().find("old", EmailTokenRecord.MAGIC_LINK)).isEmpty();
    assertThat(stores.emailTokens().find("new", EmailTokenRecord.MAGIC_LINK)).isPresent();
    assertThat(stores.otpCodes().claimAttempt(ada.emails().get(0).emailId(), T0, 5)).isEmpty();
    assertThat(stores.otpCodes().claimAttempt(grace.emails().get(0).emailId(), T0, 5)).isPresent();
    assertThat(stores.rateCounters().count("old-key", T0)).isZero();
    assertThat(stores.rateCounters().count("new-key", T0)).isEqualTo(1);
  }

  @Test
  void aNewOtpCodeReplacesTheOldOneOfItsMethod() {
    UserRecord ada = user(newUserId(), "ada@example.com");
    stores.users().create(ada);
    String method = ada.emails().get(0).emailId();
    stores.otpCodes().replace(otpCode(ada, "first", T0.plusSeconds(60)));
    stores.otpCodes().replace(otpCode(ada, "second", T0.plusSeconds(60)));

    assertThat(stores.otpCodes().consume(method, "first")).isFalse();
    assertThat(stores.otpCodes().claimAttempt(method, T0, 5).orElseThrow().codeHash()).isEqualTo("second");
    assertThat(stores.otpCodes().consume(method, "second")).isTrue();
    assertThat(stores.otpCodes().claimAttempt(method, T0, 5)).isEmpty();
  }

  @Test
  void concurrentReplacementsOfOneMethodsCodeLeaveExactlyOneOfThem() throws Exception {
    UserRecord ada = user(newUserId(), "ada@example.com");
    stores.users().create(ada);
    String method = ada.emails().get(0).emailId();
    List<Callable<Boolean>> sends = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      OtpCodeRecord code = otpCode(ada, "code-" + i, T0.plusSeconds(60));
      sends.add(() -> {
        stores.otpCodes().replace(code);
        return true;
      });
    }

    concurrently(sends);

    String live = stores.otpCodes().claimAttempt(method, T0, 5).orElseThrow().codeHash();
    assertThat(live).startsWith("code-");
    for (int i = 0; i < 8; i++) {
      if (!live.equals("code-" + i)) {
        assertThat(stores.otpCodes().consume(method, "code-" + i)).isFalse();
      }
    }
    assertThat(stores.otpCodes().consume(method, live)).isTrue();
  }

  @Test
  void anOtpCodeGivesNoMoreAttemptsThanAllowedEvenToConcurrentGuesses() throws Exception {
    UserRecord ada = user(newUserId(), "ada@example.com");
    stores.users().create(ada);
    String method = ada.emails().get(0).emailId();
    stores.otpCodes().replace(otpCode(ada, "code", T0.plusSeconds(60)));
    List<Callable<Boolean>> guesses = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      guesses.add(() -> stores.otpCodes().claimAttempt(method, T0, 5).isPresent());
    }

    List<Boolean> claimed = concurrently(guesses);

    assertThat(claimed.stream().filter(b -> b).count()).isEqualTo(5);
    assertThat(stores.otpCodes().claimAttempt(method, T0, 5)).isEmpty();
  }

  @Test
  void anExpiredOtpCodeGivesNoAttempt() {
    UserRecord ada = user(newUserId(), "ada@example.com");
    stores.users().create(ada);
    stores.otpCodes().replace(otpCode(ada, "code", T0.plusSeconds(60)));

    assertThat(stores.otpCodes().claimAttempt(ada.emails().get(0).emailId(), T0.plusSeconds(60), 5)).isEmpty();
  }

  @Test
  void concurrentIncrementsOfOneCounterAreAllCountedAndWindowsAreSeparate() throws Exception {
    List<Callable<Integer>> hits = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      hits.add(() -> stores.rateCounters().increment("key", T0, T0.plusSeconds(60)));
    }

    List<Integer> counts = concurrently(hits);

    assertThat(counts).containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    assertThat(stores.rateCounters().count("key", T0)).isEqualTo(10);
    assertThat(stores.rateCounters().count("key", T0.plusSeconds(60))).isZero();
    assertThat(stores.rateCounters().increment("key", T0.plusSeconds(60), T0.plusSeconds(120))).isEqualTo(1);
  }

  @Test
  void concurrentDecrementsTakeBackExactlyWhatWasCountedAndNeverGoBelowZero() throws Exception {
    for (int i = 0; i < 6; i++) {
      stores.rateCounters().increment("key", T0, T0.plusSeconds(60));
    }
    List<Callable<Integer>> releases = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      releases.add(() -> {
        stores.rateCounters().decrement("key", T0);
        return 0;
      });
    }

    concurrently(releases);

    assertThat(stores.rateCounters().count("key", T0)).isEqualTo(2);
    stores.rateCounters().decrement("key", T0);
    stores.rateCounters().decrement("key", T0);
    stores.rateCounters().decrement("key", T0);
    stores.rateCounters().decrement("unknown-key", T0);
    assertThat(stores.rateCounters().count("key", T0)).isZero();
    assertThat(stores.rateCounters().count("unknown-key", T0)).isZero();
    assertThat(stores.rateCounters().increment("key", T0, T0.plusSeconds(60))).isEqualTo(1);
  }

  @Test
  void verifyingAnEmailActivatesAPendingUser() {
    UserRecord u = user(newUserId(), "ada@example.com", "ada@work.example.com");
    UserRecord pending = new UserRecord(u.userId(), "pending", u.name(), u.trustedMetadata(), u.untrustedMetadata(),
        null, u.createdAt(), List.of(new UserRecord.StoredEmail(u.emails().get(0).emailId(), "ada@example.com",
            false), u.emails().get(1)), null);
    stores.users().create(pending);

    assertThat(stores.users().markEmailVerified(u.userId(), "email-test-nope")).isFalse();
    assertThat(stores.users().markEmailVerified(u.userId(), u.emails().get(0).emailId())).isTrue();

    UserRecord after = stores.users().find(u.userId()).orElseThrow();
    assertThat(after.status()).isEqualTo("active");
    assertThat(after.emails().get(0).verified()).isTrue();
  }

  @Test
  void deletingAUsersSessionsCanKeepOne() {
    UserRecord ada = user(newUserId(), "ada@example.com");
    UserRecord grace = user(newUserId(), "grace@example.com");
    stores.users().create(ada);
    stores.users().create(grace);
    for (String id : List.of("session-test-1", "session-test-2", "session-test-3")) {
      stores.sessions().create(session(id, ada.userId(), T0, T0.plusSeconds(3600)));
    }
    stores.sessions().create(session("session-test-4", grace.userId(), T0, T0.plusSeconds(3600)));

    assertThat(stores.sessions().deleteForUser(ada.userId(), "session-test-2")).isEqualTo(2);
    assertThat(stores.sessions().listActive(ada.userId(), T0)).extracting(SessionRecord::sessionId)
        .containsExactly("session-test-2");
    assertThat(stores.sessions().deleteForUser(ada.userId(), null)).isEqualTo(1);
    assertThat(stores.sessions().findById("session-test-4")).isPresent();
  }

  @Test
  void deletingAUserDeletesItsEmailTokensAndCodes() {
    UserRecord ada = user(newUserId(), "ada@example.com");
    stores.users().create(ada);
    stores.emailTokens().create(emailToken("token-hash-1", EmailTokenRecord.MAGIC_LINK, ada, T0.plusSeconds(60)));
    stores.otpCodes().replace(otpCode(ada, "code", T0.plusSeconds(60)));

    stores.users().delete(ada.userId());

    assertThat(stores.emailTokens().find("token-hash-1", EmailTokenRecord.MAGIC_LINK)).isEmpty();
    assertThat(stores.otpCodes().claimAttempt(ada.emails().get(0).emailId(), T0, 5)).isEmpty();
  }

  // ------------------------------------------------------------- issue 14: the device that asked for a mail

  @Test
  void anEmailTokenKeepsTheAttributesOfTheRequestThatSentIt() {
    UserRecord ada = user(newUserId(), "ada@example.com");
    stores.users().create(ada);
    Attributes device = new Attributes("2001:db8::7", "Mozilla/5.0 (X11; Linux x86_64)");
    stores.emailTokens().create(new EmailTokenRecord("with-device", EmailTokenRecord.MAGIC_LINK, ada.userId(),
        ada.emails().get(0).emailId(), null, T0, T0.plusSeconds(60), device));
    stores.emailTokens().create(emailToken("without-device", EmailTokenRecord.MAGIC_LINK, ada, T0.plusSeconds(60)));

    assertThat(stores.emailTokens().find("with-device", EmailTokenRecord.MAGIC_LINK).orElseThrow().requestedBy())
        .isEqualTo(device);
    assertThat(stores.emailTokens().consume("with-device", EmailTokenRecord.MAGIC_LINK).orElseThrow().requestedBy())
        .isEqualTo(device);
    assertThat(stores.emailTokens().find("without-device", EmailTokenRecord.MAGIC_LINK).orElseThrow().requestedBy())
        .isEqualTo(new Attributes(null, null));
  }

  @Test
  void anOtpCodeKeepsTheAttributesOfTheRequestThatSentItAndAReplacementItsOwn() {
    UserRecord ada = user(newUserId(), "ada@example.com");
    stores.users().create(ada);
    String method = ada.emails().get(0).emailId();
    Attributes first = new Attributes("203.0.113.7", "curl/8.5");
    stores.otpCodes().replace(new OtpCodeRecord(method, ada.userId(), "first", "salt", 0, T0, T0.plusSeconds(60),
        first));
    assertThat(stores.otpCodes().claimAttempt(method, T0, 5).orElseThrow().requestedBy()).isEqualTo(first);

    stores.otpCodes().replace(otpCode(ada, "second", T0.plusSeconds(60)));

    assertThat(stores.otpCodes().claimAttempt(method, T0, 5).orElseThrow().requestedBy())
        .isEqualTo(new Attributes(null, null));
  }

  // ------------------------------------------------------------------------------------------------------- OAuth

  protected static OAuthStore.Registration registration(String id, String userId, String provider, String subject) {
    return new OAuthStore.Registration(id, userId, provider, subject, "Google", "https://example.com/p.png", "en",
        T0);
  }

  protected static OAuthStore.State oauthState(String hash, Instant expiresAt) {
    return new OAuthStore.State(hash, "google", "nonce-1", "sealed-verifier", "none",
        "https://auth.example.com/v1/public/oauth/callback/google", null, "https://app.example.com/login",
        "https://app.example.com/signup", null, "openid email profile", T0, expiresAt);
  }

  @Test
  void aProviderAccountLinksToOneUserAndShowsInItsProviders() {
    UserRecord ada = user(newUserId(), "ada@example.com");
    UserRecord grace = user(newUserId(), "grace@example.com");
    stores.users().create(ada);
    stores.users().create(grace);
    stores.oauth().createRegistration(registration("oauth-user-test-1", ada.userId(), "google", "sub-1"));

    assertThatThrownBy(() -> stores.oauth().createRegistration(
        registration("oauth-user-test-2", grace.userId(), "google", "sub-1")))
        .isInstanceOf(DuplicateKeyException.class);
    assertThat(stores.oauth().findRegistration("google", "sub-1")).map(OAuthStore.Registration::userId)
        .contains(ada.userId());
    assertThat(stores.oauth().findRegistration("github", "sub-1")).isEmpty();
    assertThat(stores.users().find(ada.userId()).orElseThrow().providers()).singleElement().satisfies(p -> {
      assertThat(p.oauthUserRegistrationId()).isEqualTo("oauth-user-test-1");
      assertThat(p.providerType()).isEqualTo("Google");
      assertThat(p.providerSubject()).isEqualTo("sub-1");
      assertThat(p.profilePictureUrl()).isEqualTo("https://example.com/p.png");
      assertThat(p.locale()).isEqualTo("en");
    });
    assertThat(stores.users().find(grace.userId()).orElseThrow().providers()).isEmpty();
  }

  @Test
  void anOAuthStateIsConsumedOnceAndNeverAfterItExpires() throws Exception {
    stores.oauth().createState(oauthState("state-hash-1", T0.plusSeconds(600)));
    stores.oauth().createState(oauthState("state-hash-2", T0.plusSeconds(600)));

    List<Boolean> winners = concurrently(List.of(
        () -> stores.oauth().consumeState("state-hash-1", T0).isPresent(),
        () -> stores.oauth().consumeState("state-hash-1", T0).isPresent(),
        () -> stores.oauth().consumeState("state-hash-1", T0).isPresent()));

    assertThat(winners).containsOnlyOnce(true);
    assertThat(stores.oauth().consumeState("state-hash-2", T0.plusSeconds(600))).isEmpty();
    assertThat(stores.oauth().consumeState("state-hash-2", T0)).as("spent by the expired read").isEmpty();
  }

  @Test
  void anOAuthTokenIsFoundUntilConsumedAndGoesWithItsRegistrationAndItsUser() {
    UserRecord ada = user(newUserId(), "ada@example.com");
    stores.users().create(ada);
    stores.oauth().createRegistration(registration("oauth-user-test-1", ada.userId(), "google", "sub-1"));
    OAuthStore.Token token = new OAuthStore.Token("token-hash-1", ada.userId(), "oauth-user-test-1",
        ada.emails().get(0).emailId(), null, "sealed-values", "none", T0, T0.plusSeconds(600));
    stores.oauth().createToken(token);

    assertThat(stores.oauth().findToken("token-hash-1", T0)).contains(token);
    assertThat(stores.oauth().findToken("token-hash-1", T0.plusSeconds(600))).isEmpty();
    assertThat(stores.oauth().consumeToken("token-hash-1", T0)).contains(token);
    assertThat(stores.oauth().consumeToken("token-hash-1", T0)).isEmpty();

    stores.oauth().createToken(new OAuthStore.Token("token-hash-2", ada.userId(), "oauth-user-test-1", null, null,
        "sealed-values", "none", T0, T0.plusSeconds(600)));
    assertThat(stores.oauth().deleteRegistration("oauth-user-test-1")).isTrue();
    assertThat(stores.oauth().findToken("token-hash-2", T0)).isEmpty();
    assertThat(stores.oauth().deleteRegistration("oauth-user-test-1")).isFalse();

    stores.oauth().createRegistration(registration("oauth-user-test-3", ada.userId(), "github", "42"));
    stores.oauth().createAttachToken(new OAuthStore.AttachToken("attach-hash-1", ada.userId(), "github", T0,
        T0.plusSeconds(600)));
    stores.users().delete(ada.userId());
    assertThat(stores.oauth().findRegistrationById("oauth-user-test-3")).isEmpty();
    assertThat(stores.oauth().consumeAttachToken("attach-hash-1", T0)).isEmpty();
  }

  @Test
  void purgingDeletesOnlyExpiredOAuthRecords() {
    UserRecord ada = user(newUserId(), "ada@example.com");
    stores.users().create(ada);
    stores.oauth().createState(oauthState("state-old", T0));
    stores.oauth().createState(oauthState("state-new", T0.plusSeconds(600)));
    stores.oauth().createAttachToken(new OAuthStore.AttachToken("attach-old", ada.userId(), "github", T0, T0));

    assertThat(stores.oauth().purgeExpired(T0.plusMillis(1))).isEqualTo(2);
    assertThat(stores.oauth().consumeState("state-new", T0)).isPresent();
  }

  // --------------------------------------------------------------------------------------------------- webauthn

  protected static WebAuthnRegistrationRecord registration(String id, String userId, String credentialId) {
    return new WebAuthnRegistrationRecord(id, userId, "app.example.com", credentialId, "aGFuZGxl", "cose-key", 0,
        "Mozilla/5.0", "platform", "", true, T0, null);
  }

  protected static WebAuthnCeremonyRecord ceremony(String challengeHash, String userId, Instant expiresAt) {
    return new WebAuthnCeremonyRecord(challengeHash, WebAuthnCeremonyRecord.REGISTER, userId, "app.example.com",
        "{\"options\":1}", "", "", true, expiresAt);
  }

  @Test
  void aWebAuthnCeremonyIsTakenOnceAndNeverAfterItExpires() throws Exception {
    UserRecord ada = user(newUserId(), "ada@example.com");
    stores.users().create(ada);
    stores.webauthn().startCeremony(ceremony("challenge-hash-1", ada.userId(), T0.plusSeconds(300)));
    stores.webauthn().startCeremony(ceremony("challenge-hash-2", ada.userId(), T0.plusSeconds(300)));
    stores.webauthn().startCeremony(ceremony("challenge-hash-3", null, T0.plusSeconds(60)));

    List<Optional<WebAuthnCeremonyRecord>> takes = concurrently(List.of(
        () -> stores.webauthn().takeCeremony("challenge-hash-1", T0),
        () -> stores.webauthn().takeCeremony("challenge-hash-1", T0),
        () -> stores.webauthn().takeCeremony("challenge-hash-1", T0)));
    assertThat(takes.stream().filter(Optional::isPresent).count()).isEqualTo(1);
    WebAuthnCeremonyRecord taken = takes.stream().flatMap(Optional::stream).findFirst().orElseThrow();
    assertThat(taken).isEqualTo(ceremony("challenge-hash-1", ada.userId(), T0.plusSeconds(300)));
    assertThat(stores.webauthn().takeCeremony("challenge-hash-3", T0.plusSeconds(60))).isEmpty();
    assertThat(stores.webauthn().takeCeremony("challenge-hash-3", T0)).isEmpty();
    assertThat(stores.webauthn().purgeExpiredCeremonies(T0.plusSeconds(300))).isEqualTo(1);
    assertThat(stores.webauthn().takeCeremony("challenge-hash-2", T0)).isEmpty();
  }

  @Test
  void aWebAuthnRegistrationIsUniqueByCredentialAndItsCounterMovesByCompareAndSet() throws Exception {
    UserRecord ada = user(newUserId(), "ada@example.com");
    UserRecord bob = user(newUserId(), "bob@example.com");
    stores.users().create(ada);
    stores.users().create(bob);
    stores.webauthn().create(registration("webauthn-registration-test-1", ada.userId(), "credential-1"));
    assertThatThrownBy(() -> stores.webauthn().create(registration("webauthn-registration-test-2", bob.userId(),
        "credential-1"))).isInstanceOf(DuplicateKeyException.class);
    assertThat(stores.webauthn().listByUser(bob.userId())).isEmpty();

    List<Boolean> moves = concurrently(List.of(
        () -> stores.webauthn().advanceSignCount("webauthn-registration-test-1", 0, 1),
        () -> stores.webauthn().advanceSignCount("webauthn-registration-test-1", 0, 1)));
    assertThat(moves).containsExactlyInAnyOrder(true, false);
    assertThat(stores.webauthn().recordCloneWarning("webauthn-registration-test-1", T0)).isTrue();
    assertThat(stores.webauthn().rename("webauthn-registration-test-1", "Ada's phone")).isTrue();
    WebAuthnRegistrationRecord stored = stores.webauthn().findByCredentialId("credential-1").orElseThrow();
    assertThat(stored.signCount()).isEqualTo(1);
    assertThat(stored.cloneWarningAt()).isEqualTo(T0);
    assertThat(stored.name()).isEqualTo("Ada's phone");
    assertThat(stores.webauthn().listByUserHandle("aGFuZGxl")).containsExactly(stored);
    assertThat(stores.users().find(ada.userId()).orElseThrow().webauthnRegistrations()).containsExactly(
        new User.WebAuthnRegistration("webauthn-registration-test-1", "app.example.com", "Mozilla/5.0", true,
            "platform", "Ada's phone"));

    stores.users().delete(ada.userId());
    assertThat(stores.webauthn().findById("webauthn-registration-test-1")).isEmpty();
    assertThat(stores.webauthn().delete("webauthn-registration-test-1")).isFalse();
  }
}
