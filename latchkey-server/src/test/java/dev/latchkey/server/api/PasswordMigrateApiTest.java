package dev.latchkey.server.api;

import static dev.latchkey.server.api.ApiAssertions.assertError;
import static dev.latchkey.server.api.ApiAssertions.assertOk;
import static dev.latchkey.server.api.ApiAssertions.uniqueEmail;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.ApiClient.Reply;
import dev.latchkey.server.testing.LegacyHashes;
import dev.latchkey.server.testing.TestServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code POST /v1/passwords/migrate} over real HTTP on a real SQLite file: the migration journey (a user of every
 * hash type signs in with the old password, the stored hash read from the database file is then Argon2id, and a
 * second sign-in works on it), existing users, the lockout, and the 400s.
 */
class PasswordMigrateApiTest {
  private static final int LOCKOUT = 4;
  private static TestServer server;
  private static ApiClient api;

  @BeforeAll
  static void startServer() {
    server = TestServer.start(Map.of("LATCHKEY_LOCKOUT_THRESHOLD", String.valueOf(LOCKOUT)), Clock.systemUTC());
    api = server.api();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  static String[] kinds() {
    return LegacyHashes.KINDS;
  }

  private static String password(String kind) {
    return kind.equals("phpass") ? "test12345" : "old \u00e4 password of " + kind;
  }

  private static Reply migrate(String email, Map<String, Object> fields) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("email", email);
    body.putAll(fields);
    return api.post("/v1/passwords/migrate", Wire.write(body));
  }

  private static Reply signIn(String email, String password) {
    return api.post("/v1/passwords/authenticate", Wire.body("email", email, "password", password,
        "session_duration_minutes", 60));
  }

  /** The password row's hash, read from the database file itself. */
  private static String storedHash(String userId) {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + server.dataDir().resolve("latchkey.db"));
        PreparedStatement s = c.prepareStatement("SELECT hash FROM passwords WHERE user_id = ?")) {
      s.setString(1, userId);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void aMigratedUserOfEveryHashTypeSignsInWithTheOldPasswordAndTheHashBecomesArgon2id(String kind) {
    String email = uniqueEmail("migrate-" + kind.replace('_', '-'));
    Map<String, Object> fields = LegacyHashes.of(kind, password(kind));
    JsonNode created = assertOk(migrate(email, fields));
    String userId = created.path("user_id").asText();
    assertThat(created.path("user_created").asBoolean()).isTrue();
    assertThat(storedHash(userId)).startsWith("legacy:" + fields.get("hash_type") + ":");

    JsonNode first = assertOk(signIn(email, password(kind)));

    assertThat(first.path("user_id").asText()).isEqualTo(userId);
    assertThat(first.path("session_token").asText()).hasSize(44);
    String upgraded = storedHash(userId);
    assertThat(upgraded).startsWith("$argon2id$").doesNotContain((String) fields.get("hash"));
    assertThat(first.path("user").path("password").path("password_id").asText())
        .isEqualTo(created.path("user").path("password").path("password_id").asText());
    // A second sign-in, from a device this time, works on the new hash and leaves it as it is.
    Reply device = new ApiClient(server.baseUrl(), server.publicToken, server.publicToken).post(
        "/sdk/v1/passwords/authenticate", Wire.body("email", email, "password", password(kind),
            "session_duration_minutes", 30));
    assertThat(device.status()).as(device.text()).isEqualTo(200);
    assertThat(device.json().path("data").path("user_id").asText()).isEqualTo(userId);
    assertThat(storedHash(userId)).isEqualTo(upgraded);
    assertError(signIn(email, "not the " + password(kind)), 401, "unauthorized_credentials");
  }

  @Test
  void theReplyHasStytchsShape() {
    String email = uniqueEmail("migrate-shape");
    JsonNode body = assertOk(migrate(email, Map.of("hash_type", "md_5", "hash",
        LegacyHashes.of("md_5", "pw").get("hash"), "md_5_config", Map.of("prepend_salt", "pre-", "append_salt",
            "-post"), "name", Map.of("first_name", "Ada"), "trusted_metadata", Map.of("plan", "gold"),
        "set_email_verified", true, "external_id", "legacy-" + email.hashCode(), "roles", List.of("stytch_user"))));

    assertThat(body.path("status_code").asInt()).isEqualTo(200);
    assertThat(body.path("request_id").asText()).isNotEmpty();
    assertThat(body.path("user_id").asText()).startsWith("user-test-");
    assertThat(body.path("email_id").asText()).startsWith("email-test-");
    JsonNode user = body.path("user");
    assertThat(user.path("user_id").asText()).isEqualTo(body.path("user_id").asText());
    assertThat(user.path("emails").get(0).path("email_id").asText()).isEqualTo(body.path("email_id").asText());
    assertThat(user.path("emails").get(0).path("verified").asBoolean()).isTrue();
    assertThat(user.path("name").path("first_name").asText()).isEqualTo("Ada");
    assertThat(user.path("trusted_metadata").path("plan").asText()).isEqualTo("gold");
    assertThat(user.path("external_id").asText()).isEqualTo("legacy-" + email.hashCode());
    assertThat(user.path("password").path("password_id").asText()).startsWith("password-test-");
    assertThat(body.toString()).doesNotContain((String) LegacyHashes.of("md_5", "pw").get("hash"));
  }

  @Test
  void anExistingUserGetsTheHashAttachedAndItsSessionsEnd() {
    String email = uniqueEmail("migrate-existing");
    Reply signUp = Wire.signUp(api, email, 60);
    String userId = signUp.text("user_id");
    String token = signUp.text("session_token");

    JsonNode body = assertOk(migrate(email, LegacyHashes.of("bcrypt", "from the old system")));

    assertThat(body.path("user_created").asBoolean()).isFalse();
    assertThat(body.path("user_id").asText()).isEqualTo(userId);
    assertThat(body.path("email_id").asText()).isEqualTo(signUp.text("email_id"));
    assertThat(storedHash(userId)).startsWith("legacy:bcrypt:");
    assertError(api.post("/v1/sessions/authenticate", Wire.body("session_token", token)), 404, "session_not_found");
    assertError(signIn(email, Wire.PASSWORD), 401, "unauthorized_credentials");
    assertOk(signIn(email, "from the old system"));
  }

  @Test
  void preserveExistingSessionsKeepsThem() {
    String email = uniqueEmail("migrate-preserve");
    Reply signUp = Wire.signUp(api, email, 60);

    assertOk(migrate(email, Map.of("hash_type", "sha_512", "hash", LegacyHashes.of("sha_512", "x").get("hash"),
        "preserve_existing_sessions", true)));

    assertOk(api.post("/v1/sessions/authenticate", Wire.body("session_token", signUp.text("session_token"))));
  }

  @Test
  void wrongPasswordsAgainstALegacyHashCountTowardTheLockoutAndLeaveTheHash() {
    String email = uniqueEmail("migrate-lockout");
    Map<String, Object> fields = LegacyHashes.of("sha_1", "the right one");
    String userId = assertOk(migrate(email, fields)).path("user_id").asText();

    for (int i = 0; i < LOCKOUT; i++) {
      assertError(signIn(email, "wrong " + i), 401, "unauthorized_credentials");
    }

    assertError(signIn(email, "the right one"), 429, "too_many_requests");
    assertThat(storedHash(userId)).startsWith("legacy:sha_1:");
  }

  @Test
  void unusableRequestsAreClear400sAndCreateNothing() {
    String email = uniqueEmail("migrate-bad");
    assertError(migrate(email, Map.of("hash_type", "rot13", "hash", "x")), 400, "invalid_hash_type");
    assertError(migrate(email, Map.of("hash_type", "pbkdf_2", "hash", "tfrk2NO4AkBsmLpQpZQvl/0kNf7Rg3ev8ao2VqnP4J0=",
        "pbkdf_2_config", Map.of("iteration_amount", 1000, "key_length", 32))), 400, "invalid_pbkdf_2_salt");
    assertError(migrate(email, Map.of("hash_type", "bcrypt", "hash", "$2b$10$nope")), 400, "invalid_bcrypt_hash");
    assertError(migrate(email, Map.of("hash_type", "md_5", "hash", "a".repeat(32), "roles", List.of("admin"))),
        400, "invalid_rbac_role_id");
    assertError(migrate(email, Map.of("hash_type", "md_5", "hash", "a".repeat(32), "phone_number", "+15555550100")),
        400, "phone_numbers_not_supported");
    assertError(migrate(email, Map.of("hash_type", "md_5", "hash", 12)), 400, "invalid_field_type");
    assertError(migrate(email, Map.of("hash_type", "scrypt", "hash", "abc", "scrypt_config", Map.of("n_parameter",
        "16384"))), 400, "invalid_field_type");
    assertError(migrate("not an email", Map.of("hash_type", "md_5", "hash", "a".repeat(32))), 400, "invalid_email");
    assertError(api.post("/v1/passwords/migrate", "{\"email\":"), 400, "malformed_json");
    assertError(api.post("/v1/passwords/migrate", "{}"), 400, "missing_required_field");
    assertError(server.anonymous().post("/v1/passwords/migrate", "{}"), 401, "unauthorized_credentials");

    assertError(signIn(email, "anything"), 401, "unauthorized_credentials");
  }

  @Test
  void aTakenExternalIdIsRefusedAndCreatesNoUser() {
    String external = "ext-migrate-" + System.nanoTime();
    assertOk(migrate(uniqueEmail("migrate-ext1"), Map.of("hash_type", "md_5", "hash", "a".repeat(32),
        "external_id", external)));
    String second = uniqueEmail("migrate-ext2");

    assertError(migrate(second, Map.of("hash_type", "md_5", "hash", "a".repeat(32), "external_id", external)), 400,
        "duplicate_user_external_id");
  }
}
