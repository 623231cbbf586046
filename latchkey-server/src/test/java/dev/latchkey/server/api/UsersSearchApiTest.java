package dev.latchkey.server.api;

import static dev.latchkey.server.api.ApiAssertions.assertError;
import static dev.latchkey.server.api.ApiAssertions.assertOk;
import static dev.latchkey.server.api.ApiAssertions.literal;
import static dev.latchkey.server.api.ApiAssertions.uniqueEmail;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.TestServer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code POST /v1/users/search} over real HTTP: Stytch's request and reply, paging, and every bad query. */
class UsersSearchApiTest {
  private static TestServer server;
  private static ApiClient api;

  @BeforeAll
  static void startServer() {
    server = TestServer.start();
    api = server.api();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  private static JsonNode createUser(String email) {
    return assertOk(api.post("/v1/users", "{\"email\":" + literal(email) + "}"));
  }

  private static JsonNode search(String body) {
    return assertOk(api.post("/v1/users/search", body));
  }

  private static String byEmails(String operator, List<String> emails) {
    return "{\"query\":{\"operator\":\"" + operator + "\",\"operands\":[{\"filter_name\":\"email_address\","
        + "\"filter_value\":" + literal(emails) + "}]}}";
  }

  @Test
  void theReplyHasStytchsShapeAndEachResultIsTheUserAsGetRendersIt() {
    String email = uniqueEmail("search-shape");
    String userId = createUser(email).path("user_id").asText();

    JsonNode body = search(byEmails("AND", List.of(email)));

    assertThat(body.path("results")).hasSize(1);
    ObjectNode got = assertOk(api.get("/v1/users/" + userId)).deepCopy();
    got.remove("status_code");
    got.remove("request_id");
    assertThat(body.path("results").get(0)).isEqualTo(got);
    assertThat(body.path("results_metadata").path("total").asLong()).isEqualTo(1);
    assertThat(body.path("results_metadata").has("next_cursor")).isTrue();
    assertThat(body.path("results_metadata").path("next_cursor").isNull()).isTrue();
  }

  @Test
  void emailAddressIsMatchedWhateverItsCase() {
    String email = uniqueEmail("search-case");
    createUser(email);

    JsonNode body = search(byEmails("AND", List.of(email.toUpperCase(java.util.Locale.ROOT))));

    assertThat(body.path("results").get(0).path("emails").get(0).path("email").asText()).isEqualTo(email);
  }

  @Test
  void andNeedsEveryOperandWhileOrTakesAny() {
    String tag = UUID.randomUUID().toString().substring(0, 8);
    String a = "search-and-" + tag + "-a@example.com";
    String b = "search-and-" + tag + "-b@example.com";
    createUser(a);
    createUser(b);
    String operands = "[{\"filter_name\":\"email_address_fuzzy\",\"filter_value\":\"" + tag + "\"},"
        + "{\"filter_name\":\"email_address\",\"filter_value\":[\"" + a + "\"]}]";

    JsonNode and = search("{\"query\":{\"operator\":\"AND\",\"operands\":" + operands + "}}");
    JsonNode or = search("{\"query\":{\"operator\":\"OR\",\"operands\":" + operands + "}}");

    assertThat(and.path("results_metadata").path("total").asLong()).isEqualTo(1);
    assertThat(or.path("results_metadata").path("total").asLong()).isEqualTo(2);
  }

  @Test
  void passwordExistsAndStatusAndCreatedAtFilterTogether() {
    String tag = UUID.randomUUID().toString().substring(0, 8);
    String withPassword = "search-pw-" + tag + "@example.com";
    assertOk(api.post("/v1/passwords", "{\"email\":\"" + withPassword + "\",\"password\":\"correct horse battery "
        + "staple " + tag + "\"}"));
    createUser("search-nopw-" + tag + "@example.com");
    String fuzzy = "{\"filter_name\":\"email_address_fuzzy\",\"filter_value\":\"" + tag + "\"}";

    JsonNode body = search("{\"query\":{\"operator\":\"AND\",\"operands\":[" + fuzzy + ","
        + "{\"filter_name\":\"password_exists\",\"filter_value\":true},"
        + "{\"filter_name\":\"status\",\"filter_value\":\"active\"},"
        + "{\"filter_name\":\"created_at_between\",\"filter_value\":{\"greater_than\":\"2020-01-01T00:00:00Z\","
        + "\"less_than\":\"2999-01-01T00:00:00+02:00\"}}]}}");

    assertThat(body.path("results")).hasSize(1);
    assertThat(body.path("results").get(0).path("emails").get(0).path("email").asText()).isEqualTo(withPassword);
    assertThat(body.path("results").get(0).path("password").path("password_id").asText()).startsWith("password-");
  }

  @Test
  void pagingWithNextCursorSeesEveryUserOnceWhileOthersAreCreated() {
    String tag = UUID.randomUUID().toString().substring(0, 8);
    Set<String> created = new HashSet<>();
    for (int i = 0; i < 7; i++) {
      created.add(createUser("search-page-" + tag + "-" + i + "@example.com").path("user_id").asText());
    }
    String query = "\"query\":{\"operator\":\"AND\",\"operands\":[{\"filter_name\":\"email_address_fuzzy\","
        + "\"filter_value\":\"search-page-" + tag + "\"}]}";
    List<String> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      JsonNode body = search("{\"limit\":2," + query + (cursor == null ? "" : ",\"cursor\":" + literal(cursor)) + "}");
      body.path("results").forEach(u -> seen.add(u.path("user_id").asText()));
      cursor = body.path("results_metadata").path("next_cursor").isNull() ? null
          : body.path("results_metadata").path("next_cursor").asText();
      created.add(createUser("search-page-" + tag + "-late" + pages + "@example.com").path("user_id").asText());
      pages++;
    } while (cursor != null && pages < 50);

    assertThat(seen).doesNotHaveDuplicates();
    assertThat(seen).hasSizeGreaterThanOrEqualTo(7);
    assertThat(created).containsAll(seen);
  }

  @Test
  void anEmptyBodyListsUsersWithStytchsDefaultPageOf100() {
    for (int i = 0; i < 3; i++) {
      createUser(uniqueEmail("search-all"));
    }

    JsonNode body = search("{}");

    assertThat(body.path("results").size()).isBetween(3, 100);
    assertThat(body.path("results_metadata").path("total").asLong()).isGreaterThanOrEqualTo(3);
  }

  // --- bad queries: a 400 naming the field, never a 500, never a filter silently ignored ---

  @ParameterizedTest
  @ValueSource(strings = {"phone_number", "webauthn_registration_id", "crypto_wallet_address",
      "phone_verified"})
  void aFilterLatchkeyHasNoDataForIsRefusedByName(String filter) {
    String message = assertError(api.post("/v1/users/search", "{\"query\":{\"operator\":\"AND\",\"operands\":["
        + "{\"filter_name\":\"" + filter + "\",\"filter_value\":[\"x\"]}]}}"), 400, "bad_request");

    assertThat(message).contains(filter).contains("query.operands[0].filter_name").contains("not supported");
  }

  @Test
  void anOAuthProviderFilterThatIsNotAListOfNamesIsRefusedByName() {
    String notAList = assertError(api.post("/v1/users/search", "{\"query\":{\"operator\":\"AND\",\"operands\":["
        + "{\"filter_name\":\"oauth_provider\",\"filter_value\":\"google\"}]}}"), 400, "invalid_field_type");
    String empty = assertError(api.post("/v1/users/search", "{\"query\":{\"operator\":\"AND\",\"operands\":["
        + "{\"filter_name\":\"oauth_provider\",\"filter_value\":[]}]}}"), 400, "bad_request");
    String missing = assertError(api.post("/v1/users/search", "{\"query\":{\"operator\":\"AND\",\"operands\":["
        + "{\"filter_name\":\"oauth_provider\"}]}}"), 400, "missing_required_field");

    assertThat(List.of(notAList, empty, missing)).allSatisfy(m -> assertThat(m)
        .contains("query.operands[0].filter_value"));
  }

  @Test
  void anUnknownFilterIsRefusedByName() {
    String message = assertError(api.post("/v1/users/search", "{\"query\":{\"operator\":\"AND\",\"operands\":["
        + "{\"filter_name\":\"favourite_colour\",\"filter_value\":\"blue\"}]}}"), 400, "bad_request");

    assertThat(message).contains("favourite_colour");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"limit\":\"10\"}|invalid_field_type|limit",
      "{\"limit\":10.5}|invalid_field_type|limit",
      "{\"limit\":0}|bad_request|limit",
      "{\"limit\":1001}|bad_request|limit",
      "{\"limit\":-1}|bad_request|limit",
      "{\"cursor\":7}|invalid_field_type|cursor",
      "{\"query\":[]}|invalid_field_type|query",
      "{\"query\":{}}|missing_required_field|query.operator",
      "{\"query\":{\"operator\":\"NOT\"}}|bad_request|query.operator",
      "{\"query\":{\"operator\":\"AND\",\"operands\":{}}}|invalid_field_type|query.operands",
      "{\"query\":{\"operator\":\"AND\",\"operands\":[\"x\"]}}|invalid_field_type|query.operands[0]",
      "{\"query\":{\"operator\":\"AND\",\"operator2\":1}}|bad_request|query.operator2",
      "{\"query\":{\"operator\":\"AND\",\"operands\":[{\"filter_value\":true}]}}|missing_required_field|query.operands[0].filter_name",
      "{\"query\":{\"operator\":\"AND\",\"operands\":[{\"filter_name\":\"status\"}]}}|missing_required_field|query.operands[0].filter_value",
      "{\"query\":{\"operator\":\"AND\",\"operands\":[{\"filter_name\":\"status\",\"filter_value\":\"gone\"}]}}|bad_request|query.operands[0].filter_value",
      "{\"query\":{\"operator\":\"AND\",\"operands\":[{\"filter_name\":\"email_address\",\"filter_value\":\"a@example.com\"}]}}|invalid_field_type|query.operands[0].filter_value",
      "{\"query\":{\"operator\":\"AND\",\"operands\":[{\"filter_name\":\"email_address\",\"filter_value\":[]}]}}|bad_request|query.operands[0].filter_value",
      "{\"query\":{\"operator\":\"AND\",\"operands\":[{\"filter_name\":\"email_address\",\"filter_value\":[1]}]}}|invalid_field_type|query.operands[0].filter_value[0]",
      "{\"query\":{\"operator\":\"AND\",\"operands\":[{\"filter_name\":\"password_exists\",\"filter_value\":\"true\"}]}}|invalid_field_type|query.operands[0].filter_value",
      "{\"query\":{\"operator\":\"AND\",\"operands\":[{\"filter_name\":\"created_at_greater_than\",\"filter_value\":\"yesterday\"}]}}|bad_request|query.operands[0].filter_value",
      "{\"query\":{\"operator\":\"AND\",\"operands\":[{\"filter_name\":\"created_at_between\",\"filter_value\":{\"greater_than\":\"2020-01-01T00:00:00Z\"}}]}}|missing_required_field|query.operands[0].filter_value.less_than",
      "{\"query\":{\"operator\":\"AND\",\"operands\":[{\"filter_name\":\"user_id\",\"filter_value\":[\"not-a-user\"]}]}}|invalid_user_id|",
      "{\"query\":{\"operator\":\"AND\",\"operands\":[{\"filter_name\":\"email_address_fuzzy\",\"filter_value\":\" \"}]}}|bad_request|query.operands[0].filter_value",
  })
  void aBadQueryIsA400NamingTheField(String body, String errorType, String field) {
    String message = assertError(api.post("/v1/users/search", body), 400, errorType);

    if (field != null) {
      assertThat(message).contains("'" + field + "'");
    }
  }

  @Test
  void aCursorThatWasTamperedWithIsRefused() {
    String tag = UUID.randomUUID().toString().substring(0, 8);
    for (int i = 0; i < 3; i++) {
      createUser("search-tamper-" + tag + "-" + i + "@example.com");
    }
    String query = "\"query\":{\"operator\":\"AND\",\"operands\":[{\"filter_name\":\"email_address_fuzzy\","
        + "\"filter_value\":\"search-tamper-" + tag + "\"}]}";
    String cursor = search("{\"limit\":1," + query + "}").path("results_metadata").path("next_cursor").asText();
    String payload = new String(Base64.getUrlDecoder().decode(cursor.substring(0, cursor.indexOf('.'))));
    String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(payload.replace("\n1", "\n0")
        .getBytes()) + cursor.substring(cursor.indexOf('.'));

    for (String bad : List.of(forged, cursor.substring(1), cursor + "x", "not a cursor", "a.b.c", ".")) {
      String message = assertError(api.post("/v1/users/search", "{\"limit\":1," + query + ",\"cursor\":"
          + literal(bad) + "}"), 400, "bad_request");
      assertThat(message).contains("'cursor'");
    }
    assertOk(api.post("/v1/users/search", "{\"limit\":1," + query + ",\"cursor\":" + literal(cursor) + "}"));
  }

  @Test
  void aCursorReplayedWithAnotherQueryIsRefused() {
    String tag = UUID.randomUUID().toString().substring(0, 8);
    for (int i = 0; i < 2; i++) {
      createUser("search-replay-" + tag + "-" + i + "@example.com");
    }
    String cursor = search("{\"limit\":1,\"query\":{\"operator\":\"AND\",\"operands\":[{\"filter_name\":"
        + "\"email_address_fuzzy\",\"filter_value\":\"search-replay-" + tag + "\"}]}}")
        .path("results_metadata").path("next_cursor").asText();

    String message = assertError(api.post("/v1/users/search", "{\"limit\":1,\"cursor\":" + literal(cursor) + "}"),
        400, "bad_request");

    assertThat(message).contains("'cursor'").contains("different query");
  }
}
