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
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code /v1/users} over real HTTP: create, get, update, delete, and the user object's wire shape. */
class UsersApiTest {
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

  private static JsonNode getUser(String userId) {
    return assertOk(api.get("/v1/users/" + userId));
  }

  // --- create ---

  @Test
  void createReturnsTheIdsTheStatusAnEmptyPhoneIdAndTheUser() {
    String email = uniqueEmail("ada");
    JsonNode body = createUser(email);

    assertThat(body.path("user_id").asText()).startsWith("user-test-");
    assertThat(body.path("email_id").asText()).startsWith("email-test-");
    assertThat(body.path("status").asText()).isEqualTo("active");
    assertThat(body.path("phone_id").isTextual()).isTrue();
    assertThat(body.path("phone_id").asText()).isEmpty();
    JsonNode user = body.path("user");
    assertThat(user.path("user_id").asText()).isEqualTo(body.path("user_id").asText());
    assertThat(user.path("emails")).hasSize(1);
    assertThat(user.path("emails").get(0).path("email_id").asText()).isEqualTo(body.path("email_id").asText());
    assertThat(user.path("emails").get(0).path("email").asText()).isEqualTo(email);
  }

  @Test
  void theUserObjectCarriesEveryNonNullReferenceFieldEvenWhenEmpty() {
    JsonNode user = createUser(uniqueEmail("shape")).path("user");

    assertThat(user.path("user_id").isTextual()).isTrue();
    JsonNode email = user.path("emails").get(0);
    assertThat(email.path("email_id").isTextual()).isTrue();
    assertThat(email.path("email").isTextual()).isTrue();
    assertThat(email.path("verified").isBoolean()).isTrue();
    assertThat(email.path("verified").asBoolean()).isFalse();
    assertThat(user.path("status").asText()).isEqualTo("active");
    for (String list : List.of("phone_numbers", "webauthn_registrations", "providers", "totps", "crypto_wallets",
        "biometric_registrations")) {
      assertThat(user.path(list).isArray()).as(list + " is an array").isTrue();
      assertThat(user.path(list)).as(list).isEmpty();
    }
    assertThat(user.path("is_locked").isBoolean()).isTrue();
    assertThat(user.path("is_locked").asBoolean()).isFalse();
    assertThat(user.path("roles").isArray()).isTrue();
    assertThat(user.path("roles").toString()).contains("\"stytch_user\"");
    JsonNode name = user.path("name");
    for (String part : List.of("first_name", "middle_name", "last_name")) {
      assertThat(name.path(part).isTextual()).as("name." + part + " is a string").isTrue();
      assertThat(name.path(part).asText()).isEmpty();
    }
    assertThat(user.path("trusted_metadata").isObject()).isTrue();
    assertThat(user.path("trusted_metadata")).isEmpty();
    assertThat(user.path("untrusted_metadata").isObject()).isTrue();
    assertThat(user.path("untrusted_metadata")).isEmpty();
  }

  @Test
  void createdAtIsAnRfc3339TimestampNearNow() {
    Instant before = Instant.now().minusSeconds(60);
    String createdAt = createUser(uniqueEmail("time")).path("user").path("created_at").asText();

    assertThat(createdAt).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})");
    Instant parsed = OffsetDateTime.parse(createdAt).toInstant();
    assertThat(parsed).isAfter(before).isBefore(Instant.now().plusSeconds(60));
  }

  @Test
  void createStoresTheEmailLowerCased() {
    String email = uniqueEmail("Grace.Hopper");
    JsonNode body = createUser(email.toUpperCase(Locale.ROOT));

    assertThat(body.path("user").path("emails").get(0).path("email").asText())
        .isEqualTo(email.toLowerCase(Locale.ROOT));
  }

  @Test
  void createWithNameAndMetadataReturnsThem() {
    JsonNode user = assertOk(api.post("/v1/users", """
        {"email":%s,"name":{"first_name":"Ada","last_name":"Lovelace"},
         "trusted_metadata":{"plan":"pro"},"untrusted_metadata":{"theme":"dark"}}"""
        .formatted(literal(uniqueEmail("named"))))).path("user");

    assertThat(user.path("name").path("first_name").asText()).isEqualTo("Ada");
    assertThat(user.path("name").path("middle_name").asText()).isEmpty();
    assertThat(user.path("name").path("last_name").asText()).isEqualTo("Lovelace");
    assertThat(user.path("trusted_metadata").toString()).isEqualTo("{\"plan\":\"pro\"}");
    assertThat(user.path("untrusted_metadata").toString()).isEqualTo("{\"theme\":\"dark\"}");
  }

  @Test
  void createWithoutAnEmailIsAMissingRequiredField() {
    String message = assertError(api.post("/v1/users", "{}"), 400, "missing_required_field");

    assertThat(message).contains("email");
  }

  @ParameterizedTest
  @ValueSource(strings = {"not-an-email", "ada@", "@example.com", "ada@example", "ada lovelace@example.com",
      "ada@@example.com"})
  void createWithAnInvalidEmailIsRefused(String email) {
    assertError(api.post("/v1/users", "{\"email\":" + literal(email) + "}"), 400, "invalid_email");
  }

  @Test
  void createWithAnEmailOfAnotherUserInAnyCaseIsADuplicate() {
    String email = uniqueEmail("dup");
    createUser(email);

    assertError(api.post("/v1/users", "{\"email\":" + literal(email) + "}"), 400, "duplicate_email");
    assertError(api.post("/v1/users", "{\"email\":" + literal(email.toUpperCase(Locale.ROOT)) + "}"), 400,
        "duplicate_email");
  }

  @Test
  void createWithAPhoneNumberIsRefusedAsUnsupported() {
    assertError(api.post("/v1/users", "{\"phone_number\":\"+12025550123\"}"), 400, "phone_numbers_not_supported");
    assertError(api.post("/v1/users", "{\"email\":" + literal(uniqueEmail("phone"))
        + ",\"phone_number\":\"+12025550123\"}"), 400, "phone_numbers_not_supported");
  }

  @Test
  void createUserAsPendingMakesAPendingUser() {
    JsonNode body = assertOk(api.post("/v1/users",
        "{\"email\":" + literal(uniqueEmail("pending")) + ",\"create_user_as_pending\":true}"));

    assertThat(body.path("status").asText()).isEqualTo("pending");
    assertThat(body.path("user").path("status").asText()).isEqualTo("pending");
    assertThat(getUser(body.path("user_id").asText()).path("status").asText()).isEqualTo("pending");
  }

  @Test
  void createWithTheJavaSdkDefaultsIsAccepted() {
    JsonNode body = assertOk(api.post("/v1/users", """
        {"email":%s,"trusted_metadata":{},"untrusted_metadata":{},"roles":[]}"""
        .formatted(literal(uniqueEmail("sdk")))));

    assertThat(body.path("user").path("roles").toString()).contains("\"stytch_user\"");
    assertThat(body.path("user").path("trusted_metadata")).isEmpty();
  }

  // --- get ---

  @Test
  void getIsFlatAndEqualsTheUserObjectOfCreate() {
    JsonNode created = createUser(uniqueEmail("flat"));
    String userId = created.path("user_id").asText();

    ObjectNode got = getUser(userId).deepCopy();

    assertThat(got.has("user")).as("no user wrapper").isFalse();
    got.remove(List.of("status_code", "request_id"));
    assertThat(got).isEqualTo(created.path("user"));
  }

  @Test
  void getAcceptsTheUserIdQueryParameterTheJavaSdkAppends() {
    String userId = createUser(uniqueEmail("query")).path("user_id").asText();

    assertThat(assertOk(api.get("/v1/users/" + userId + "?user_id=" + userId)).path("user_id").asText())
        .isEqualTo(userId);
  }

  @Test
  void getOfAnUnknownUserIsUserNotFound() {
    assertError(api.get("/v1/users/user-test-" + UUID.randomUUID()), 404, "user_not_found");
  }

  @ParameterizedTest
  @ValueSource(strings = {"not-a-user", "session-test-00000000-0000-0000-0000-000000000000", "USER-test-x"})
  void getWithAMalformedUserIdIsInvalidUserId(String userId) {
    assertError(api.get("/v1/users/" + userId), 400, "invalid_user_id");
  }

  // --- update ---

  @Test
  void updateWithAPartialNameKeepsTheOtherParts() {
    String userId = assertOk(api.post("/v1/users", """
        {"email":%s,"name":{"first_name":"Ada","middle_name":"King","last_name":"Byron"}}"""
        .formatted(literal(uniqueEmail("rename"))))).path("user_id").asText();

    JsonNode reply = assertOk(api.put("/v1/users/" + userId, "{\"name\":{\"last_name\":\"Lovelace\"}}"));

    assertThat(reply.path("user").path("name").toString())
        .isEqualTo("{\"first_name\":\"Ada\",\"middle_name\":\"King\",\"last_name\":\"Lovelace\"}");
    assertThat(getUser(userId).path("name").toString())
        .isEqualTo("{\"first_name\":\"Ada\",\"middle_name\":\"King\",\"last_name\":\"Lovelace\"}");
  }

  @Test
  void updateRepliesWithTheIdsListsAndUser() {
    String email = uniqueEmail("updshape");
    String userId = createUser(email).path("user_id").asText();

    JsonNode reply = assertOk(api.put("/v1/users/" + userId, "{\"untrusted_metadata\":{\"a\":1}}"));

    assertThat(reply.path("user_id").asText()).isEqualTo(userId);
    assertThat(reply.path("emails").get(0).path("email").asText()).isEqualTo(email);
    assertThat(reply.path("phone_numbers").isArray()).isTrue();
    assertThat(reply.path("crypto_wallets").isArray()).isTrue();
    assertThat(reply.path("user").path("user_id").asText()).isEqualTo(userId);
    assertThat(reply.path("user").path("untrusted_metadata").toString()).isEqualTo("{\"a\":1}");
  }

  @Test
  void updateMergesMetadataAtTheTopLevelDeletesNullKeysAndReplacesNestedValues() {
    String userId = assertOk(api.post("/v1/users", """
        {"email":%s,"trusted_metadata":{"keep":"k","drop":"d","nested":{"a":1,"b":2},"list":[1,2]}}"""
        .formatted(literal(uniqueEmail("merge"))))).path("user_id").asText();

    assertOk(api.put("/v1/users/" + userId, """
        {"trusted_metadata":{"drop":null,"nested":{"c":3},"list":[3],"added":true}}"""));

    JsonNode metadata = getUser(userId).path("trusted_metadata");
    assertThat(metadata).isEqualTo(ApiAssertions.JSON.createObjectNode().put("keep", "k")
        .<ObjectNode>set("nested", ApiAssertions.JSON.createObjectNode().put("c", 3))
        .<ObjectNode>set("list", ApiAssertions.JSON.createArrayNode().add(3)).put("added", true));
  }

  @Test
  void updateLeavingMoreThanTwentyKeysIsRefusedAndChangesNothing() {
    Map<String, Object> fifteen = new LinkedHashMap<>();
    for (int i = 0; i < 15; i++) {
      fifteen.put("k" + i, i);
    }
    String userId = assertOk(api.post("/v1/users", "{\"email\":" + literal(uniqueEmail("keys"))
        + ",\"untrusted_metadata\":" + literal(fifteen) + "}")).path("user_id").asText();
    Map<String, Object> six = new LinkedHashMap<>();
    for (int i = 0; i < 6; i++) {
      six.put("n" + i, i);
    }

    String message = assertError(api.put("/v1/users/" + userId, "{\"untrusted_metadata\":" + literal(six) + "}"),
        400, "metadata_too_many_keys");

    assertThat(message).contains("untrusted_metadata").contains("20");
    assertThat(getUser(userId).path("untrusted_metadata")).hasSize(15);
  }

  @Test
  void updateToExactlyTwentyKeysIsAccepted() {
    String userId = createUser(uniqueEmail("twenty")).path("user_id").asText();
    Map<String, Object> twenty = new LinkedHashMap<>();
    for (int i = 0; i < 20; i++) {
      twenty.put("k" + i, i);
    }

    assertOk(api.put("/v1/users/" + userId, "{\"trusted_metadata\":" + literal(twenty) + "}"));

    assertThat(getUser(userId).path("trusted_metadata")).hasSize(20);
  }

  @Test
  void metadataOverFourKilobytesIsRefused() {
    String userId = createUser(uniqueEmail("large")).path("user_id").asText();
    String big = "x".repeat(4100);

    String message = assertError(api.put("/v1/users/" + userId, "{\"trusted_metadata\":{\"blob\":\"" + big + "\"}}"),
        400, "metadata_too_large");

    assertThat(message).contains("trusted_metadata");
    assertThat(getUser(userId).path("trusted_metadata")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"1e400", "-1e400", "[1, {\"deep\": 1e400}]"})
  void metadataWithANumberBeyondADoubleIsRefusedRatherThanStoredAsAString(String value) {
    String email = uniqueEmail("infinity");

    String message = assertError(api.post("/v1/users", "{\"email\":" + literal(email)
        + ",\"untrusted_metadata\":{\"x\":" + value + "}}"), 400, "invalid_field_type");

    assertThat(message).contains("untrusted_metadata");
    String userId = createUser(email).path("user_id").asText();
    assertError(api.put("/v1/users/" + userId, "{\"trusted_metadata\":{\"x\":" + value + "}}"), 400,
        "invalid_field_type");
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"name\":{\"first_name\":\"a\\ud800b\"}",
      "\"untrusted_metadata\":{\"k\":\"v\\udc00\"}",
      "\"trusted_metadata\":{\"k\":[{\"deep\":\"\\ud800\"}]}"})
  void textWithAnUnpairedSurrogateIsRefusedRatherThanStoredAsAQuestionMark(String field) {
    String email = uniqueEmail("lonesurrogate");

    assertError(api.post("/v1/users", "{\"email\":" + literal(email) + "," + field + "}"), 400,
        "invalid_field_type");

    String userId = createUser(email).path("user_id").asText();
    assertError(api.put("/v1/users/" + userId, "{" + field + "}"), 400, "invalid_field_type");
  }

  @Test
  void textWithPairedSurrogatesIsKeptExactly() {
    String userId = assertOk(api.post("/v1/users", "{\"email\":" + literal(uniqueEmail("emoji"))
        + ",\"name\":{\"first_name\":\"Ada \\ud83d\\ude00\"},\"untrusted_metadata\":{\"m\":\"\\ud83d\\ude00\"}}"))
        .path("user_id").asText();

    JsonNode user = getUser(userId);
    assertThat(user.path("name").path("first_name").asText()).isEqualTo("Ada \uD83D\uDE00");
    assertThat(user.path("untrusted_metadata").path("m").asText()).isEqualTo("\uD83D\uDE00");
  }

  @Test
  void metadataKeepsLargeIntegersAndDecimalsExactly() {
    String userId = assertOk(api.post("/v1/users", "{\"email\":" + literal(uniqueEmail("numbers"))
        + ",\"trusted_metadata\":{\"big\":123456789012345678901234567890,\"pi\":3.14159}}")).path("user_id").asText();

    assertThat(getUser(userId).path("trusted_metadata").toString())
        .isEqualTo("{\"big\":123456789012345678901234567890,\"pi\":3.14159}");
  }

  @Test
  void createWithTooManyMetadataKeysIsRefusedAndCreatesNoUser() {
    Map<String, Object> many = new LinkedHashMap<>();
    for (int i = 0; i < 21; i++) {
      many.put("k" + i, i);
    }
    String email = uniqueEmail("nocreate");

    assertError(api.post("/v1/users", "{\"email\":" + literal(email) + ",\"trusted_metadata\":" + literal(many) + "}"),
        400, "metadata_too_many_keys");

    createUser(email);
  }

  @Test
  void updateWithTheJavaSdkBodyOfUserIdEmptyRolesAndEmptyMetadataChangesNothing() {
    String userId = assertOk(api.post("/v1/users", """
        {"email":%s,"name":{"first_name":"Ada"},"trusted_metadata":{"plan":"pro"},"untrusted_metadata":{"t":1}}"""
        .formatted(literal(uniqueEmail("sdkupd"))))).path("user_id").asText();
    JsonNode before = getUser(userId).deepCopy();

    assertOk(api.put("/v1/users/" + userId, """
        {"user_id":%s,"roles":[],"trusted_metadata":{},"untrusted_metadata":{}}""".formatted(literal(userId))));

    ObjectNode after = getUser(userId).deepCopy();
    ((ObjectNode) before).remove("request_id");
    after.remove("request_id");
    assertThat(after).isEqualTo(before);
    assertThat(after.path("roles").toString()).contains("\"stytch_user\"");
  }

  @Test
  void updateOfAnUnknownUserIsUserNotFound() {
    assertError(api.put("/v1/users/user-test-" + UUID.randomUUID(), "{\"name\":{\"first_name\":\"X\"}}"), 404,
        "user_not_found");
  }

  @Test
  void updateWithAMalformedUserIdIsInvalidUserId() {
    assertError(api.put("/v1/users/not-a-user", "{\"name\":{\"first_name\":\"X\"}}"), 400, "invalid_user_id");
  }

  // --- delete ---

  @Test
  void deleteRemovesTheUserAndASecondDeleteIsNotFound() {
    String userId = createUser(uniqueEmail("delete")).path("user_id").asText();

    JsonNode reply = assertOk(api.delete("/v1/users/" + userId));

    assertThat(reply.path("user_id").asText()).isEqualTo(userId);
    assertError(api.get("/v1/users/" + userId), 404, "user_not_found");
    assertError(api.delete("/v1/users/" + userId), 404, "user_not_found");
  }

  @Test
  void deleteFreesTheEmailForANewUser() {
    String email = uniqueEmail("reuse");
    String first = createUser(email).path("user_id").asText();
    assertOk(api.delete("/v1/users/" + first));

    String second = createUser(email).path("user_id").asText();

    assertThat(second).isNotEqualTo(first);
  }

  @Test
  void deleteRevokesEverySessionOfTheUser() {
    String email = uniqueEmail("sessions");
    String password = "correct horse battery staple 42";
    JsonNode created = assertOk(api.post("/v1/passwords", """
        {"email":%s,"password":%s,"session_duration_minutes":60}""".formatted(literal(email), literal(password))));
    String userId = created.path("user_id").asText();
    List<String> tokens = new ArrayList<>(List.of(created.path("session_token").asText()));
    tokens.add(assertOk(api.post("/v1/passwords/authenticate", """
        {"email":%s,"password":%s,"session_duration_minutes":60}""".formatted(literal(email), literal(password))))
        .path("session_token").asText());
    for (String token : tokens) {
      assertOk(api.post("/v1/sessions/authenticate", "{\"session_token\":" + literal(token) + "}"));
    }

    assertOk(api.delete("/v1/users/" + userId));

    for (String token : tokens) {
      assertError(api.post("/v1/sessions/authenticate", "{\"session_token\":" + literal(token) + "}"), 404,
          "session_not_found");
    }
  }

  @Test
  void deleteWithAMalformedUserIdIsInvalidUserId() {
    assertError(api.delete("/v1/users/not-a-user"), 400, "invalid_user_id");
  }
}
