package dev.latchkey.server.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.ApiClient.Reply;
import dev.latchkey.server.testing.MutableClock;
import dev.latchkey.server.testing.SoftwareAuthenticator;
import dev.latchkey.server.testing.TestServer;
import dev.latchkey.server.testing.TestSmtp;
import dev.latchkey.server.testing.TotpCodes;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sqlite.core.CoreStatement;

/**
 * {@link StatementCache} keeps SQLite statements with the values their last use bound (clearing them cost a fifth of
 * the hot path's throughput). That is safe only while the stores bind what they write to the database anyway: ids,
 * hashes and sealed values, never a raw session token, JWT, password, link token, code or TOTP secret. This test
 * signs a user in every way Latchkey offers (passkeys included), collecting every secret the API hands out or accepts, then reads the
 * values bound to every statement the cache keeps (xerial keeps them in {@code CoreStatement.batch}) and finds none.
 */
class CachedStatementSecretsTest {
  private static final String PASSWORD = "correct horse battery staple 2604";
  private static final MutableClock CLOCK = new MutableClock();
  private static final String PASSKEY_ORIGIN = "https://app.example.com";
  private static TestSmtp smtp;
  private static TestServer server;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    smtp = TestSmtp.start();
    Map<String, String> env = new HashMap<>(smtp.env());
    // Production set-up: TOTP secrets and signing keys sealed at rest.
    env.put("LATCHKEY_KEY_ENCRYPTION_KEY", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
    env.put("LATCHKEY_WEBAUTHN_ORIGINS", PASSKEY_ORIGIN);
    server = TestServer.start(env, CLOCK);
    api = server.api();
  }

  @AfterAll
  static void stop() {
    server.close();
    smtp.close();
  }

  @Test
  void noStatementKeptByTheCacheHoldsASecretOfAnySignIn() throws Exception {
    List<String> secrets = new ArrayList<>();
    String email = "cache-" + System.nanoTime() + "@example.com";
    secrets.add(PASSWORD);

    JsonNode created = ok(api.post("/v1/passwords", "{\"email\":" + q(email) + ",\"password\":" + q(PASSWORD)
        + ",\"session_duration_minutes\":60}"));
    String userId = created.path("user_id").asText();
    collectSession(created, secrets);
    collectSession(ok(api.post("/v1/passwords/authenticate", "{\"email\":" + q(email) + ",\"password\":"
        + q(PASSWORD) + ",\"session_duration_minutes\":60}")), secrets);
    String token = created.path("session_token").asText();
    collectSession(ok(api.post("/v1/sessions/authenticate", "{\"session_token\":" + q(token)
        + ",\"session_duration_minutes\":60}")), secrets);

    ok(api.post("/v1/magic_links/email/login_or_create", "{\"email\":" + q(email) + "}"));
    String linkToken = smtp.link(email)[1];
    secrets.add(linkToken);
    collectSession(ok(api.post("/v1/magic_links/authenticate", "{\"token\":" + q(linkToken)
        + ",\"session_token\":" + q(token) + "}")), secrets);

    JsonNode sent = ok(api.post("/v1/otps/email/login_or_create", "{\"email\":" + q(email) + "}"));
    String code = smtp.code(email);
    secrets.add(code);
    collectSession(ok(api.post("/v1/otps/authenticate", "{\"method_id\":" + q(sent.path("email_id").asText())
        + ",\"code\":" + q(code) + ",\"session_duration_minutes\":60}")), secrets);

    JsonNode totp = ok(api.post("/v1/totps", "{\"user_id\":" + q(userId) + "}"));
    String totpSecret = totp.path("secret").asText();
    secrets.add(totpSecret);
    totp.path("recovery_codes").forEach(c -> secrets.add(c.asText()));
    CLOCK.advance(Duration.ofSeconds(30));
    String totpCode = TotpCodes.at(totpSecret, CLOCK.instant());
    secrets.add(totpCode);
    collectSession(ok(api.post("/v1/totps/authenticate", "{\"user_id\":" + q(userId) + ",\"totp_code\":"
        + q(totpCode) + ",\"session_token\":" + q(token) + "}")), secrets);
    String recoveryCode = totp.path("recovery_codes").get(0).asText();
    collectSession(ok(api.post("/v1/totps/recover", "{\"user_id\":" + q(userId) + ",\"recovery_code\":"
        + q(recoveryCode) + ",\"session_duration_minutes\":60}")), secrets);

    // Passkeys: only the challenge's hash is stored, never the challenge; the assertion is never stored at all.
    SoftwareAuthenticator passkey = SoftwareAuthenticator.passkey();
    String creation = ok(api.post("/v1/webauthn/register/start", "{\"user_id\":" + q(userId) + ",\"domain\":"
        + "\"app.example.com\",\"use_base64_url_encoding\":true}")).path("public_key_credential_creation_options")
        .asText();
    secrets.add(new ObjectMapper().readTree(creation).path("challenge").asText());
    collectSession(ok(api.post("/v1/webauthn/register", "{\"user_id\":" + q(userId) + ",\"public_key_credential\":"
        + q(passkey.register(creation, PASSKEY_ORIGIN)) + ",\"session_token\":" + q(token) + "}")), secrets);
    String request = ok(api.post("/v1/webauthn/authenticate/start", "{\"domain\":\"app.example.com\","
        + "\"use_base64_url_encoding\":true}")).path("public_key_credential_request_options").asText();
    secrets.add(new ObjectMapper().readTree(request).path("challenge").asText());
    String assertion = passkey.authenticate(request, PASSKEY_ORIGIN);
    secrets.add(new ObjectMapper().readTree(assertion).path("response").path("signature").asText());
    collectSession(ok(api.post("/v1/webauthn/authenticate", "{\"public_key_credential\":" + q(assertion)
        + ",\"session_duration_minutes\":60}")), secrets);

    ok(api.post("/v1/sessions/revoke", "{\"session_token\":" + q(token) + "}"));
    ok(api.post("/v1/passwords/email/reset/start", "{\"email\":" + q(email) + "}"));
    String resetToken = smtp.link(email)[1];
    secrets.add(resetToken);
    String newPassword = PASSWORD + " again";
    secrets.add(newPassword);
    collectSession(ok(api.post("/v1/passwords/email/reset", "{\"token\":" + q(resetToken) + ",\"password\":"
        + q(newPassword) + ",\"session_duration_minutes\":60}")), secrets);
    assertThat(secrets).allSatisfy(s -> assertThat(s).isNotBlank());

    StatementCache cache = ((JdbcStores) server.server().stores()).jdbc().statements();
    List<Object> bound = boundValues(cache.kept());
    // The inspection sees real bound values: the user's id is bound by most of the statements above.
    assertThat(bound).as("values bound to kept statements").contains(userId);
    for (Object value : bound) {
      String text = value instanceof byte[] b ? new String(b, StandardCharsets.ISO_8859_1) : String.valueOf(value);
      for (String secret : secrets) {
        assertThat(text).as("a value bound to a kept statement").doesNotContain(secret);
      }
    }
  }

  private static void collectSession(JsonNode reply, List<String> secrets) {
    secrets.add(reply.path("session_token").asText());
    secrets.add(reply.path("session_jwt").asText());
  }

  private static List<Object> boundValues(List<PreparedStatement> statements) throws Exception {
    Field batch = CoreStatement.class.getDeclaredField("batch");
    batch.setAccessible(true);
    List<Object> values = new ArrayList<>();
    for (PreparedStatement s : statements) {
      Object[] b = (Object[]) batch.get(s.unwrap(CoreStatement.class));
      if (b != null) {
        Arrays.stream(b).filter(Objects::nonNull).forEach(values::add);
      }
    }
    return values;
  }

  private static String q(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static JsonNode ok(Reply r) {
    assertThat(r.status()).as("status of %s", r.text()).isEqualTo(200);
    return r.json();
  }
}
