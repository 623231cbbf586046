package dev.latchkey.server.api;

import static dev.latchkey.server.testing.Wire.body;
import static dev.latchkey.server.testing.Wire.email;
import static dev.latchkey.server.testing.Wire.ok;
import static dev.latchkey.server.testing.Wire.refused;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.ApiClient.Reply;
import dev.latchkey.server.testing.MutableClock;
import dev.latchkey.server.testing.TestServer;
import dev.latchkey.server.testing.TestSmtp;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 14, part 4: request fields that ask for a check are honoured or refused, never ignored. {@code options}
 * device checks on links and codes (the {@code attributes} of the request that sent them against those of the
 * authenticate request), {@code attributes} recorded on the sessions sign-ins create, and {@code authorization_check}
 * refused. Mail goes through a real SMTP server.
 */
class FailClosedFieldsTest {
  private static final String PASSWORD = "correct horse battery staple 42";
  private static final Map<String, Object> LAPTOP = Map.of("ip_address", "2001:db8::7", "user_agent", "Laptop/1.0");
  private static final Map<String, Object> PHONE = Map.of("ip_address", "198.51.100.20", "user_agent", "Phone/2.0");
  private static final Map<String, Object> BOTH_CHECKS =
      Map.of("ip_match_required", true, "user_agent_match_required", true);
  private static TestSmtp smtp;
  private static TestServer server;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    smtp = TestSmtp.start();
    server = TestServer.start(smtp.env(), new MutableClock());
    api = server.api();
  }

  @AfterAll
  static void stop() {
    server.close();
    smtp.close();
  }

  /** Mails a magic link to a new user from {@code device}; returns the link's token. */
  private static String linkSentFrom(String email, Map<String, Object> device) {
    ok(api.post("/v1/magic_links/email/login_or_create", device == null ? body("email", email)
        : body("email", email, "attributes", device)));
    return smtp.link(email)[1];
  }

  /** Mails a code to a new user from {@code device}; returns the method id. */
  private static String codeSentFrom(String email, Map<String, Object> device) {
    return ok(api.post("/v1/otps/email/login_or_create", body("email", email, "attributes", device)))
        .path("email_id").asText();
  }

  // ------------------------------------------------------------------------- adding an email through send

  @org.junit.jupiter.params.ParameterizedTest(name = "{0} with {1}")
  @org.junit.jupiter.params.provider.CsvSource({
      "/v1/magic_links/email/send, user_id", "/v1/magic_links/email/send, session_token",
      "/v1/magic_links/email/send, session_jwt", "/v1/otps/email/send, user_id", "/v1/otps/email/send, session_token",
      "/v1/otps/email/send, session_jwt"})
  void aSendThatNamesAUserIsHonouredAndLeavesTheAddressPendingForThatUser(String route, String field) {
    JsonNode owner = ok(api.post("/v1/passwords", body("email", email("send-owner"), "password", PASSWORD,
        "session_duration_minutes", 60)));
    String value = switch (field) {
      case "user_id" -> owner.path("user_id").asText();
      case "session_token" -> owner.path("session_token").asText();
      default -> owner.path("session_jwt").asText();
    };
    String added = email("send-add");
    int mailsBefore = smtp.count();

    JsonNode sent = ok(api.post(route, body("email", added, field, value)));

    assertThat(sent.path("user_id").asText()).isEqualTo(owner.path("user_id").asText());
    assertThat(sent.path("email_id").asText()).isNotEmpty();
    assertThat(smtp.count()).as("mails sent").isEqualTo(mailsBefore + 1);
    assertThat(ok(api.get("/v1/users/" + owner.path("user_id").asText())).path("emails").findValuesAsText("email"))
        .as("pending until the link or code is used").doesNotContain(added);
  }

  // ------------------------------------------------------------------------------------ authorization_check

  @Test
  void authorizationCheckOnSessionsAuthenticateIsRefusedNamingItAndTheSessionIsNotExtended() {
    JsonNode grace = ok(api.post("/v1/passwords", body("email", email("grace"), "password", PASSWORD,
        "session_duration_minutes", 60)));
    String token = grace.path("session_token").asText();

    Reply r = api.post("/v1/sessions/authenticate", body("session_token", token, "session_duration_minutes", 600,
        "authorization_check", Map.of("resource_id", "documents", "action", "delete")));

    refused(r, 400, "unsupported_request_field", "authorization_check");
    JsonNode after = ok(api.post("/v1/sessions/authenticate", body("session_token", token)));
    assertThat(after.path("session").path("expires_at").asText())
        .isEqualTo(grace.path("session").path("expires_at").asText());
  }

  @Test
  void authorizationCheckOnTheSdkSessionsAuthenticateIsRefusedNamingIt() {
    JsonNode mei = ok(api.post("/v1/passwords", body("email", email("mei"), "password", PASSWORD,
        "session_duration_minutes", 60)));
    ApiClient device = new ApiClient(server.baseUrl(), server.publicToken, mei.path("session_token").asText());

    Reply r = device.post("/sdk/v1/sessions/authenticate", body("session_duration_minutes", 60,
        "authorization_check", Map.of("resource_id", "documents", "action", "read")));

    refused(r, 400, "unsupported_request_field", "authorization_check");
  }

  /** The field's name written with JSON escapes is the same field: refused too, never skipped as absent. */
  @Test
  void authorizationCheckWithAnEscapedNameIsRefusedToo() {
    JsonNode ana = ok(api.post("/v1/passwords", body("email", email("ana"), "password", PASSWORD,
        "session_duration_minutes", 60)));
    String token = ana.path("session_token").asText();

    for (String name : java.util.List.of("authorization\\u005fcheck", "\\u0061uthorization_check")) {
      Reply r = api.post("/v1/sessions/authenticate", "{\"session_token\":\"" + token + "\",\"" + name
          + "\":{\"resource_id\":\"documents\",\"action\":\"delete\"}}");

      refused(r, 400, "unsupported_request_field", "authorization_check");
    }
  }

  @Test
  void aNullAuthorizationCheckIsTheSameAsNone() {
    JsonNode lin = ok(api.post("/v1/passwords", body("email", email("lin"), "password", PASSWORD,
        "session_duration_minutes", 60)));

    ok(api.post("/v1/sessions/authenticate", "{\"session_token\":\"" + lin.path("session_token").asText()
        + "\",\"authorization_check\":null}"));
  }

  // ---------------------------------------------------------------------------- options: magic links

  @Test
  void aMagicLinkRequiringAMatchSignsInFromTheDeviceThatAskedForIt() {
    String token = linkSentFrom(email("ada"), LAPTOP);

    // The same IPv6 address written out in full, and the same user agent.
    JsonNode in = ok(api.post("/v1/magic_links/authenticate", body("token", token, "session_duration_minutes", 60,
        "options", BOTH_CHECKS, "attributes", Map.of("ip_address", "2001:0DB8:0:0:0:0:0:7",
            "user_agent", "Laptop/1.0"))));

    assertThat(in.path("session").path("attributes").path("ip_address").asText()).isEqualTo("2001:0db8:0:0:0:0:0:7");
    assertThat(in.path("session").path("attributes").path("user_agent").asText()).isEqualTo("Laptop/1.0");
  }

  @Test
  void aMagicLinkRequiringAnIpMatchIsRefusedFromAnotherIpAndStaysUsable() {
    String token = linkSentFrom(email("bea"), LAPTOP);

    refused(api.post("/v1/magic_links/authenticate", body("token", token, "session_duration_minutes", 60,
        "options", Map.of("ip_match_required", true), "attributes", PHONE)), 401, "attribute_mismatch",
        "ip_match_required");

    ok(api.post("/v1/magic_links/authenticate", body("token", token, "options", Map.of("ip_match_required", true),
        "attributes", Map.of("ip_address", "2001:db8::7"))));
  }

  @Test
  void aMagicLinkRequiringAUserAgentMatchIsRefusedFromAnotherUserAgent() {
    String token = linkSentFrom(email("cat"), LAPTOP);

    refused(api.post("/v1/magic_links/authenticate", body("token", token, "options",
        Map.of("user_agent_match_required", true), "attributes", Map.of("ip_address", "2001:db8::7",
            "user_agent", "Laptop/1.1"))), 401, "attribute_mismatch", "user_agent_match_required");
  }

  @Test
  void aMatchIsRefusedWhenEitherSideHasNoAttributes() {
    String fromNowhere = linkSentFrom(email("dot"), null);
    refused(api.post("/v1/magic_links/authenticate", body("token", fromNowhere, "options", BOTH_CHECKS,
        "attributes", LAPTOP)), 401, "attribute_mismatch", "none was recorded");

    String fromLaptop = linkSentFrom(email("eve"), LAPTOP);
    refused(api.post("/v1/magic_links/authenticate", body("token", fromLaptop, "options", BOTH_CHECKS)), 401,
        "attribute_mismatch", "is missing");
    refused(api.post("/v1/magic_links/authenticate", body("token", fromLaptop, "options",
        Map.of("user_agent_match_required", true), "attributes", Map.of("ip_address", "2001:db8::7"))), 401,
        "attribute_mismatch", "user_agent");
  }

  @Test
  void withoutOptionsAMagicLinkSignsInFromAnyDevice() {
    String token = linkSentFrom(email("fay"), LAPTOP);

    ok(api.post("/v1/magic_links/authenticate", body("token", token, "attributes", PHONE,
        "options", Map.of("ip_match_required", false, "user_agent_match_required", false))));
  }

  // ---------------------------------------------------------------------------------- options: email codes

  @Test
  void anEmailCodeRequiringAMatchIsRefusedFromAnotherDeviceAndWorksFromTheRightOne() {
    String address = email("gia");
    String method = codeSentFrom(address, LAPTOP);
    String code = smtp.code(address);

    refused(api.post("/v1/otps/authenticate", body("method_id", method, "code", code, "options", BOTH_CHECKS,
        "attributes", PHONE)), 401, "attribute_mismatch", "ip_match_required");

    JsonNode in = ok(api.post("/v1/otps/authenticate", body("method_id", method, "code", code,
        "session_duration_minutes", 60, "options", BOTH_CHECKS, "attributes", LAPTOP)));
    assertThat(in.path("session").path("attributes").path("ip_address").asText()).isEqualTo("2001:db8::7");
  }

  @Test
  void anIpv4AddressMatchesItsIpv4MappedIpv6Form() {
    String address = email("hal");
    String method = codeSentFrom(address, Map.of("ip_address", "203.0.113.9"));

    ok(api.post("/v1/otps/authenticate", body("method_id", method, "code", smtp.code(address), "options",
        Map.of("ip_match_required", true), "attributes", Map.of("ip_address", "::ffff:203.0.113.9"))));
  }

  // ------------------------------------------------------------------------------ options: password resets

  @Test
  void aPasswordResetRequiringAMatchIsRefusedFromAnotherDeviceAndTheLinkStaysUsable() {
    String address = email("ida");
    ok(api.post("/v1/passwords", body("email", address, "password", PASSWORD)));
    ok(api.post("/v1/passwords/email/reset/start", body("email", address, "attributes", LAPTOP)));
    String token = smtp.link(address)[1];

    refused(api.post("/v1/passwords/email/reset", body("token", token, "password", PASSWORD + " new",
        "options", BOTH_CHECKS, "attributes", PHONE)), 401, "attribute_mismatch", "ip_match_required");

    ok(api.post("/v1/passwords/email/reset", body("token", token, "password", PASSWORD + " new",
        "options", BOTH_CHECKS, "attributes", LAPTOP)));
  }

  // --------------------------------------------------------------------------- attributes on sessions

  @Test
  void everySessionObjectDescribesTheDeviceItWasStartedOnFromItsUserAgent() {
    String address = email("device");
    String chromeOnMac = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
        + "Chrome/131.0.0.0 Safari/537.36";
    String safariOnIphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
        + "like Gecko) Version/18.1 Mobile/15E148 Safari/604.1";
    ApiClient signedOut = new ApiClient(server.baseUrl(), server.publicToken, server.publicToken);

    JsonNode mac = signedOut.send("POST", "/sdk/v1/passwords", body("email", address, "password", PASSWORD,
        "session_duration_minutes", 60), Map.of("User-Agent", chromeOnMac)).json().path("data");
    JsonNode phone = signedOut.send("POST", "/sdk/v1/passwords/authenticate", body("email", address, "password",
        PASSWORD, "session_duration_minutes", 60), Map.of("User-Agent", safariOnIphone)).json().path("data");
    JsonNode cli = signedOut.send("POST", "/sdk/v1/passwords/authenticate", body("email", address, "password",
        PASSWORD, "session_duration_minutes", 60), Map.of("User-Agent", "curl/8.5.0")).json().path("data");

    assertThat(mac.path("session").path("device_description").asText()).isEqualTo("Chrome on macOS");
    assertThat(phone.path("session").path("device_description").asText()).isEqualTo("Safari on iPhone");
    assertThat(cli.path("session").path("device_description").asText()).isEqualTo("curl");
    // The device list: every live session of the user, each with what it was started on, whoever asks.
    JsonNode list = ok(api.get("/v1/sessions?user_id=" + mac.path("user_id").asText()));
    assertThat(list.path("sessions")).extracting(s -> s.path("device_description").asText())
        .containsExactlyInAnyOrder("Chrome on macOS", "Safari on iPhone", "curl");
    // A later authenticate, by another client, still describes the device the session was started on.
    JsonNode again = ok(api.post("/v1/sessions/authenticate", body("session_token",
        phone.path("session_token").asText())));
    assertThat(again.path("session").path("device_description").asText()).isEqualTo("Safari on iPhone");
  }

  @Test
  void theSdkRecordsThePeerAndUserAgentOnTheSessionsItsSignInsCreate() {
    String address = email("jo");
    ApiClient signedOut = new ApiClient(server.baseUrl(), server.publicToken, server.publicToken);

    JsonNode up = signedOut.send("POST", "/sdk/v1/passwords", body("email", address, "password", PASSWORD,
        "session_duration_minutes", 60), Map.of("User-Agent", "Browser/3.0")).json().path("data");
    JsonNode in = signedOut.send("POST", "/sdk/v1/passwords/authenticate", body("email", address, "password",
        PASSWORD, "session_duration_minutes", 60), Map.of("User-Agent", "Browser/3.1")).json().path("data");

    assertThat(up.path("session").path("attributes").path("user_agent").asText()).isEqualTo("Browser/3.0");
    assertThat(in.path("session").path("attributes").path("user_agent").asText()).isEqualTo("Browser/3.1");
    assertThat(in.path("session").path("attributes").path("ip_address").asText()).isIn("127.0.0.1", "0:0:0:0:0:0:0:1");
    // Stored, not only echoed: a later authenticate reads them back.
    JsonNode again = ok(api.post("/v1/sessions/authenticate", body("session_token", in.path("session_token").asText())));
    assertThat(again.path("session").path("attributes")).isEqualTo(in.path("session").path("attributes"));
  }

  @Test
  void aBackendSignInRecordsTheForwardedAttributesOnTheSession() {
    String address = email("kim");
    String token = linkSentFrom(address, null);

    JsonNode in = ok(api.post("/v1/magic_links/authenticate", body("token", token, "session_duration_minutes", 60,
        "attributes", PHONE)));

    JsonNode listed = ok(api.get("/v1/sessions?user_id=" + in.path("user_id").asText()));
    assertThat(listed.path("sessions").get(0).path("attributes").path("ip_address").asText())
        .isEqualTo("198.51.100.20");
    assertThat(listed.path("sessions").get(0).path("attributes").path("user_agent").asText()).isEqualTo("Phone/2.0");
  }

  @Test
  void anOverlongForwardedUserAgentIsRefusedNamingTheField() {
    refused(api.post("/v1/magic_links/email/login_or_create", body("email", email("lee"), "attributes",
        Map.of("user_agent", "x".repeat(1025)))), 400, "invalid_field_type", "attributes.user_agent");
    refused(api.post("/v1/otps/authenticate", body("method_id", "email-test-00000000-0000-0000-0000-000000000000",
        "code", "123456", "attributes", Map.of("user_agent", "Evil\r\nX-Header: 1"))), 400, "invalid_field_type",
        "attributes.user_agent");
  }
}
