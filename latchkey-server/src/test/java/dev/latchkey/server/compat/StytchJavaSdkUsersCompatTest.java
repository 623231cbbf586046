package dev.latchkey.server.compat;

import static dev.latchkey.server.compat.SdkCalls.error;
import static dev.latchkey.server.compat.SdkCalls.get;
import static dev.latchkey.server.compat.SdkCalls.success;
import static org.assertj.core.api.Assertions.assertThat;

import com.stytch.java.common.ErrorResponse;
import com.stytch.java.common.OptionalClientConfig;
import com.stytch.java.consumer.StytchClient;
import com.stytch.java.consumer.models.users.CreateRequest;
import com.stytch.java.consumer.models.users.CreateResponse;
import com.stytch.java.consumer.models.users.DeleteEmailRequest;
import com.stytch.java.consumer.models.users.DeleteEmailResponse;
import com.stytch.java.consumer.models.users.DeletePasswordRequest;
import com.stytch.java.consumer.models.users.DeletePasswordResponse;
import com.stytch.java.consumer.models.users.SearchRequest;
import com.stytch.java.consumer.models.users.SearchResponse;
import com.stytch.java.consumer.models.users.SearchUsersQuery;
import com.stytch.java.consumer.models.users.SearchUsersQueryOperator;
import com.stytch.java.consumer.models.users.User;
import dev.latchkey.server.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The official Stytch Java SDK ({@code com.stytch.java:sdk}) against a real Latchkey server: {@code users.search}
 * (with paging by its cursor), {@code users.deleteEmail} and {@code users.deletePassword} deserialize into the SDK's
 * own models.
 */
class StytchJavaSdkUsersCompatTest {
  private static final String PASSWORD = "correct horse battery staple 8472";

  private static TestServer server;
  private static StytchClient stytch;

  @BeforeAll
  static void startServerAndClient() {
    server = TestServer.start();
    stytch = new StytchClient(server.projectId, server.secret, new OptionalClientConfig(server.baseUrl()));
  }

  @AfterAll
  static void stopServerAndClient() {
    stytch.close();
    server.close();
  }

  @Test
  void usersSearchFindsByEmailAndPagesWithTheCursor() {
    String tag = UUID.randomUUID().toString().substring(0, 8);
    List<String> created = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      CreateResponse c = success(stytch.getUsers().createCompletable(
          new CreateRequest("sdk-search-" + tag + "-" + i + "@example.com")));
      created.add(c.getUserId());
    }
    SearchUsersQuery exact = new SearchUsersQuery(SearchUsersQueryOperator.AND, List.of(Map.of(
        "filter_name", "email_address", "filter_value", List.of("sdk-search-" + tag + "-3@example.com"))));

    SearchResponse found = success(stytch.getUsers().searchCompletable(new SearchRequest(null, 10L, exact)));

    assertThat(found.getStatusCode()).isEqualTo(200);
    assertThat(found.getResults()).extracting(User::getUserId).containsExactly(created.get(3));
    assertThat(found.getResultsMetadata().getTotal()).isEqualTo(1);
    assertThat(found.getResultsMetadata().getNextCursor()).isNull();

    SearchUsersQuery fuzzy = new SearchUsersQuery(SearchUsersQueryOperator.AND, List.of(Map.of(
        "filter_name", "email_address_fuzzy", "filter_value", "sdk-search-" + tag)));
    List<String> paged = new ArrayList<>();
    String cursor = null;
    do {
      SearchResponse page = success(stytch.getUsers().searchCompletable(new SearchRequest(cursor, 2L, fuzzy)));
      assertThat(page.getResultsMetadata().getTotal()).isEqualTo(5);
      page.getResults().forEach(u -> paged.add(u.getUserId()));
      cursor = page.getResultsMetadata().getNextCursor();
    } while (cursor != null);
    assertThat(paged).containsExactlyElementsOf(created);
  }

  @Test
  void usersSearchRefusesAFilterLatchkeyHasNoDataFor() {
    SearchUsersQuery phone = new SearchUsersQuery(SearchUsersQueryOperator.AND, List.of(Map.of(
        "filter_name", "phone_number", "filter_value", List.of("+15555550100"))));

    ErrorResponse refused = error(stytch.getUsers().searchCompletable(new SearchRequest(null, 10L, phone)));

    assertThat(refused.getStatusCode()).isEqualTo(400);
    assertThat(refused.getErrorType()).isEqualTo("bad_request");
    assertThat(refused.getErrorMessage()).contains("phone_number");
  }

  @Test
  void usersDeletePasswordAndDeleteEmailReturnTheUser() {
    String email = "sdk-del-" + UUID.randomUUID() + "@example.com";
    com.stytch.java.consumer.models.passwords.CreateResponse created = success(stytch.getPasswords()
        .createCompletable(new com.stytch.java.consumer.models.passwords.CreateRequest(email, PASSWORD)));
    String passwordId = created.getUser().getPassword().getPasswordId();

    DeletePasswordResponse noPassword = success(stytch.getUsers().deletePasswordCompletable(
        new DeletePasswordRequest(passwordId)));
    assertThat(noPassword.getUserId()).isEqualTo(created.getUserId());
    assertThat(noPassword.getUser().getPassword()).isNull();
    assertThat(noPassword.getUser().getEmails()).hasSize(1);

    DeleteEmailResponse noEmail = success(stytch.getUsers().deleteEmailCompletable(
        new DeleteEmailRequest(created.getEmailId())));
    assertThat(noEmail.getUserId()).isEqualTo(created.getUserId());
    assertThat(noEmail.getUser().getEmails()).isEmpty();

    ErrorResponse again = error(stytch.getUsers().deletePasswordCompletable(new DeletePasswordRequest(passwordId)));
    assertThat(again.getStatusCode()).isEqualTo(404);
    assertThat(again.getErrorType()).isEqualTo("password_not_found");
  }


}
