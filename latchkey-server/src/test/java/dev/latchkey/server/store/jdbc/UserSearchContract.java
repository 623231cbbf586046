package dev.latchkey.server.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.model.User;
import dev.latchkey.server.store.EmailTokenRecord;
import dev.latchkey.server.store.OAuthStore;
import dev.latchkey.server.store.OtpCodeRecord;
import dev.latchkey.server.store.Stores;
import dev.latchkey.server.store.TotpRecord;
import dev.latchkey.server.store.UserRecord;
import dev.latchkey.server.store.UserSearch;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code UserStore.search} on a real database: every filter, AND/OR, keyset paging. Run on SQLite and PostgreSQL by
 * its subclasses.
 */
abstract class UserSearchContract {
  private static final Instant T0 = Instant.parse("2025-03-14T15:09:26.535Z");

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

  private UserRecord add(String userId, int secondsAfterT0, String status, User.Name name, boolean verified,
      String... emails) {
    List<UserRecord.StoredEmail> stored = new ArrayList<>();
    for (int i = 0; i < emails.length; i++) {
      stored.add(new UserRecord.StoredEmail("email-test-" + i + "-" + userId, emails[i], verified));
    }
    UserRecord u = new UserRecord(userId, status, name, Map.of(), Map.of(), null, T0.plusSeconds(secondsAfterT0),
        stored, null);
    stores.users().create(u);
    return u;
  }

  private UserRecord add(String userId, int secondsAfterT0, String... emails) {
    return add(userId, secondsAfterT0, "active", new User.Name("", "", ""), false, emails);
  }

  private List<String> ids(UserSearch.Filter... filters) {
    return ids(true, filters);
  }

  private List<String> ids(boolean matchAll, UserSearch.Filter... filters) {
    return stores.users().search(new UserSearch(matchAll, List.of(filters), 1000, null)).results().stream()
        .map(UserRecord::userId).toList();
  }

  @Test
  void withoutFiltersEveryUserIsListedOldestFirstWithTheTotal() {
    add("user-test-b", 2, "b@example.com");
    add("user-test-a", 1, "a@example.com");
    add("user-test-c", 3, "c@example.com");

    UserSearch.Page page = stores.users().search(new UserSearch(true, List.of(), 100, null));

    assertThat(page.results()).extracting(UserRecord::userId).containsExactly("user-test-a", "user-test-b",
        "user-test-c");
    assertThat(page.total()).isEqualTo(3);
    assertThat(page.next()).isNull();
  }

  @Test
  void resultsAreWholeUsersWithEmailsPasswordAndTotps() {
    UserRecord ada = add("user-test-ada", 1, "ada@example.com", "ada@work.example");
    UserRecord.StoredPassword pw = new UserRecord.StoredPassword("password-test-1", "hash", false);
    stores.users().setPassword(ada.userId(), pw);

    UserRecord found = stores.users().search(new UserSearch(true, List.of(), 10, null)).results().get(0);

    assertThat(found).isEqualTo(stores.users().find(ada.userId()).orElseThrow());
    assertThat(found.emails()).hasSize(2);
    assertThat(found.password()).isEqualTo(pw);
  }

  @Test
  void emailAddressMatchesAnyOfTheGivenAddressesExactly() {
    add("user-test-a", 1, "ada@example.com", "ada@work.example");
    add("user-test-b", 2, "bob@example.com");
    add("user-test-c", 3, "ada@example.com.evil");

    assertThat(ids(new UserSearch.EmailAddresses(List.of("ada@work.example")))).containsExactly("user-test-a");
    assertThat(ids(new UserSearch.EmailAddresses(List.of("ada@example.com", "bob@example.com"))))
        .containsExactly("user-test-a", "user-test-b");
    assertThat(ids(new UserSearch.EmailAddresses(List.of("nobody@example.com")))).isEmpty();
  }

  @Test
  void emailAddressFuzzyMatchesPartOfAnAddressAndTakesLikeCharactersLiterally() {
    add("user-test-a", 1, "ada.lovelace@example.com");
    add("user-test-b", 2, "bob@example.com");
    add("user-test-c", 3, "under_score@example.com");
    add("user-test-d", 4, "underxscore@example.com");

    assertThat(ids(new UserSearch.EmailAddressFuzzy("lovelace"))).containsExactly("user-test-a");
    assertThat(ids(new UserSearch.EmailAddressFuzzy("example"))).hasSize(4);
    assertThat(ids(new UserSearch.EmailAddressFuzzy("under_"))).containsExactly("user-test-c");
    assertThat(ids(new UserSearch.EmailAddressFuzzy("%"))).isEmpty();
  }

  @Test
  void emailIdAndUserIdMatchTheirIds() {
    add("user-test-a", 1, "a@example.com");
    add("user-test-b", 2, "b@example.com");

    assertThat(ids(new UserSearch.EmailIds(List.of("email-test-0-user-test-b")))).containsExactly("user-test-b");
    assertThat(ids(new UserSearch.UserIds(List.of("user-test-a", "user-test-x")))).containsExactly("user-test-a");
  }

  @Test
  void emailVerifiedSplitsUsersWithAVerifiedEmailFromTheRest() {
    add("user-test-a", 1, "active", new User.Name("", "", ""), true, "a@example.com");
    add("user-test-b", 2, "active", new User.Name("", "", ""), false, "b@example.com");

    assertThat(ids(new UserSearch.EmailVerified(true))).containsExactly("user-test-a");
    assertThat(ids(new UserSearch.EmailVerified(false))).containsExactly("user-test-b");
  }

  @Test
  void statusMatchesActiveOrPending() {
    add("user-test-a", 1, "active", new User.Name("", "", ""), false, "a@example.com");
    add("user-test-p", 2, "pending", new User.Name("", "", ""), false, "p@example.com");

    assertThat(ids(new UserSearch.Status("pending"))).containsExactly("user-test-p");
    assertThat(ids(new UserSearch.Status("active"))).containsExactly("user-test-a");
  }

  @Test
  void createdAtBoundsAreExclusive() {
    add("user-test-1", 1, "1@example.com");
    add("user-test-2", 2, "2@example.com");
    add("user-test-3", 3, "3@example.com");

    assertThat(ids(new UserSearch.CreatedAt(T0.plusSeconds(1), null))).containsExactly("user-test-2",
        "user-test-3");
    assertThat(ids(new UserSearch.CreatedAt(null, T0.plusSeconds(3)))).containsExactly("user-test-1",
        "user-test-2");
    assertThat(ids(new UserSearch.CreatedAt(T0.plusSeconds(1), T0.plusSeconds(3)))).containsExactly("user-test-2");
  }

  @Test
  void fullNameFuzzyMatchesAnyNamePartOrFirstAndLastTogether() {
    add("user-test-a", 1, "active", new User.Name("Ada", "King", "Lovelace"), false, "a@example.com");
    add("user-test-g", 2, "active", new User.Name("Grace", "", "Hopper"), false, "g@example.com");

    assertThat(ids(new UserSearch.FullNameFuzzy("love"))).containsExactly("user-test-a");
    assertThat(ids(new UserSearch.FullNameFuzzy("king"))).containsExactly("user-test-a");
    assertThat(ids(new UserSearch.FullNameFuzzy("grace hop"))).containsExactly("user-test-g");
    assertThat(ids(new UserSearch.FullNameFuzzy("nobody"))).isEmpty();
  }

  @Test
  void passwordExistsSplitsUsersWithAPasswordFromTheRest() {
    add("user-test-a", 1, "a@example.com");
    add("user-test-b", 2, "b@example.com");
    stores.users().setPassword("user-test-a", new UserRecord.StoredPassword("password-test-1", "hash", false));

    assertThat(ids(new UserSearch.PasswordExists(true))).containsExactly("user-test-a");
    assertThat(ids(new UserSearch.PasswordExists(false))).containsExactly("user-test-b");
  }

  @Test
  void totpIdAndTotpVerifiedMatchTheUsersTotps() {
    add("user-test-a", 1, "a@example.com");
    add("user-test-b", 2, "b@example.com");
    add("user-test-c", 3, "c@example.com");
    stores.totps().create(totp("totp-test-a", "user-test-a", true), T0);
    stores.totps().create(totp("totp-test-b", "user-test-b", false), T0);

    assertThat(ids(new UserSearch.TotpIds(List.of("totp-test-b")))).containsExactly("user-test-b");
    assertThat(ids(new UserSearch.TotpVerified(true))).containsExactly("user-test-a");
    assertThat(ids(new UserSearch.TotpVerified(false))).containsExactly("user-test-b", "user-test-c");
  }

  @Test
  void oauthProviderMatchesUsersWithAProviderAccountFromAnyOfTheGivenProviders() {
    add("user-test-a", 1, "a@example.com");
    add("user-test-b", 2, "b@example.com");
    add("user-test-c", 3, "c@example.com");
    add("user-test-d", 4, "d@example.com");
    stores.oauth().createRegistration(registration("oauth-user-test-a1", "user-test-a", "google", "Google"));
    stores.oauth().createRegistration(registration("oauth-user-test-a2", "user-test-a", "github", "Github"));
    stores.oauth().createRegistration(registration("oauth-user-test-b", "user-test-b", "github", "Github"));
    stores.oauth().createRegistration(registration("oauth-user-test-c", "user-test-c", "oidc", "OIDC"));

    assertThat(ids(new UserSearch.OAuthProviders(List.of("google")))).containsExactly("user-test-a");
    assertThat(ids(new UserSearch.OAuthProviders(List.of("github")))).containsExactly("user-test-a", "user-test-b");
    assertThat(ids(new UserSearch.OAuthProviders(List.of("google", "oidc"))))
        .containsExactly("user-test-a", "user-test-c");
    assertThat(ids(new UserSearch.OAuthProviders(List.of("facebook")))).isEmpty();
    assertThat(stores.users().search(new UserSearch(true, List.of(new UserSearch.OAuthProviders(List.of("github"))),
        1000, null)).total()).as("a user with two accounts of the providers counts once").isEqualTo(2);
    assertThat(ids(false, new UserSearch.OAuthProviders(List.of("oidc")),
        new UserSearch.EmailAddresses(List.of("d@example.com")))).containsExactly("user-test-c", "user-test-d");
  }

  @Test
  void andNeedsEveryFilterAndOrAnyOfThem() {
    add("user-test-a", 1, "active", new User.Name("", "", ""), true, "a@example.com");
    add("user-test-b", 2, "pending", new User.Name("", "", ""), true, "b@example.com");
    add("user-test-c", 3, "pending", new User.Name("", "", ""), false, "c@example.com");

    UserSearch.Filter pending = new UserSearch.Status("pending");
    UserSearch.Filter verified = new UserSearch.EmailVerified(true);
    assertThat(ids(true, pending, verified)).containsExactly("user-test-b");
    assertThat(ids(false, pending, verified)).containsExactly("user-test-a", "user-test-b", "user-test-c");
    assertThat(ids(false, new UserSearch.Status("active"), new UserSearch.EmailAddresses(List.of("c@example.com"))))
        .containsExactly("user-test-a", "user-test-c");
  }

  @Test
  void theTotalCountsEveryMatchNotJustThePage() {
    for (int i = 0; i < 5; i++) {
      add("user-test-" + i, i, i + "@example.com");
    }

    UserSearch.Page page = stores.users().search(new UserSearch(true,
        List.of(new UserSearch.CreatedAt(T0, null)), 2, null));

    assertThat(page.results()).extracting(UserRecord::userId).containsExactly("user-test-1", "user-test-2");
    assertThat(page.total()).isEqualTo(4);
    assertThat(page.next()).isEqualTo(new UserSearch.Position(T0.plusSeconds(2), "user-test-2"));
  }

  @Test
  void usersCreatedInTheSameMillisecondArePagedByUserIdWithoutLossOrRepeat() {
    for (int i = 0; i < 7; i++) {
      add("user-test-" + i, 0, i + "@example.com");
    }

    List<String> seen = pageThrough(3, () -> { });

    assertThat(seen).containsExactly("user-test-0", "user-test-1", "user-test-2", "user-test-3", "user-test-4",
        "user-test-5", "user-test-6");
  }

  @Test
  void pagingWhileUsersAreAddedSeesEveryEarlierUserExactlyOnce() {
    Set<String> before = new HashSet<>();
    for (int i = 0; i < 20; i++) {
      before.add(add("user-test-early-" + (100 + i), i, "early" + i + "@example.com").userId());
    }
    int[] added = {0};
    // Between pages, users arrive both at the end (the usual case) and, with clock skew between nodes, in the
    // middle of what was already paged.
    List<String> seen = pageThrough(3, () -> {
      int n = added[0]++;
      add("user-test-late-" + (100 + n), 1000 + n, "late" + n + "@example.com");
      add("user-test-skew-" + (100 + n), n % 20, "skew" + n + "@example.com");
    });

    assertThat(seen).doesNotHaveDuplicates();
    assertThat(seen).containsAll(before);
    List<String> late = seen.stream().filter(id -> id.startsWith("user-test-late-")).toList();
    assertThat(late).isNotEmpty();
  }

  // --- deleting one factor (shares this class: same fixtures, both databases) ---

  @Test
  void deletingAnEmailRemovesItWithTheLinksAndCodesMailedToItAndNamesItsUser() {
    add("user-test-a", 1, "a@example.com", "a2@example.com");
    String emailId = "email-test-1-user-test-a";
    stores.emailTokens().create(new EmailTokenRecord("hash-1", EmailTokenRecord.MAGIC_LINK, "user-test-a", emailId,
        null, T0, T0.plusSeconds(600)));
    stores.emailTokens().create(new EmailTokenRecord("hash-0", EmailTokenRecord.MAGIC_LINK, "user-test-a",
        "email-test-0-user-test-a", null, T0, T0.plusSeconds(600)));
    stores.otpCodes().replace(new OtpCodeRecord(emailId, "user-test-a", "code-hash", "salt", 0, T0,
        T0.plusSeconds(120)));

    assertThat(stores.users().deleteEmail(emailId)).contains("user-test-a");

    assertThat(stores.users().find("user-test-a").orElseThrow().emails()).extracting(UserRecord.StoredEmail::email)
        .containsExactly("a@example.com");
    assertThat(stores.emailTokens().find("hash-1", EmailTokenRecord.MAGIC_LINK)).isEmpty();
    assertThat(stores.emailTokens().find("hash-0", EmailTokenRecord.MAGIC_LINK)).isPresent();
    assertThat(stores.otpCodes().consume(emailId, "code-hash")).isFalse();
    assertThat(stores.users().deleteEmail(emailId)).isEmpty();
    assertThat(stores.users().findByEmail("a2@example.com")).isEmpty();
  }

  @Test
  void deletingAPasswordByItsIdNamesItsUserOnce() {
    add("user-test-a", 1, "a@example.com");
    stores.users().setPassword("user-test-a", new UserRecord.StoredPassword("password-test-1", "hash", false));

    assertThat(stores.users().deletePassword("password-test-1")).contains("user-test-a");

    assertThat(stores.users().find("user-test-a").orElseThrow().password()).isNull();
    assertThat(stores.users().deletePassword("password-test-1")).isEmpty();
  }

  private List<String> pageThrough(int limit, Runnable betweenPages) {
    List<String> seen = new ArrayList<>();
    UserSearch.Position after = null;
    UserSearch.Position previous = null;
    for (int pages = 0; pages < 1000; pages++) {
      UserSearch.Page page = stores.users().search(new UserSearch(true, List.of(), limit, after));
      for (UserRecord u : page.results()) {
        seen.add(u.userId());
        if (previous != null) {
          int c = u.createdAt().compareTo(previous.createdAt());
          assertThat(c > 0 || (c == 0 && u.userId().compareTo(previous.userId()) > 0))
              .as("each result comes after the one before it").isTrue();
        }
        previous = new UserSearch.Position(u.createdAt(), u.userId());
      }
      if (page.next() == null) {
        return seen;
      }
      after = page.next();
      betweenPages.run();
    }
    throw new AssertionError("paging did not end");
  }

  private static OAuthStore.Registration registration(String id, String userId, String provider, String type) {
    return new OAuthStore.Registration(id, userId, provider, "subject-of-" + id, type, "", "", T0);
  }

  private static TotpRecord totp(String totpId, String userId, boolean verified) {
    return new TotpRecord(totpId, userId, "sealed-secret-of-" + totpId, "aes-256-gcm", verified, T0,
        T0.plusSeconds(600), TotpRecord.NO_STEP, 0, null, List.of());
  }
}
