package dev.latchkey.server;

import dev.latchkey.server.store.jdbc.JdbcStores;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.server.store.KeyRecord;
import dev.latchkey.server.store.Stores;
import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.NodeProcess;
import dev.latchkey.server.testing.TestPostgres;
import dev.latchkey.server.testing.TestServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code latchkey migrate} moves a SQLite deployment to PostgreSQL without losing anything: every row arrives, and
 * a node on PostgreSQL accepts the sessions, JWTs and passwords that were issued on SQLite.
 */
class MigrateCommandTest {
  private static final String PASSWORD = "correct horse battery staple";
  private static final Pattern JDBC_POSTGRES = Pattern.compile("jdbc:postgresql://([^/]+)/([^?]+)\\?user=([^&]+)"
      + "&password=(.+)");

  @TempDir
  Path tmp;

  @Test
  void aSqliteDeploymentMovesToPostgresqlWithEverySessionKeyAndPasswordStillWorking() throws Exception {
    // A SQLite deployment with users, passwords, sessions and a rotated key.
    List<ApiClient.Reply> signUps = new ArrayList<>();
    Map<String, String> env;
    Path sqlite;
    Map<String, String> sessionIdByToken = new HashMap<>();
    List<String> sourceKids;
    try (TestServer server = TestServer.start()) {
      env = new HashMap<>(server.environment());
      sqlite = server.dataDir().resolve("latchkey.db");
      ApiClient api = server.api();
      for (int i = 0; i < 3; i++) {
        signUps.add(ok(api.post("/v1/passwords", "{\"email\":\"migrate-" + i + "@example.com\",\"password\":\""
            + PASSWORD + "\",\"session_duration_minutes\":60,\"session_custom_claims\":{\"n\":" + i + "}}")));
      }
      ok(api.post("/v1/users", "{\"email\":\"migrate-plain@example.com\",\"external_id\":\"ext-1\","
          + "\"name\":{\"first_name\":\"Émilie\"},\"trusted_metadata\":{\"plan\":{\"tier\":2}}}"));
      signUps.add(ok(api.post("/v1/passwords/authenticate", "{\"email\":\"migrate-0@example.com\",\"password\":\""
          + PASSWORD + "\",\"session_duration_minutes\":30}")));
      for (ApiClient.Reply r : signUps) {
        sessionIdByToken.put(r.text("session_token"), r.json().path("session").path("session_id").asText());
      }
      server.stop();
      NodeProcess.Finished rotate = NodeProcess.run(tmp.resolve("rotate"), env, "keys", "rotate");
      assertThat(rotate.exitCode()).as(rotate.stderr()).isZero();
    }
    try (Stores stores = JdbcStores.open("jdbc:sqlite:" + sqlite, Duration.ofSeconds(5))) {
      sourceKids = stores.keys().all().stream().map(KeyRecord::kid).sorted().toList();
    }
    assertThat(sourceKids).hasSize(2);

    try (TestPostgres.Database target = TestPostgres.createDatabase()) {
      Matcher m = JDBC_POSTGRES.matcher(target.url());
      assertThat(m.matches()).as(target.url()).isTrue();
      String postgresUrl = "postgresql://" + m.group(3) + ":" + m.group(4) + "@" + m.group(1) + "/" + m.group(2);

      NodeProcess.Finished migrated = NodeProcess.run(tmp.resolve("migrate"), env, "migrate", "--from",
          sqlite.toString(), "--to", postgresUrl);

      assertThat(migrated.exitCode()).as(migrated.stderr()).isZero();
      assertThat(migrated.stderr()).contains("100%").doesNotContain(m.group(4));
      assertThat(migrated.stdout()).startsWith("Copied ").contains("users: 4").contains("sessions: 4")
          .contains("signing_keys: 2").doesNotContain(m.group(4));
      Map<String, Long> sourceCounts = counts("jdbc:sqlite:" + sqlite);
      assertThat(counts(target.url())).isEqualTo(sourceCounts);
      assertThat(sourceCounts).containsEntry("project", 1L).containsEntry("users", 4L).containsEntry("emails", 4L)
          .containsEntry("passwords", 3L).containsEntry("sessions", 4L).containsEntry("signing_keys", 2L);
      try (Stores from = JdbcStores.open("jdbc:sqlite:" + sqlite, Duration.ofSeconds(5));
          Stores to = JdbcStores.open(target.url(), Duration.ofSeconds(5), 2)) {
        assertThat(to.project().get()).isEqualTo(from.project().get());
        assertThat(to.keys().all()).isEqualTo(from.keys().all());
        for (ApiClient.Reply r : signUps) {
          assertThat(to.users().find(r.text("user_id"))).isEqualTo(from.users().find(r.text("user_id")));
          String sessionId = r.json().path("session").path("session_id").asText();
          assertThat(to.sessions().findById(sessionId)).isPresent().isEqualTo(from.sessions().findById(sessionId));
        }
        assertThat(to.users().findByEmail("migrate-plain@example.com"))
            .isEqualTo(from.users().findByEmail("migrate-plain@example.com"));
      }

      // Running it again is refused (the target is no longer empty) unless told to replace the copy.
      NodeProcess.Finished again = NodeProcess.run(tmp.resolve("migrate"), env, "migrate", "--from",
          sqlite.toString(), "--to", postgresUrl);
      assertThat(again.exitCode()).isEqualTo(2);
      assertThat(again.stderr()).contains("The target already holds rows in project: point --to at an empty "
          + "database, or add --replace to delete its contents first");
      NodeProcess.Finished replaced = NodeProcess.run(tmp.resolve("migrate"), env, "migrate", "--from",
          sqlite.toString(), "--to", postgresUrl, "--replace");
      assertThat(replaced.exitCode()).as(replaced.stderr()).isZero();
      assertThat(counts(target.url())).isEqualTo(sourceCounts);

      // A node on PostgreSQL honours what was issued on SQLite: tokens, JWTs (both keys) and passwords.
      Map<String, String> onPostgres = new HashMap<>(env);
      onPostgres.put("LATCHKEY_DATABASE_URL", postgresUrl);
      try (NodeProcess node = NodeProcess.start(tmp.resolve("node"), onPostgres)) {
        ApiClient api = new ApiClient(node.url(), env.get("LATCHKEY_PROJECT_ID"), env.get("LATCHKEY_SECRET"));
        for (ApiClient.Reply r : signUps) {
          ApiClient.Reply byToken = ok(api.post("/v1/sessions/authenticate",
              "{\"session_token\":\"" + r.text("session_token") + "\"}"));
          assertThat(byToken.json().path("session").path("session_id").asText())
              .isEqualTo(sessionIdByToken.get(r.text("session_token")));
          ok(api.post("/v1/sessions/authenticate", "{\"session_jwt\":\"" + r.text("session_jwt") + "\"}"));
        }
        ok(api.post("/v1/passwords/authenticate", "{\"email\":\"migrate-1@example.com\",\"password\":\""
            + PASSWORD + "\"}"));
        List<String> kids = new ArrayList<>();
        for (JsonNode key : api.get("/v1/sessions/jwks/" + env.get("LATCHKEY_PROJECT_ID")).json().path("keys")) {
          kids.add(key.path("kid").asText());
        }
        assertThat(kids).containsExactlyInAnyOrderElementsOf(sourceKids);
      }
    }
  }

  @Test
  void aMissingSourceFileIsRefusedWithExitCodeTwoAndNothingIsCreated() {
    Path missing = tmp.resolve("nowhere/latchkey.db");

    NodeProcess.Finished run = NodeProcess.run(tmp.resolve("migrate"), Map.of(), "migrate", "--from",
        missing.toString(), "--to", "postgresql://latchkey:s3cr3t-pw@127.0.0.1:1/latchkey");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.stderr()).contains("latchkey: --from " + missing + ": there is no such SQLite file");
    assertThat(missing.getParent()).doesNotExist();
  }

  @Test
  void aTargetThatIsNotADatabaseUrlIsRefusedWithoutEchoingItsPassword() {
    NodeProcess.Finished run = NodeProcess.run(tmp.resolve("migrate"), Map.of(), "migrate", "--from",
        tmp.resolve("latchkey.db").toString(), "--to", "mysql://latchkey:s3cr3t-pw@db/latchkey");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.stderr()).contains("latchkey: --to mysql://latchkey:<redacted>@db/latchkey is not a database "
        + "URL").doesNotContain("s3cr3t-pw");
  }

  private static ApiClient.Reply ok(ApiClient.Reply reply) {
    assertThat(reply.status()).as(reply.text()).isEqualTo(200);
    return reply;
  }

  /** Rows per Latchkey table, found in the schema (so tables added later are counted too). */
  private static Map<String, Long> counts(String jdbcUrl) throws SQLException {
    Map<String, Long> counts = new TreeMap<>();
    try (Connection c = DriverManager.getConnection(jdbcUrl)) {
      List<String> tables = new ArrayList<>();
      try (ResultSet rs = c.getMetaData().getTables(c.getCatalog(), c.getSchema(), "%", new String[] {"TABLE"})) {
        while (rs.next()) {
          String name = rs.getString("TABLE_NAME").toLowerCase(java.util.Locale.ROOT);
          if (!name.equals("flyway_schema_history") && !name.startsWith("sqlite_")) {
            tables.add(name);
          }
        }
      }
      for (String table : tables) {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + table)) {
          rs.next();
          counts.put(table, rs.getLong(1));
        }
      }
    }
    return counts;
  }
}
