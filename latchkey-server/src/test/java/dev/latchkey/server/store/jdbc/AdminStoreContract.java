package dev.latchkey.server.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.server.store.AdminStore;
import dev.latchkey.server.store.Stores;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link AdminStore} on a real database (V10): admins and their sessions. Run on SQLite and PostgreSQL. */
abstract class AdminStoreContract {
  private static final Instant T0 = Instant.parse("2026-01-02T03:04:05.678Z");

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
      stores = null;
    }
  }

  @Test
  void anAdminIsCreatedOnceAndThenGetsANewPasswordKeepingItsCreationTime() {
    AdminStore admins = stores.admins();

    assertThat(admins.putAdmin(new AdminStore.Admin("grace", "$argon2id$one", T0))).isTrue();
    assertThat(admins.putAdmin(new AdminStore.Admin("grace", "$argon2id$two", T0.plusSeconds(60)))).isFalse();

    assertThat(admins.findAdmin("grace")).contains(new AdminStore.Admin("grace", "$argon2id$two", T0));
    assertThat(admins.findAdmin("linus")).isEmpty();
  }

  @Test
  void sessionsAreFoundByTheirHashTouchedAndDeleted() {
    AdminStore admins = stores.admins();
    admins.createSession(new AdminStore.AdminSession("hash-1", "grace", T0, T0));

    assertThat(admins.touchSession("hash-1", T0.plusSeconds(30))).isTrue();
    assertThat(admins.findSession("hash-1")).contains(
        new AdminStore.AdminSession("hash-1", "grace", T0, T0.plusSeconds(30)));
    assertThat(admins.deleteSession("hash-1")).isTrue();
    assertThat(admins.deleteSession("hash-1")).isFalse();
    assertThat(admins.touchSession("hash-1", T0)).isFalse();
    assertThat(admins.findSession("hash-1")).isEmpty();
  }

  @Test
  void anAdminsSessionsAreDeletedTogetherAndPurgingTakesIdleAndOldOnes() {
    AdminStore admins = stores.admins();
    admins.createSession(new AdminStore.AdminSession("a", "grace", T0, T0));
    admins.createSession(new AdminStore.AdminSession("b", "grace", T0, T0));
    admins.createSession(new AdminStore.AdminSession("idle", "linus", T0, T0));
    admins.createSession(new AdminStore.AdminSession("old", "linus", T0.minusSeconds(3600), T0.plusSeconds(600)));
    admins.createSession(new AdminStore.AdminSession("fresh", "linus", T0, T0.plusSeconds(600)));

    assertThat(admins.deleteSessionsOf("grace")).isEqualTo(2);
    assertThat(admins.purgeSessions(T0, T0.minusSeconds(1800))).isEqualTo(2);

    assertThat(admins.findSession("fresh")).isPresent();
    assertThat(admins.findSession("idle")).isEmpty();
    assertThat(admins.findSession("old")).isEmpty();
  }
}
