package dev.latchkey.server.factor;

import static dev.latchkey.server.factor.EmailSignInTest.email;
import static dev.latchkey.server.factor.EmailSignInTest.error;
import static dev.latchkey.server.factor.EmailSignInTest.ok;
import static dev.latchkey.server.factor.EmailSignInTest.q;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.TestServer;
import dev.latchkey.server.testing.TestSmtp;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where mail goes without SMTP (the dev outbox), and what happens when SMTP does not take it. */
class MailDeliveryTest {

  @Test
  void theDevOutboxIsNotServedUnlessEnabled() {
    try (TestServer server = TestServer.start()) {
      ok(server.api().post("/v1/otps/email/login_or_create", "{\"email\":" + q(email("dev")) + "}"));

      error(server.api().get("/v1/dev/outbox"), 404, "route_not_found");
      assertThat(server.server().routes()).doesNotContain("GET /v1/dev/outbox");
    }
  }

  @Test
  void theDevOutboxLogsEachMailWithoutItsLinkOrCode() {
    ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
        org.slf4j.Logger.ROOT_LOGGER_NAME);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs =
        new ch.qos.logback.core.read.ListAppender<>();
    logs.start();
    root.addAppender(logs);
    try (TestServer server = TestServer.start(Map.of("LATCHKEY_DEV_OUTBOX", "true"), Clock.systemUTC())) {
      ApiClient api = server.api();
      String email = email("logged");
      ok(api.post("/v1/otps/email/login_or_create", "{\"email\":" + q(email) + "}"));
      ok(api.post("/v1/magic_links/email/send", "{\"email\":" + q(email) + "}"));
      ok(api.post("/v1/passwords/email/reset/start", "{\"email\":" + q(email) + "}"));
      JsonNode messages = ok(api.get("/v1/dev/outbox?email=" + email)).path("messages");

      List<String> lines = logs.list.stream().map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
          .toList();
      assertThat(lines.stream().filter(l -> l.contains(email))).hasSize(3)
          .allSatisfy(l -> assertThat(l).contains("GET /v1/dev/outbox"));
      for (JsonNode m : messages) {
        String secret = m.path("code").isNull() ? m.path("token").asText() : m.path("code").asText();
        assertThat(secret).isNotEmpty();
        assertThat(lines).noneMatch(l -> l.contains(secret));
      }
    } finally {
      root.detachAppender(logs);
    }
  }

  @Test
  void anEnabledDevOutboxServesLinksAndCodesToTheProjectOnly() {
    try (TestServer server = TestServer.start(Map.of("LATCHKEY_DEV_OUTBOX", "true"), Clock.systemUTC())) {
      ApiClient api = server.api();
      String email = email("dev");
      String methodId = ok(api.post("/v1/otps/email/login_or_create", "{\"email\":" + q(email) + "}"))
          .path("email_id").asText();
      ok(api.post("/v1/magic_links/email/send", "{\"email\":" + q(email) + "}"));

      JsonNode messages = ok(api.get("/v1/dev/outbox?email=" + email)).path("messages");

      assertThat(messages).hasSize(2);
      JsonNode link = messages.get(0);
      assertThat(link.path("subject").asText()).isEqualTo("Your sign-in link");
      assertThat(link.path("link").asText()).startsWith(TestServer.REDIRECT_URL
          + "?stytch_token_type=magic_links&token=").endsWith(link.path("token").asText());
      JsonNode code = messages.get(1);
      assertThat(code.path("code").asText()).matches("[0-9]{6}");
      assertThat(ok(api.get("/v1/dev/outbox?limit=1")).path("messages")).containsExactly(link);
      error(api.get("/v1/dev/outbox?limit=0"), 400, "invalid_field_type");
      ok(api.post("/v1/otps/authenticate", "{\"method_id\":" + q(methodId) + ",\"code\":"
          + q(code.path("code").asText()) + "}"));
      ok(api.post("/v1/magic_links/authenticate", "{\"token\":" + q(link.path("token").asText()) + "}"));
      error(server.anonymous().get("/v1/dev/outbox"), 401, "unauthorized_credentials");
    }
  }

  @Test
  void aMailTheSmtpServerDoesNotTakeIsAClearErrorAndLeavesNoUsableTokenOrCode() throws Exception {
    Map<String, String> env = new HashMap<>();
    try (TestSmtp smtp = TestSmtp.start()) {
      env.putAll(smtp.env());
    }
    try (ServerSocket probe = new ServerSocket(0)) {
      // A port nothing listens on: the SMTP server is down.
      env.put("LATCHKEY_SMTP_PORT", Integer.toString(probe.getLocalPort()));
    }
    try (TestServer server = TestServer.start(env, Clock.systemUTC())) {
      ApiClient api = server.api();
      String email = email("down");

      error(api.post("/v1/magic_links/email/login_or_create", "{\"email\":" + q(email) + "}"), 502,
          "email_delivery_failed");
      error(api.post("/v1/otps/email/send", "{\"email\":" + q(email) + "}"), 502, "email_delivery_failed");
      error(api.post("/v1/passwords/email/reset/start", "{\"email\":" + q(email) + "}"), 502,
          "email_delivery_failed");

      assertThat(rows(server.dataDir(), "email_tokens")).isZero();
      assertThat(rows(server.dataDir(), "otp_codes")).isZero();
    }
  }

  @Test
  void starttlsIsRequiredSoAServerWithoutTrustedTlsGetsNoMail() {
    try (TestSmtp smtp = TestSmtp.start()) {
      Map<String, String> env = new HashMap<>(smtp.env());
      env.put("LATCHKEY_SMTP_TLS", "starttls");
      try (TestServer server = TestServer.start(env, Clock.systemUTC())) {
        error(server.api().post("/v1/otps/email/login_or_create", "{\"email\":" + q(email("tls")) + "}"), 502,
            "email_delivery_failed");

        assertThat(smtp.count()).isZero();
      }
    }
  }

  @Test
  void templatesInTheTemplatesDirectoryReplaceTheBuiltInOnesByName() throws Exception {
    Path templates = java.nio.file.Files.createTempDirectory("latchkey-templates-");
    java.nio.file.Files.writeString(templates.resolve("email_otp.txt"),
        "Subject: Dein Anmeldecode\n\nDein Code: {{code}} (gilt {{expiration_minutes}} Minuten)\n");
    java.nio.file.Files.writeString(templates.resolve("email_otp.html"), "<p>Dein Code: <b>{{code}}</b></p>");
    try (TestSmtp smtp = TestSmtp.start()) {
      Map<String, String> env = new HashMap<>(smtp.env());
      env.put("LATCHKEY_MAIL_TEMPLATES_DIR", templates.toString());
      try (TestServer server = TestServer.start(env, Clock.systemUTC())) {
        String email = email("de");
        ok(server.api().post("/v1/otps/email/login_or_create", "{\"email\":" + q(email) + "}"));
        ok(server.api().post("/v1/magic_links/email/send", "{\"email\":" + q(email) + "}"));

        List<TestSmtp.Mail> mails = smtp.all();
        assertThat(mails.get(0).subject()).isEqualTo("Dein Anmeldecode");
        assertThat(mails.get(0).text()).matches("(?s)Dein Code: [0-9]{6} \\(gilt 2 Minuten\\)\\s*");
        assertThat(mails.get(0).html()).matches("<p>Dein Code: <b>[0-9]{6}</b></p>\\s*");
        // A template that is not in the directory stays built in.
        assertThat(mails.get(1).subject()).isEqualTo("Your sign-in link");
      }
    }
  }

  @Test
  void aTemplateWithoutItsSubjectLineStopsStartUpNamingTheFile() throws Exception {
    Path templates = java.nio.file.Files.createTempDirectory("latchkey-templates-");
    java.nio.file.Files.writeString(templates.resolve("password_reset.txt"), "Reset: {{link}}\n");

    assertThatThrownBy(() -> TestServer.start(Map.of("LATCHKEY_MAIL_TEMPLATES_DIR", templates.toString()),
        Clock.systemUTC())).isInstanceOf(dev.latchkey.server.config.ConfigException.class)
        .hasMessageContaining("password_reset.txt").hasMessageContaining("LATCHKEY_MAIL_TEMPLATES_DIR")
        .hasMessageContaining("Subject: ...");
  }

  /** Rows in a table of the server's real SQLite database. */
  private static int rows(Path dataDir, String table) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("latchkey.db"));
        ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM " + table)) {
      return rs.getInt(1);
    }
  }
}
