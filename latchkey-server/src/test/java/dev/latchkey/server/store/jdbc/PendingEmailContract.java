package dev.latchkey.server.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.model.User;
import dev.latchkey.server.factor.EmailFactorPurger;
import dev.latchkey.server.store.DuplicateKeyException;
import dev.latchkey.server.store.EmailTokenRecord;
import dev.latchkey.server.store.OtpCodeRecord;
import dev.latchkey.server.store.PendingEmail;
import dev.latchkey.server.store.Stores;
import dev.latchkey.server.store.UserRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Pending addresses ({@code UserStore.addPendingEmail} and friends, V9) on a real database: an address a send named
 * for a user is no email of anyone until confirmed, many users may have it pending, confirming it is refused once
 * the address is a user's, and it goes with its last link or code. Run on SQLite and PostgreSQL by its subclasses.
 */
abstract class PendingEmailContract {
  private static final Instant T0 = Instant.parse("2025-03-14T15:09:26.535Z");
  private static final Instant IN_AN_HOUR = T0.plus(Duration.ofHours(1));

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

  private UserRecord add(String name, String status) {
    String userId = "user-test-" + UUID.randomUUID();
    UserRecord u = new UserRecord(userId, status, new User.Name(name, "", ""), Map.of(), Map.of(), null, T0,
        List.of(new UserRecord.StoredEmail("email-test-" + userId, name + "@example.com", true)), null);
    stores.users().create(u);
    return u;
  }

  private UserRecord add(String name) {
    return add(name, "active");
  }

  @Test
  void aPendingAddressIsNoEmailOfTheUserAndFindsNobody() {
    UserRecord ada = add("ada");

    assertThat(stores.users().addPendingEmail(ada.userId(), "email-test-p1", "ada-new@example.com", T0, IN_AN_HOUR))
        .contains("email-test-p1");

    assertThat(stores.users().find(ada.userId()).orElseThrow().emails()).extracting(UserRecord.StoredEmail::email)
        .containsExactly("ada@example.com");
    assertThat(stores.users().findByEmail("ada-new@example.com")).isEmpty();
    assertThat(stores.users().findPendingEmail("email-test-p1"))
        .contains(new PendingEmail("email-test-p1", ada.userId(), "ada-new@example.com", IN_AN_HOUR));
    assertThat(stores.users().findPendingEmail("email-test-unknown")).isEmpty();
  }

  @Test
  void manyUsersMayHaveOneAddressPendingAndOneUserKeepsOneIdForItWithTheLatestExpiry() {
    UserRecord ada = add("ada");
    UserRecord bob = add("bob");
    UserRecord cy = add("cy");

    assertThat(stores.users().addPendingEmail(ada.userId(), "email-test-a1", "shared@example.com", T0, IN_AN_HOUR))
        .contains("email-test-a1");
    assertThat(stores.users().addPendingEmail(bob.userId(), "email-test-b1", "shared@example.com", T0, IN_AN_HOUR))
        .contains("email-test-b1");
    // Another user's real address may be pending too: it stays theirs, the pending entry is inert.
    assertThat(stores.users().addPendingEmail(cy.userId(), "email-test-c1", "ada@example.com", T0, IN_AN_HOUR))
        .contains("email-test-c1");
    // Sent again for ada: the same id, the later expiry (never an earlier one).
    Instant later = IN_AN_HOUR.plus(Duration.ofHours(1));
    assertThat(stores.users().addPendingEmail(ada.userId(), "email-test-a2", "shared@example.com", T0, later))
        .contains("email-test-a1");
    assertThat(stores.users().addPendingEmail(ada.userId(), "email-test-a3", "shared@example.com", T0, IN_AN_HOUR))
        .contains("email-test-a1");

    assertThat(stores.users().findPendingEmail("email-test-a1").orElseThrow().expiresAt()).isEqualTo(later);
    assertThat(stores.users().findPendingEmail("email-test-a2")).isEmpty();
    assertThat(stores.users().findByEmail("ada@example.com").orElseThrow().userId()).isEqualTo(ada.userId());
  }

  @Test
  void aPendingAddressForAMissingUserIsNotStored() {
    assertThat(stores.users().addPendingEmail("user-test-missing", "email-test-orphan", "orphan@example.com", T0,
        IN_AN_HOUR)).isEmpty();

    assertThat(stores.users().findPendingEmail("email-test-orphan")).isEmpty();
  }

  @Test
  void confirmingMovesTheAddressIntoTheUsersEmailsVerifiedUnderTheSameIdAndActivatesAPendingUser() {
    UserRecord ada = add("ada", "pending");
    stores.users().addPendingEmail(ada.userId(), "email-test-p1", "ada-new@example.com", T0, IN_AN_HOUR);

    assertThat(stores.users().confirmPendingEmail(ada.userId(), "email-test-p1", T0.plusSeconds(30))).isTrue();

    UserRecord after = stores.users().find(ada.userId()).orElseThrow();
    assertThat(after.emails()).contains(new UserRecord.StoredEmail("email-test-p1", "ada-new@example.com", true));
    assertThat(after.status()).isEqualTo("active");
    assertThat(stores.users().findByEmail("ada-new@example.com").orElseThrow().userId()).isEqualTo(ada.userId());
    assertThat(stores.users().findPendingEmail("email-test-p1")).isEmpty();
    assertThat(stores.users().confirmPendingEmail(ada.userId(), "email-test-p1", T0.plusSeconds(31)))
        .as("confirmed once").isFalse();
  }

  @Test
  void onlyItsOwnUserConfirmsAPendingAddress() {
    UserRecord ada = add("ada");
    UserRecord bob = add("bob");
    stores.users().addPendingEmail(ada.userId(), "email-test-p1", "ada-new@example.com", T0, IN_AN_HOUR);

    assertThat(stores.users().confirmPendingEmail(bob.userId(), "email-test-p1", T0.plusSeconds(30))).isFalse();

    assertThat(stores.users().findByEmail("ada-new@example.com")).isEmpty();
    assertThat(stores.users().findPendingEmail("email-test-p1")).isPresent();
  }

  @Test
  void confirmingAnAddressThatIsAUsersByNowIsADuplicateAndChangesNothing() {
    UserRecord ada = add("ada");
    stores.users().addPendingEmail(ada.userId(), "email-test-p1", "owner@example.com", T0, IN_AN_HOUR);
    UserRecord owner = add("owner");

    assertThatThrownBy(() -> stores.users().confirmPendingEmail(ada.userId(), "email-test-p1", T0.plusSeconds(30)))
        .isInstanceOf(DuplicateKeyException.class);

    assertThat(stores.users().find(ada.userId()).orElseThrow().emails()).hasSize(1);
    assertThat(stores.users().findByEmail("owner@example.com").orElseThrow().userId()).isEqualTo(owner.userId());
    assertThat(stores.users().findPendingEmail("email-test-p1")).as("left as it was").isPresent();
  }

  @Test
  void whenTheOwnersSignUpAndAPendingConfirmationRaceExactlyOneGetsTheAddress() throws Exception {
    for (int round = 0; round < 5; round++) {
      UserRecord ada = add("ada-" + round);
      String address = "raced-" + round + "@example.com";
      String pendingId = "email-test-raced-" + round;
      stores.users().addPendingEmail(ada.userId(), pendingId, address, T0, IN_AN_HOUR);
      String ownerId = "user-test-" + UUID.randomUUID();
      UserRecord owner = new UserRecord(ownerId, "active", new User.Name("", "", ""), Map.of(), Map.of(), null, T0,
          List.of(new UserRecord.StoredEmail("email-test-" + ownerId, address, false)), null);

      List<Boolean> won = StoreContract.concurrently(List.of(
          () -> {
            try {
              return stores.users().confirmPendingEmail(ada.userId(), pendingId, T0.plusSeconds(1));
            } catch (DuplicateKeyException e) {
              return false;
            }
          },
          () -> {
            try {
              stores.users().create(owner);
              return true;
            } catch (DuplicateKeyException e) {
              return false;
            }
          }));

      assertThat(won).as("round " + round).containsExactlyInAnyOrder(true, false);
      String holder = stores.users().findByEmail(address).orElseThrow().userId();
      assertThat(holder).isEqualTo(won.get(0) ? ada.userId() : ownerId);
    }
  }

  @Test
  void anExpiredPendingAddressIsPurgedUnlessALinkOrCodeForItIsStillLive() {
    UserRecord ada = add("ada");
    stores.users().addPendingEmail(ada.userId(), "email-test-bare", "bare@example.com", T0, IN_AN_HOUR);
    stores.users().addPendingEmail(ada.userId(), "email-test-linked", "linked@example.com", T0, IN_AN_HOUR);
    stores.users().addPendingEmail(ada.userId(), "email-test-coded", "coded@example.com", T0, IN_AN_HOUR);
    stores.users().addPendingEmail(ada.userId(), "email-test-live", "live@example.com", T0,
        IN_AN_HOUR.plusSeconds(60));
    // Link and code taken a moment after the pending entry, as a send does: they outlive it by that moment.
    Instant moment = IN_AN_HOUR.plusMillis(5);
    stores.emailTokens().create(new EmailTokenRecord("hash-linked", EmailTokenRecord.MAGIC_LINK, ada.userId(),
        "email-test-linked", null, T0, moment));
    stores.otpCodes().replace(new OtpCodeRecord("email-test-coded", ada.userId(), "code-hash", "salt", 0, T0, moment,
        null));

    assertThat(stores.users().purgeExpiredPendingEmails(IN_AN_HOUR)).isEqualTo(1);

    assertThat(stores.users().findPendingEmail("email-test-bare")).isEmpty();
    assertThat(stores.users().findPendingEmail("email-test-linked")).isPresent();
    assertThat(stores.users().findPendingEmail("email-test-coded")).isPresent();
    assertThat(stores.users().findPendingEmail("email-test-live")).isPresent();
    assertThat(stores.users().purgeExpiredPendingEmails(moment)).isEqualTo(2);
    assertThat(stores.users().findPendingEmail("email-test-live")).isPresent();
  }

  @Test
  void theEmailPurgerDeletesAnExpiredPendingAddressInTheSamePassAsItsExpiredLink() {
    UserRecord ada = add("ada");
    stores.users().addPendingEmail(ada.userId(), "email-test-p1", "ada-new@example.com", T0, IN_AN_HOUR);
    stores.emailTokens().create(new EmailTokenRecord("hash-p1", EmailTokenRecord.MAGIC_LINK, ada.userId(),
        "email-test-p1", null, T0, IN_AN_HOUR.plusMillis(5)));
    EmailFactorPurger purger = new EmailFactorPurger(stores.emailTokens(), stores.otpCodes(), stores.rateCounters(),
        stores.users());

    assertThat(purger.runOnce(IN_AN_HOUR)).as("the link is still live").isZero();
    assertThat(purger.runOnce(IN_AN_HOUR.plusMillis(5))).isEqualTo(2);

    assertThat(stores.users().findPendingEmail("email-test-p1")).isEmpty();
  }

  @Test
  void deletingTheUserDeletesItsPendingAddresses() {
    UserRecord ada = add("ada");
    stores.users().addPendingEmail(ada.userId(), "email-test-p1", "ada-new@example.com", T0, IN_AN_HOUR);

    assertThat(stores.users().delete(ada.userId())).isTrue();

    assertThat(stores.users().findPendingEmail("email-test-p1")).isEmpty();
  }
}
