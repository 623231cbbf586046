package dev.latchkey.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.ApiClient.Reply;
import dev.latchkey.server.testing.NodeProcess;
import dev.latchkey.server.testing.TotpCodes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * After a run of every sign-in method through a real node (its own JVM, SQLite, a key-encryption key set as the
 * deployment guide asks), the database (every table, every column, and the raw bytes of its files, WAL included)
 * and the node's log hold none of the secrets the run saw in clear: session tokens and JWTs, email codes,
 * magic-link and reset tokens, TOTP secrets, recovery codes, passwords (right and wrong), the project secret, the
 * key-encryption key; and no signing key is readable as a private key.
 *
 * <p>Every secret is also searched for in the encodings a careless store might use (hex and base64 of its bytes).
 */
class SecretsAtRestTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path tmp;

  /** Every secret the test saw, by what it is (for the failure message). */
  private final Map<String, String> secrets = new LinkedHashMap<>();
  private ApiClient api;
  private ApiClient device;
  private String publicToken;

  private void saw(String what, String secret) {
    assertThat(secret).as(what).isNotBlank();
    secrets.put(what + " #" + secrets.size(), secret);
  }

  private JsonNode ok(Reply r) {
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    // Backend replies carry the tokens at the top level, /sdk/v1 replies inside "data".
    JsonNode reply = r.json().has("data") ? r.json().path("data") : r.json();
    for (String field : List.of("session_token", "session_jwt")) {
      String value = reply.path(field).asText("");
      if (!value.isEmpty()) {
        saw(field, value);
      }
    }
    return r.json();
  }

  private static String body(Object... namesAndValues) throws Exception {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      map.put((String) namesAndValues[i], namesAndValues[i + 1]);
    }
    return JSON.writeValueAsString(map);
  }

  private JsonNode newestMail(String email) {
    Reply r = api.get("/v1/dev/outbox?email=" + email);
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    return r.json().path("messages").get(0);
  }

  @ParameterizedTest(name = "log format {0}")
  @ValueSource(strings = {"text", "json"})
  void noSecretOfAnySignInMethodIsInTheDatabaseOrTheLogInClear(String logFormat) throws Exception {
    String projectId = "project-test-" + UUID.randomUUID();
    String projectSecret = "secret-test-" + UUID.randomUUID().toString().replace("-", "");
    byte[] kek = new byte[32];
    new java.security.SecureRandom().nextBytes(kek);
    String kekText = Base64.getEncoder().encodeToString(kek);
    saw("project secret", projectSecret);
    saw("key-encryption key", kekText);
    Path data = tmp.resolve("data");
    Map<String, String> env = new HashMap<>();
    env.put("LATCHKEY_PORT", "0");
    env.put("LATCHKEY_BIND", "127.0.0.1");
    env.put("LATCHKEY_DATA_DIR", data.toString());
    env.put("LATCHKEY_PROJECT_ID", projectId);
    env.put("LATCHKEY_SECRET", projectSecret);
    publicToken = "public-token-test-" + UUID.randomUUID();
    env.put("LATCHKEY_PUBLIC_TOKEN", publicToken);
    env.put("LATCHKEY_KEY_ENCRYPTION_KEY", kekText);
    env.put("LATCHKEY_DEV_OUTBOX", "true");
    env.put("LATCHKEY_REDIRECT_URLS", "https://app.example.com/authenticate");
    env.put("LATCHKEY_ARGON2_MEMORY_KIB", "8192");
    env.put("LATCHKEY_ARGON2_ITERATIONS", "1");
    env.put("LATCHKEY_LOG_FORMAT", logFormat);

    String log;
    try (NodeProcess node = NodeProcess.start(tmp.resolve("node"), env)) {
      api = new ApiClient(node.url(), projectId, projectSecret);
      device = new ApiClient(node.url(), publicToken, publicToken);
      signInEveryWay();
      log = node.log();
    }

    if (logFormat.equals("json")) {
      // Every line is one JSON object (the JVM's own warnings aside, which precede the logger), and every request
      // the run made has its line: the search below covers what a log shipper would index.
      List<String> lines = log.lines().filter(l -> !l.startsWith("WARNING: ") && !l.isBlank()).toList();
      com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
      long requests = 0;
      for (String line : lines) {
        JsonNode event = json.readTree(line);
        assertThat(event.isObject()).as("a JSON log line: %s", line).isTrue();
        if ("latchkey.request".equals(event.path("loggerName").asText())) {
          requests++;
          assertThat(event.path("kvpList").toString()).as("a request line names its route, status and request id")
              .contains("\"route\"").contains("\"status\"").contains("\"request_id\"");
        }
      }
      assertThat(requests).as("request lines in the JSON log (one per request of the run)").isGreaterThan(10);
    }

    Map<String, String> dump = dumpSqlite(data.resolve("latchkey.db"));
    assertThat(dump).as("tables dumped").containsKeys("sessions", "users", "passwords", "email_tokens",
        "otp_codes", "totps", "totp_recovery_codes", "signing_keys", "project");
    StringBuilder raw = new StringBuilder();
    try (Stream<Path> files = Files.list(data)) {
      for (Path f : files.toList()) {
        raw.append(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).append('\n');
      }
    }
    Map<String, String> places = new LinkedHashMap<>(dump);
    places.put("the node's log", log);
    places.put("the raw database files", raw.toString());

    List<String> found = new ArrayList<>();
    for (Map.Entry<String, String> secret : secrets.entrySet()) {
      for (String form : forms(secret.getValue())) {
        Pattern whole = Pattern.compile("(?<![A-Za-z0-9])" + Pattern.quote(form) + "(?![A-Za-z0-9])");
        places.forEach((where, text) -> {
          if (form.length() >= 6 && whole.matcher(text).find()) {
            found.add(secret.getKey() + " (as '" + form + "') in " + where);
          }
        });
      }
    }
    assertThat(found).as("secrets seen in clear, out of %d searched for", secrets.size()).isEmpty();
    assertThat(secrets.size()).as("secrets collected from the run").isGreaterThan(25);

    places.forEach((where, text) -> assertThat(text).as(where).doesNotContain("PRIVATE KEY"));
    assertThat(dump.get("signing_keys")).isNotBlank();
    for (String cell : dump.get("signing_keys").split("\t|\n")) {
      assertThat(readsAsPrivateKey(cell)).as("a signing_keys cell reads as a private key: %s", cell).isFalse();
    }
  }

  /**
   * Password, magic link, email code, password reset, TOTP and recovery code, session calls, wrong guesses, and a
   * device signing in through the frontend SDK endpoints.
   */
  private void signInEveryWay() throws Exception {
    String email = "secrets-" + UUID.randomUUID() + "@example.com";
    String password = "first secret passphrase " + UUID.randomUUID();
    saw("password", password);
    JsonNode created = ok(api.post("/v1/passwords", body("email", email, "password", password,
        "session_duration_minutes", 60)));
    String userId = created.path("user_id").asText();
    ok(api.post("/v1/passwords/authenticate", body("email", email, "password", password,
        "session_duration_minutes", 60)));
    String wrong = "wrong guess " + UUID.randomUUID();
    saw("wrong password", wrong);
    assertThat(api.post("/v1/passwords/authenticate", body("email", email, "password", wrong)).status())
        .isEqualTo(401);

    ok(api.post("/v1/magic_links/email/login_or_create", body("email", email)));
    JsonNode link = newestMail(email);
    saw("magic-link token", link.path("token").asText());
    ok(api.post("/v1/magic_links/authenticate", body("token", link.path("token").asText(),
        "session_duration_minutes", 60)));

    String methodId = ok(api.post("/v1/otps/email/login_or_create", body("email", email))).path("email_id").asText();
    String code = newestMail(email).path("code").asText();
    saw("email code", code);
    ok(api.post("/v1/otps/authenticate", body("method_id", methodId, "code", code, "session_duration_minutes", 60)));

    ok(api.post("/v1/passwords/email/reset/start", body("email", email)));
    String resetToken = newestMail(email).path("token").asText();
    saw("reset token", resetToken);
    String newPassword = "second secret passphrase " + UUID.randomUUID();
    saw("new password", newPassword);
    ok(api.post("/v1/passwords/email/reset", body("token", resetToken, "password", newPassword,
        "session_duration_minutes", 60)));

    JsonNode totp = ok(api.post("/v1/totps", body("user_id", userId)));
    String totpSecret = totp.path("secret").asText();
    saw("TOTP secret", totpSecret);
    totp.path("recovery_codes").forEach(c -> saw("recovery code", c.asText()));
    String totpCode = TotpCodes.at(totpSecret, Instant.now());
    ok(api.post("/v1/totps/authenticate", body("user_id", userId, "totp_code", totpCode,
        "session_duration_minutes", 60)));
    ok(api.post("/v1/totps/recover", body("user_id", userId, "recovery_code",
        totp.path("recovery_codes").get(0).asText(), "session_duration_minutes", 60)));
    ok(api.post("/v1/totps/recovery_codes", body("user_id", userId)));

    // The newest session: a password reset revokes the user's earlier ones.
    String token = secrets.entrySet().stream().filter(e -> e.getKey().startsWith("session_token"))
        .map(Map.Entry::getValue).reduce((first, second) -> second).orElseThrow();
    ok(api.post("/v1/sessions/authenticate", body("session_token", token, "session_duration_minutes", 90)));
    ok(api.post("/v1/sessions/revoke", body("session_token", token)));

    // The frontend SDK endpoints: a device signs in with the new password and refreshes its session.
    String deviceToken = ok(device.post("/sdk/v1/passwords/authenticate", body("email", email, "password",
        newPassword, "session_duration_minutes", 60))).path("data").path("session_token").asText();
    ok(new ApiClient(api.baseUrl(), publicToken, deviceToken)
        .post("/sdk/v1/sessions/authenticate", body("session_duration_minutes", 60)));
  }

  /** The secret as sent, and its bytes in hex and base64 (and a TOTP secret's key bytes likewise). */
  private static List<String> forms(String secret) {
    List<String> forms = new ArrayList<>(List.of(secret));
    byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
    forms.add(HexFormat.of().formatHex(bytes));
    forms.add(Base64.getEncoder().withoutPadding().encodeToString(bytes));
    if (secret.matches("[A-Z2-7]{32}")) {
      byte[] key = TotpCodes.base32(secret);
      forms.add(HexFormat.of().formatHex(key));
      forms.add(Base64.getEncoder().withoutPadding().encodeToString(key));
      forms.add(Base64.getUrlEncoder().withoutPadding().encodeToString(key));
    }
    return forms;
  }

  /** Every table, every row, every column as text (blobs as hex and base64), one string per table. */
  private static Map<String, String> dumpSqlite(Path file) throws Exception {
    Map<String, String> tables = new LinkedHashMap<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement st = c.createStatement()) {
      List<String> names = new ArrayList<>();
      try (ResultSet rs = st.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'")) {
        while (rs.next()) {
          names.add(rs.getString(1));
        }
      }
      for (String name : names) {
        StringBuilder out = new StringBuilder();
        try (ResultSet rs = st.executeQuery("SELECT * FROM \"" + name + "\"")) {
          ResultSetMetaData meta = rs.getMetaData();
          while (rs.next()) {
            for (int i = 1; i <= meta.getColumnCount(); i++) {
              Object v = rs.getObject(i);
              if (v instanceof byte[] b) {
                out.append(HexFormat.of().formatHex(b)).append('\t').append(Base64.getEncoder().encodeToString(b));
              } else {
                out.append(v);
              }
              out.append('\t');
            }
            out.append('\n');
          }
        }
        tables.put(name, out.toString());
      }
    }
    return tables;
  }

  /** Whether a cell, as PEM, base64 or raw text, parses as a PKCS#8 RSA or EC private key. */
  private static boolean readsAsPrivateKey(String cell) {
    String stripped = cell.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    List<byte[]> candidates = new ArrayList<>();
    candidates.add(cell.getBytes(StandardCharsets.ISO_8859_1));
    for (Base64.Decoder d : List.of(Base64.getDecoder(), Base64.getUrlDecoder())) {
      try {
        candidates.add(d.decode(stripped));
      } catch (IllegalArgumentException notBase64) {
        // not this encoding
      }
    }
    for (byte[] der : candidates) {
      for (String algorithm : List.of("RSA", "EC")) {
        try {
          KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
          return true;
        } catch (Exception notAKey) {
          // expected: sealed keys do not parse
        }
      }
    }
    return false;
  }
}
