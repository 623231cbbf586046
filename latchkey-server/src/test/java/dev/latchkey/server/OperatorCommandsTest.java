package dev.latchkey.server;

import static dev.latchkey.server.testing.Wire.body;
import static dev.latchkey.server.testing.Wire.ok;
import static dev.latchkey.server.testing.Wire.refused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.server.config.ConfigException;
import dev.latchkey.server.config.Settings;
import dev.latchkey.server.error.ApiException;
import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.LegacyHashes;
import dev.latchkey.server.testing.TestPostgres;
import dev.latchkey.server.testing.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's commands ({@code users}, {@code sessions}, {@code export}) against the database of a real server
 * while it runs: what they print, and that what they change is what the API then answers.
 */
class OperatorCommandsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PASSWORD = "correct horse battery staple";

  @TempDir
  Path tmp;

  /** What a command printed on its standard output. */
  private static final class Out {
    final StringWriter text = new StringWriter();
    final PrintWriter writer = new PrintWriter(text);

    @Override
    public String toString() {
      writer.flush();
      return text.toString();
    }
  }

  private static JsonNode signUp(ApiClient api, String email) {
    return ok(api.post("/v1/passwords", body("email", email, "password", PASSWORD, "session_duration_minutes", 60)));
  }

  private static String unique(String local) {
    return local + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
  }

  @Test
  void usersListPagesOldestFirstAndEndsWithTheCommandForTheNextPage() throws Exception {
    try (TestServer server = TestServer.start()) {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        ids.add(signUp(server.api(), unique("list-" + i)).path("user_id").asText());
      }
      Settings settings = Settings.load(server.environment());

      Out first = new Out();
      assertThat(UsersCommand.list(settings, 2, null, false, first.writer)).isZero();
      Out second = new Out();
      UsersCommand.list(settings, 2, ids.get(1), false, second.writer);
      Out json = new Out();
      UsersCommand.list(settings, 10, null, true, json.writer);

      assertThat(first.toString()).contains(ids.get(0)).contains(ids.get(1)).doesNotContain(ids.get(2))
          .contains("2 of 3 users; next page: latchkey users list --limit 2 --after " + ids.get(1));
      assertThat(second.toString()).contains(ids.get(2)).doesNotContain(ids.get(0)).contains("1 of ")
          .doesNotContain("next page");
      List<String> lines = json.toString().lines().toList();
      assertThat(lines).hasSize(3);
      assertThat(JSON.readTree(lines.get(0)).path("user_id").asText()).isEqualTo(ids.get(0));
      assertThat(JSON.readTree(lines.get(0)).path("password").has("password_id")).isTrue();
      assertThat(json.toString()).doesNotContain("$argon2id$");
      assertThatThrownBy(() -> UsersCommand.list(settings, 0, null, false, new Out().writer))
          .isInstanceOf(ConfigException.class).hasMessageContaining("--limit");
    }
  }

  @Test
  void usersFindTakesAnEmailAUserIdOrAnExternalIdAndSaysWhenNobodyMatches() {
    try (TestServer server = TestServer.start()) {
      String email = unique("Find");
      String userId = signUp(server.api(), email.toLowerCase()).path("user_id").asText();
      ok(server.api().put("/v1/users/" + userId, body("external_id", "crm-" + userId.substring(5, 13))));
      Settings settings = Settings.load(server.environment());

      try (OperatorDatabase db = OperatorDatabase.open(settings)) {
        assertThat(UsersCommand.find(db, " " + email.toUpperCase() + " ").userId()).isEqualTo(userId);
        assertThat(UsersCommand.find(db, userId).userId()).isEqualTo(userId);
        assertThat(UsersCommand.find(db, "crm-" + userId.substring(5, 13)).userId()).isEqualTo(userId);
        assertThat(UsersCommand.pretty(UsersCommand.find(db, userId))).contains("\"user_id\" : \"" + userId + "\"");
        assertThatThrownBy(() -> UsersCommand.find(db, "nobody@example.com")).isInstanceOf(ApiException.class)
            .hasMessageContaining("nobody@example.com");
        assertThatThrownBy(() -> UsersCommand.find(db, "user-test-" + UUID.randomUUID()))
            .isInstanceOf(ApiException.class);
      }
    }
  }

  @Test
  void usersDeleteAsksFirstThenDeletesTheUserAndItsSessionsWhichTheApiRefusesAtOnce() {
    try (TestServer server = TestServer.start()) {
      String email = unique("delete");
      JsonNode signedUp = signUp(server.api(), email);
      String userId = signedUp.path("user_id").asText();
      String token = signedUp.path("session_token").asText();
      Settings settings = Settings.load(server.environment());

      Out declined = new Out();
      assertThat(UsersCommand.delete(settings, email, () -> false, declined.writer)).isEqualTo(1);
      assertThat(declined.toString()).contains(userId).contains("1 live session").contains("Nothing was deleted");
      ok(server.api().get("/v1/users/" + userId));

      Out confirmed = new Out();
      assertThat(UsersCommand.delete(settings, userId, () -> true, confirmed.writer)).isZero();

      assertThat(confirmed.toString()).contains("Deleted user " + userId + " and revoked its 1 live session.");
      refused(server.api().get("/v1/users/" + userId), 404, "user_not_found");
      refused(server.api().post("/v1/sessions/authenticate", body("session_token", token)), 404,
          "session_not_found");
    }
  }

  @Test
  void sessionsListShowsEachSessionsDeviceAndRevokeEndsOneOrAllOfThem() {
    try (TestServer server = TestServer.start()) {
      String email = unique("sessions");
      signUp(server.api(), email);
      List<String> tokens = new ArrayList<>();
      List<String> sessionIds = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        JsonNode s = ok(server.api().post("/v1/passwords/authenticate", body("email", email, "password", PASSWORD,
            "session_duration_minutes", 60)));
        tokens.add(s.path("session_token").asText());
        sessionIds.add(s.path("session").path("session_id").asText());
      }
      Settings settings = Settings.load(server.environment());

      Out list = new Out();
      SessionsCommand.list(settings, email, list.writer);
      assertThat(list.toString()).contains(sessionIds.get(0)).contains(sessionIds.get(2)).contains("password")
          .contains("4 live sessions of user ");
      for (String token : tokens) {
        assertThat(list.toString()).doesNotContain(token);
      }

      Out one = new Out();
      SessionsCommand.revoke(settings, sessionIds.get(0), null, false, one.writer);
      assertThat(one.toString()).contains("Revoked session " + sessionIds.get(0));
      refused(server.api().post("/v1/sessions/authenticate", body("session_token", tokens.get(0))), 404,
          "session_not_found");
      ok(server.api().post("/v1/sessions/authenticate", body("session_token", tokens.get(1))));
      assertThatThrownBy(() -> SessionsCommand.revoke(settings, sessionIds.get(0), null, false, new Out().writer))
          .isInstanceOf(ApiException.class).hasMessageContaining(sessionIds.get(0));

      Out all = new Out();
      SessionsCommand.revoke(settings, null, email, true, all.writer);
      assertThat(all.toString()).contains("Revoked 3 sessions of user ");
      refused(server.api().post("/v1/sessions/authenticate", body("session_token", tokens.get(2))), 404,
          "session_not_found");

      assertThatThrownBy(() -> SessionsCommand.revoke(settings, null, email, false, new Out().writer))
          .isInstanceOf(ConfigException.class);
      assertThatThrownBy(() -> SessionsCommand.revoke(settings, sessionIds.get(1), email, true, new Out().writer))
          .isInstanceOf(ConfigException.class);
      assertThatThrownBy(() -> SessionsCommand.revoke(settings, null, null, false, new Out().writer))
          .isInstanceOf(ConfigException.class);
    }
  }

  @Test
  void anExportImportedIntoAFreshDatabaseSignsEveryoneInWithTheSamePasswordAndKeepsWhoTheyAre() throws Exception {
    Path file = tmp.resolve("users.jsonl");
    Map<String, String> passwords = new LinkedHashMap<>();
    ExportCommand.Summary exported;
    boolean nativeVerified;
    try (TestServer a = TestServer.start()) {
      String native1 = unique("native");
      JsonNode n = signUp(a.api(), native1);
      passwords.put(native1, PASSWORD);
      nativeVerified = ok(a.api().get("/v1/users/" + n.path("user_id").asText())).path("emails").get(0)
          .path("verified").asBoolean();
      ok(a.api().put("/v1/users/" + n.path("user_id").asText(), body("external_id", "crm-" + n.path("user_id")
          .asText().substring(5, 13), "name", Map.of("first_name", "Ada", "last_name", "Lovelace"),
          "trusted_metadata", Map.of("plan", "pro"), "untrusted_metadata", Map.of("theme", "dark"))));
      // Hashes imported and not yet upgraded by a sign-in: exported as they came, with their config.
      for (String kind : LegacyHashes.KINDS) {
        String email = unique("legacy-" + kind.replace('_', '-'));
        String password = kind.equals("phpass") ? "test12345" : "old password " + kind;
        Map<String, Object> migrate = new LinkedHashMap<>(LegacyHashes.of(kind, password));
        migrate.put("email", email);
        ok(a.api().post("/v1/passwords/migrate", JSON.writeValueAsString(migrate)));
        passwords.put(email, password);
      }
      ok(a.api().post("/v1/users", body("email", unique("no-password"))));
      Settings settings = Settings.load(a.environment());

      exported = ExportCommand.run(settings, file, new PrintWriter(new StringWriter()));

      assertThatThrownBy(() -> ExportCommand.run(settings, file, new PrintWriter(new StringWriter())))
          .isInstanceOf(ConfigException.class).hasMessageContaining("exists already");
    }
    assertThat(exported.exported()).isEqualTo(passwords.size());
    assertThat(exported.withoutPassword()).isEqualTo(1);
    assertThat(exported.users()).isEqualTo(passwords.size() + 1);
    assertThat(Files.readAllLines(file)).hasSize(passwords.size());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");

    try (TestServer b = TestServer.start()) {
      Settings settings = Settings.load(b.environment());
      ImportCommand.Summary imported = ImportCommand.run(settings, file, 100, null, new PrintWriter(new StringWriter()));
      assertThat(imported.imported()).isEqualTo(passwords.size());
      assertThat(imported.refused()).isEmpty();

      for (Map.Entry<String, String> p : passwords.entrySet()) {
        ok(b.api().post("/v1/passwords/authenticate", body("email", p.getKey(), "password", p.getValue())));
      }
      String nativeEmail = passwords.keySet().iterator().next();
      JsonNode user = ok(b.api().post("/v1/users/search", body("query", Map.of("operator", "AND", "operands",
          List.of(Map.of("filter_name", "email_address", "filter_value", List.of(nativeEmail)))))))
          .path("results").get(0);
      assertThat(user.path("external_id").asText()).startsWith("crm-");
      assertThat(user.path("name").path("last_name").asText()).isEqualTo("Lovelace");
      assertThat(user.path("trusted_metadata").path("plan").asText()).isEqualTo("pro");
      assertThat(user.path("untrusted_metadata").path("theme").asText()).isEqualTo("dark");
      assertThat(user.path("emails").get(0).path("verified").asBoolean()).isEqualTo(nativeVerified);
    }
  }

  @Test
  void theCommandsWorkOnPostgresqlToo() throws Exception {
    try (TestPostgres.Database pg = TestPostgres.createDatabase(); TestServer server = TestServer.start(
        Map.of("LATCHKEY_DATABASE_URL", pg.url()), Clock.systemUTC())) {
      String email = unique("pg-operator");
      JsonNode signedUp = signUp(server.api(), email);
      Settings settings = Settings.load(server.environment());

      Out list = new Out();
      UsersCommand.list(settings, 10, null, false, list.writer);
      SessionsCommand.revoke(settings, null, email, true, new Out().writer);
      Path file = tmp.resolve("pg.jsonl");
      ExportCommand.Summary exported = ExportCommand.run(settings, file, new PrintWriter(new StringWriter()));

      assertThat(list.toString()).contains(signedUp.path("user_id").asText()).contains(email);
      refused(server.api().post("/v1/sessions/authenticate", body("session_token", signedUp.path("session_token")
          .asText())), 404, "session_not_found");
      assertThat(exported.exported()).isEqualTo(1);
      assertThat(JSON.readTree(Files.readAllLines(file).get(0)).path("hash").asText()).startsWith("$argon2id$");
    }
  }
}
