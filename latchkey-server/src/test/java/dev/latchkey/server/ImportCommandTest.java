package dev.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.server.config.Settings;
import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.LegacyHashes;
import dev.latchkey.server.testing.NodeProcess;
import dev.latchkey.server.testing.TestPostgres;
import dev.latchkey.server.testing.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code latchkey import}: a real SQLite file (and PostgreSQL), users of every hash type signing in with their old
 * passwords afterwards, refused lines reported by number, resuming after a stop and after {@code kill -9}, and a
 * second run that changes nothing.
 */
class ImportCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path tmp;

  /** Line i (from 1) of the test input: a user of kind KINDS[(i-1) % n], password {@link #password}. */
  private static String line(int i, Map<String, Map<String, Object>> hashes) {
    String kind = LegacyHashes.KINDS[(i - 1) % LegacyHashes.KINDS.length];
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("email", "import-" + i + "@example.com");
    body.putAll(hashes.get(kind));
    if (i % 5 == 0) {
      body.put("external_id", "old-system-" + i);
      body.put("name", Map.of("first_name", "User" + i));
    }
    try {
      return JSON.writeValueAsString(body);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String password(String kind) {
    return kind.equals("phpass") ? "test12345" : "old password " + kind;
  }

  private static Map<String, Map<String, Object>> hashes() {
    Map<String, Map<String, Object>> hashes = new HashMap<>();
    for (String kind : LegacyHashes.KINDS) {
      hashes.put(kind, LegacyHashes.of(kind, password(kind)));
    }
    return hashes;
  }

  private Path input(int users, String... extraLines) throws Exception {
    Map<String, Map<String, Object>> hashes = hashes();
    List<String> lines = new ArrayList<>();
    for (int i = 1; i <= users; i++) {
      lines.add(line(i, hashes));
    }
    lines.addAll(List.of(extraLines));
    Path file = Files.createTempFile(tmp, "users-", ".jsonl");
    Files.write(file, lines, StandardCharsets.UTF_8);
    return file;
  }

  private static ImportCommand.Summary run(Settings settings, Path input, int batch, Long maxLines) {
    return ImportCommand.run(settings, input, batch, maxLines, new PrintWriter(new StringWriter()));
  }

  private static long count(String jdbcUrl, String sql) {
    try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void usersOfEveryHashTypeAreImportedIntoSqliteAndSignInWithTheirOldPasswords() throws Exception {
    int users = 2 * LegacyHashes.KINDS.length;
    Path file = input(users,
        "{\"email\":\"bad-salt@example.com\",\"hash_type\":\"pbkdf_2\",\"hash\":\"AAAAAAAAAAAAAAAAAAAAAA==\","
            + "\"pbkdf_2_config\":{\"iteration_amount\":10,\"key_length\":16}}",
        "not json",
        "{\"email\":\"dup-ext@example.com\",\"hash_type\":\"md_5\",\"hash\":\"" + "a".repeat(32)
            + "\",\"external_id\":\"old-system-5\"}",
        "{\"email\":\"import-1@example.com\",\"hash_type\":\"md_5\",\"hash\":\"" + "b".repeat(32) + "\"}");
    try (TestServer server = TestServer.start()) {
      String db = "jdbc:sqlite:" + server.dataDir().resolve("latchkey.db");
      Settings settings = Settings.load(server.environment());
      server.stop();

      ImportCommand.Summary s = run(settings, file, 7, null);

      assertThat(s.imported()).isEqualTo(users);
      assertThat(s.updated()).isEqualTo(1);
      assertThat(s.refused()).containsExactly(
          "line " + (users + 1) + ": invalid_pbkdf_2_salt: pbkdf_2_config.salt is required: the base64 salt.",
          "line " + (users + 2) + ": malformed_json: the line is not valid JSON (column 1)",
          "line " + (users + 3) + ": duplicate_user_external_id: another user already has this external_id");
      assertThat(s.finished()).isTrue();
      assertThat(count(db, "SELECT COUNT(*) FROM users WHERE user_id IN (SELECT user_id FROM emails WHERE email "
          + "LIKE 'import-%')")).isEqualTo(users);
      assertThat(count(db, "SELECT COUNT(*) FROM passwords WHERE hash LIKE 'legacy:%'")).isEqualTo(users);

      server.restart();
      ApiClient api = server.api();
      // Line users+4 gave import-1 another (MD-5) hash: the last line wins, as a migrate call would.
      for (int i = 2; i <= users; i++) {
        String kind = LegacyHashes.KINDS[(i - 1) % LegacyHashes.KINDS.length];
        ApiClient.Reply r = api.post("/v1/passwords/authenticate", "{\"email\":\"import-" + i
            + "@example.com\",\"password\":" + JSON.writeValueAsString(password(kind)) + "}");
        assertThat(r.status()).as("%s (line %d): %s", kind, i, r.text()).isEqualTo(200);
      }
      assertThat(api.get("/v1/users/old-system-5").json().path("user").isMissingNode()).isTrue();
      assertThat(api.get("/v1/users/old-system-5").json().path("name").path("first_name").asText())
          .isEqualTo("User5");
      server.stop();
      assertThat(count(db, "SELECT COUNT(*) FROM passwords WHERE hash LIKE 'legacy:%'")).isEqualTo(1);

      // The same file again: the checkpoint says it is done.
      ImportCommand.Summary again = run(settings, file, 7, null);
      assertThat(again.firstLine()).isGreaterThan(again.lastLine());
      // A changed file (one more line): every user already there is unchanged, the upgraded ones keep Argon2id.
      Path grown = input(users, "{\"email\":\"late@example.com\",\"hash_type\":\"sha_1\",\"hash\":\""
          + "c".repeat(40) + "\"}");
      ImportCommand.Summary third = run(settings, grown, 5, null);
      assertThat(third.imported()).isEqualTo(1);
      assertThat(third.unchanged()).isEqualTo(users - 1);
      assertThat(third.updated()).isEqualTo(1);
      assertThat(third.refused()).isEmpty();
      assertThat(count(db, "SELECT COUNT(*) FROM users")).isEqualTo(users + 1);
      assertThat(count(db, "SELECT COUNT(*) FROM passwords WHERE hash LIKE '$argon2id$%'")).isEqualTo(users - 1);
    }
  }

  @Test
  void anImportStoppedAfterKLinesResumesAtTheNextLineAndWritesNothingTwice() throws Exception {
    Path file = input(100);
    try (TestServer server = TestServer.start()) {
      String db = "jdbc:sqlite:" + server.dataDir().resolve("latchkey.db");
      Settings settings = Settings.load(server.environment());
      server.stop();

      ImportCommand.Summary first = run(settings, file, 10, 35L);
      assertThat(first.finished()).isFalse();
      assertThat(first.lastLine()).isEqualTo(35);
      assertThat(first.imported()).isEqualTo(35);
      assertThat(count(db, "SELECT COUNT(*) FROM users")).isEqualTo(35);
      assertThat(count(db, "SELECT last_line FROM import_checkpoints")).isEqualTo(35);

      ImportCommand.Summary rest = run(settings, file, 10, null);

      assertThat(rest.firstLine()).isEqualTo(36);
      assertThat(rest.imported()).isEqualTo(65);
      assertThat(rest.finished()).isTrue();
      assertThat(count(db, "SELECT COUNT(*) FROM users")).isEqualTo(100);
      assertThat(count(db, "SELECT COUNT(*) FROM emails")).isEqualTo(100);
      assertThat(count(db, "SELECT COUNT(*) FROM passwords")).isEqualTo(100);
    }
  }

  @Test
  void anImportKilledMidwayResumesFromItsLastCommittedBatch() throws Exception {
    int users = 30_000;
    Path file = input(users);
    try (TestServer server = TestServer.start()) {
      String db = "jdbc:sqlite:" + server.dataDir().resolve("latchkey.db");
      Map<String, String> env = server.environment();
      server.stop();
      Process p = NodeProcess.launch(tmp.resolve("import"), env, tmp.resolve("out.txt"), tmp.resolve("err.txt"),
          "import", "--from", file.toString(), "--batch-size", "200");
      Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
      long committed = 0;
      while (committed == 0 && p.isAlive() && Instant.now().isBefore(deadline)) {
        Thread.sleep(20);
        committed = checkpoint(db);
      }
      p.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
      long atKill = checkpoint(db);
      assertThat(atKill).as("a batch was committed before the kill").isPositive();
      // Each committed line is one user, and no user exists past the checkpoint.
      assertThat(count(db, "SELECT COUNT(*) FROM users")).isEqualTo(atKill);

      NodeProcess.Finished resumed = NodeProcess.run(tmp.resolve("import"), env, "import", "--from",
          file.toString(), "--batch-size", "1000");

      assertThat(resumed.exitCode()).as(resumed.stderr()).isZero();
      assertThat(resumed.stdout()).startsWith("Lines " + (atKill + 1) + ".." + users + " of " + users + ": imported "
          + (users - atKill) + ", updated 0, unchanged 0, refused 0.");
      assertThat(resumed.stderr()).contains("100%");
      assertThat(count(db, "SELECT COUNT(*) FROM users")).isEqualTo(users);
      assertThat(count(db, "SELECT COUNT(DISTINCT email) FROM emails")).isEqualTo(users);
    }
  }

  private static long checkpoint(String db) {
    try {
      return count(db, "SELECT COALESCE(MAX(last_line), 0) FROM import_checkpoints");
    } catch (IllegalStateException e) {
      return 0; // the table is being created, or the file locked for a moment
    }
  }

  @Test
  void anImportIntoPostgresqlIsIdempotentToo() throws Exception {
    Path file = input(3 * LegacyHashes.KINDS.length);
    try (TestPostgres.Database pg = TestPostgres.createDatabase(); TestServer server = TestServer.start(
        Map.of("LATCHKEY_DATABASE_URL", pg.url()), Clock.systemUTC())) {
      Settings settings = Settings.load(server.environment());

      ImportCommand.Summary first = run(settings, file, 8, null);
      Path copy = Files.copy(file, tmp.resolve("copy.jsonl"));
      Files.writeString(copy, "\n", java.nio.file.StandardOpenOption.APPEND);
      ImportCommand.Summary second = run(settings, copy, 8, null);

      assertThat(first.imported()).isEqualTo(3 * LegacyHashes.KINDS.length);
      assertThat(second.imported()).isZero();
      assertThat(second.unchanged()).isEqualTo(3 * LegacyHashes.KINDS.length);
      assertThat(second.refused()).containsExactly("line " + (3 * LegacyHashes.KINDS.length + 1)
          + ": missing_required_field: the line is empty");
      assertThat(count(pg.url(), "SELECT COUNT(*) FROM users")).isEqualTo(3 * LegacyHashes.KINDS.length);
      for (String kind : LegacyHashes.KINDS) {
        int i = java.util.Arrays.asList(LegacyHashes.KINDS).indexOf(kind) + 1;
        ApiClient.Reply r = server.api().post("/v1/passwords/authenticate", "{\"email\":\"import-" + i
            + "@example.com\",\"password\":" + JSON.writeValueAsString(password(kind)) + "}");
        assertThat(r.status()).as("%s: %s", kind, r.text()).isEqualTo(200);
      }
    }
  }
}
