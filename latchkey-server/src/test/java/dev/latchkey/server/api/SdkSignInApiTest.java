package dev.latchkey.server.api;

import static dev.latchkey.server.api.Wire.PASSWORD;
import static dev.latchkey.server.api.Wire.assertError;
import static dev.latchkey.server.api.Wire.body;
import static dev.latchkey.server.api.Wire.uniqueEmail;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.ApiClient.Reply;
import dev.latchkey.server.testing.MutableClock;
import dev.latchkey.server.testing.TestServer;
import dev.latchkey.server.testing.TestSmtp;
import dev.latchkey.server.testing.TotpCodes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The {@code /sdk/v1} twins of the sign-in methods, called as a device calls them (Basic
 * {@code public_token:session_token}, replies in {@code {"data": ...}}), with every link and code read from a mail
 * a real SMTP server received.
 */
class SdkSignInApiTest {
  private static final MutableClock CLOCK = new MutableClock();
  private static TestSmtp smtp;
  private static TestServer server;

  @BeforeAll
  static void start() {
    // Mid-step, so the authenticator's "current step" is unambiguous while the clock stands still.
    Instant now = Instant.now();
    CLOCK.set(Instant.ofEpochSecond(now.getEpochSecond() - now.getEpochSecond() % 30 + 15));
    smtp = TestSmtp.start();
    Map<String, String> env = new HashMap<>(smtp.env());
    // The per-address mail limit at its default, which one test reaches; every other test mails each address once
    // or twice.
    env.put("LATCHKEY_LIMIT_EMAIL_SENDS", "10");
    env.put("LATCHKEY_LIMIT_EMAIL_WINDOW", "15m");
    env.put("LATCHKEY_PURGE_INTERVAL", "1d");
    server = TestServer.start(env, CLOCK);
  }

  @AfterAll
  static void stop() {
    server.close();
    smtp.close();
  }

  private static ApiClient device(String sessionToken) {
    return new ApiClient(server.baseUrl(), server.publicToken, sessionToken);
  }

  private static ApiClient signedOut() {
    return device(server.publicToken);
  }

  private static JsonNode data(Reply r) {
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.json().size()).as("only the data envelope at the top: %s", r.text()).isEqualTo(1);
    return r.json().path("data");
  }

  private static List<String> factorTypes(JsonNode authenticated) {
    List<String> types = new ArrayList<>();
    authenticated.path("session").path("authentication_factors").forEach(f -> types.add(f.path("type").asText()));
    return types;
  }

  /** A user signed up on the device by password; returns the sign-up's data. */
  private static JsonNode passwordUser(String email) {
    return data(signedOut().post("/sdk/v1/passwords", body("email", email, "password", PASSWORD,
        "session_duration_minutes", 60)));
  }

  @Test
  void aMagicLinkFromLoginOrCreateSignsANewUserUpOnTheDevice() {
    String email = uniqueEmail();

    JsonNode sent = data(signedOut().post("/sdk/v1/magic_links/email/login_or_create", body("email", email)));
    assertThat(sent.path("user_created").asBoolean()).isTrue();
    String[] link = smtp.link(email);
    JsonNode d = data(signedOut().post("/sdk/v1/magic_links/authenticate", body("token", link[1],
        "session_duration_minutes", 60)));

    assertThat(link[0]).isEqualTo("magic_links");
    assertThat(d.path("user_id").asText()).isEqualTo(sent.path("user_id").asText());
    assertThat(d.path("method_id").asText()).isEqualTo(sent.path("email_id").asText());
    assertThat(d.path("session_token").asText()).hasSize(44);
    assertThat(d.path("session_jwt").asText()).startsWith("eyJ");
    assertThat(factorTypes(d)).containsExactly("magic_link");
    assertThat(d.path("user").path("emails").get(0).path("verified").asBoolean()).isTrue();
  }

  @Test
  void sendPrimaryMailsOnlyExistingUsers() {
    assertError(signedOut().post("/sdk/v1/magic_links/email/send/primary", body("email", uniqueEmail())), 404,
        "email_not_found");
    assertError(signedOut().post("/sdk/v1/otps/email/send/primary", body("email", uniqueEmail())), 404,
        "email_not_found");

    String email = uniqueEmail();
    passwordUser(email);
    data(signedOut().post("/sdk/v1/magic_links/email/send/primary", body("email", email)));
    JsonNode d = data(signedOut().post("/sdk/v1/magic_links/authenticate", body("token", smtp.linkToken(email),
        "session_duration_minutes", 30)));
    assertThat(factorTypes(d)).containsExactly("magic_link");
  }

  @Test
  void aSecondaryMagicLinkStepsUpTheSessionThatAskedForIt() {
    String email = uniqueEmail();
    JsonNode first = passwordUser(email);
    String token = first.path("session_token").asText();

    data(device(token).post("/sdk/v1/magic_links/email/send/secondary", body("email", email)));
    JsonNode d = data(device(token).post("/sdk/v1/magic_links/authenticate", body("token", smtp.linkToken(email),
        "session_duration_minutes", 60)));

    assertThat(d.path("session").path("session_id").asText())
        .isEqualTo(first.path("session").path("session_id").asText());
    assertThat(d.path("session_token").asText()).isEqualTo(token);
    assertThat(factorTypes(d)).containsExactlyInAnyOrder("password", "magic_link");
  }

  @Test
  void aSecondarySendNeedsASessionAndGoesOnlyToThatUsersEmail() {
    assertError(signedOut().post("/sdk/v1/magic_links/email/send/secondary", body("email", uniqueEmail())), 401,
        "user_unauthenticated");
    assertError(signedOut().post("/sdk/v1/otps/email/send/secondary", body("email", uniqueEmail())), 401,
        "user_unauthenticated");
    String token = passwordUser(uniqueEmail()).path("session_token").asText();
    String stranger = uniqueEmail();
    passwordUser(stranger);
    int before = smtp.count();

    assertError(device(token).post("/sdk/v1/otps/email/send/secondary", body("email", stranger)), 404,
        "email_not_found");
    assertError(device(token).post("/sdk/v1/magic_links/email/send/secondary", body("email", stranger)), 404,
        "email_not_found");
    assertThat(smtp.count()).isEqualTo(before);
  }

  @Test
  void anEmailCodeSignsInWithTheCodeInToken() {
    String email = uniqueEmail();

    JsonNode sent = data(signedOut().post("/sdk/v1/otps/email/login_or_create", body("email", email,
        "expiration_minutes", 5)));
    String methodId = sent.path("method_id").asText();
    assertThat(methodId).isEqualTo(sent.path("email_id").asText()).startsWith("email-test-");
    JsonNode d = data(signedOut().post("/sdk/v1/otps/authenticate", body("token", smtp.code(email), "method_id",
        methodId, "session_duration_minutes", 60)));

    assertThat(d.path("user_id").asText()).isEqualTo(sent.path("user_id").asText());
    assertThat(d.path("method_id").asText()).isEqualTo(methodId);
    assertThat(factorTypes(d)).containsExactly("otp");
  }

  @Test
  void aWrongEmailCodeIsAFlatUnauthorizedError() {
    String email = uniqueEmail();
    String methodId = data(signedOut().post("/sdk/v1/otps/email/login_or_create", body("email", email)))
        .path("method_id").asText();
    String right = smtp.code(email);
    String wrong = right.equals("000000") ? "111111" : "000000";

    Reply r = signedOut().post("/sdk/v1/otps/authenticate", body("token", wrong, "method_id", methodId,
        "session_duration_minutes", 60));

    assertError(r, 401, "unable_to_auth_otp_code");
    assertThat(r.json().has("data")).isFalse();
    assertError(signedOut().post("/sdk/v1/otps/authenticate", body("method_id", methodId,
        "session_duration_minutes", 60)), 400, "missing_required_field");
  }

  @Test
  void aSecondaryEmailCodeStepsUpThePasswordSession() {
    String email = uniqueEmail();
    JsonNode first = passwordUser(email);
    String token = first.path("session_token").asText();

    String methodId = data(device(token).post("/sdk/v1/otps/email/send/secondary", "{}")).path("method_id")
        .asText();
    JsonNode d = data(device(token).post("/sdk/v1/otps/authenticate", body("token", smtp.code(email), "method_id",
        methodId, "session_duration_minutes", 60)));

    assertThat(d.path("session").path("session_id").asText())
        .isEqualTo(first.path("session").path("session_id").asText());
    assertThat(factorTypes(d)).containsExactlyInAnyOrder("password", "otp");
  }

  @Test
  void anAuthenticatorAppEnrolledOnTheDeviceStepsUpItsSessionAndRecoveryCodesWork() {
    JsonNode first = passwordUser(uniqueEmail());
    String token = first.path("session_token").asText();
    String sessionId = first.path("session").path("session_id").asText();

    JsonNode created = data(device(token).post("/sdk/v1/totps", body("expiration_minutes", 60)));
    assertThat(created.path("totp_id").asText()).startsWith("totp-test-");
    assertThat(created.path("recovery_codes")).hasSize(10);
    assertThat(created.path("__user").path("user_id").asText()).isEqualTo(first.path("user_id").asText());
    assertThat(created.path("__user").path("totps").get(0).path("verified").asBoolean()).isFalse();

    String code = TotpCodes.at(created.path("secret").asText(), CLOCK.instant());
    JsonNode d = data(device(token).post("/sdk/v1/totps/authenticate", body("totp_code", code,
        "session_duration_minutes", 60)));
    assertThat(d.path("totp_id").asText()).isEqualTo(created.path("totp_id").asText());
    assertThat(d.path("session").path("session_id").asText()).isEqualTo(sessionId);
    assertThat(factorTypes(d)).containsExactlyInAnyOrder("password", "totp");

    JsonNode codes = data(device(token).post("/sdk/v1/totps/recovery_codes", null));
    assertThat(codes.path("totps").get(0).path("verified").asBoolean()).isTrue();
    assertThat(codes.path("totps").get(0).path("recovery_codes")).hasSize(10);

    String recovery = created.path("recovery_codes").get(0).asText();
    JsonNode recovered = data(device(token).post("/sdk/v1/totps/recover", body("recovery_code", recovery,
        "session_duration_minutes", 60)));
    assertThat(recovered.path("session").path("session_id").asText()).isEqualTo(sessionId);
    assertThat(factorTypes(recovered)).contains("recovery_codes");
    assertError(device(token).post("/sdk/v1/totps/recover", body("recovery_code", recovery,
        "session_duration_minutes", 60)), 401, "unable_to_authenticate_recovery_code");
  }

  @Test
  void totpEndpointsNeedALiveSession() {
    assertError(signedOut().post("/sdk/v1/totps", "{}"), 401, "user_unauthenticated");
    assertError(signedOut().post("/sdk/v1/totps/authenticate", body("totp_code", "123456",
        "session_duration_minutes", 60)), 401, "user_unauthenticated");
    assertError(signedOut().post("/sdk/v1/totps/recovery_codes", null), 401, "user_unauthenticated");
    String token = passwordUser(uniqueEmail()).path("session_token").asText();
    data(device(token).post("/sdk/v1/sessions/revoke", null));
    assertError(device(token).post("/sdk/v1/totps", "{}"), 404, "session_not_found");
  }

  @Test
  void aPasswordResetByEmailFromTheDeviceSetsThePasswordAndEndsOtherSessions() {
    String email = uniqueEmail();
    String old = passwordUser(email).path("session_token").asText();
    String newPassword = "a brand new passphrase 77";

    data(signedOut().post("/sdk/v1/passwords/email/reset/start", body("email", email)));
    String[] link = smtp.link(email);
    JsonNode d = data(signedOut().post("/sdk/v1/passwords/email/reset", body("token", link[1], "password",
        newPassword, "session_duration_minutes", 60)));

    assertThat(link[0]).isEqualTo("reset_password");
    assertThat(factorTypes(d)).containsExactly("password");
    assertError(device(old).post("/sdk/v1/sessions/authenticate", "{}"), 404, "session_not_found");
    data(signedOut().post("/sdk/v1/passwords/authenticate", body("email", email, "password", newPassword,
        "session_duration_minutes", 60)));
  }

  @Test
  void theStrengthCheckAnswersInTheDataEnvelope() {
    JsonNode weak = data(signedOut().post("/sdk/v1/passwords/strength_check", body("password", "password")));
    JsonNode strong = data(signedOut().post("/sdk/v1/passwords/strength_check", body("password", PASSWORD)));

    assertThat(weak.path("valid_password").asBoolean()).isFalse();
    assertThat(strong.path("valid_password").asBoolean()).isTrue();
    assertThat(strong.path("breach_detection_on_create").asBoolean()).isFalse();
  }

  @Test
  void everySignInFromTheDeviceMustAskForASession() {
    String email = uniqueEmail();
    String methodId = data(signedOut().post("/sdk/v1/otps/email/login_or_create", body("email", email)))
        .path("method_id").asText();
    Reply r = signedOut().post("/sdk/v1/otps/authenticate", body("token", smtp.code(email), "method_id", methodId));
    assertError(r, 400, "missing_required_field",
        "session_duration_minutes is required: a sign-in from an SDK always starts a session.");
    assertError(signedOut().post("/sdk/v1/magic_links/authenticate", body("token", "x")), 400,
        "missing_required_field");
  }

  @Test
  void mailsToOneAddressAreLimitedOnTheDeviceEndpointsAsOnTheBackend() {
    String email = uniqueEmail();
    passwordUser(email);
    Reply last = null;
    for (int i = 0; i < 11; i++) {
      last = signedOut().post(i % 2 == 0 ? "/sdk/v1/otps/email/send/primary"
          : "/sdk/v1/magic_links/email/send/primary", body("email", email));
      if (i < 10) {
        assertThat(last.status()).as(last.text()).isEqualTo(200);
      }
    }
    assertError(last, 429, "too_many_requests");
    assertThat(last.header("Retry-After")).isNotNull();
    // The window is the limit's, not forever: the next window mails again.
    CLOCK.advance(Duration.ofMinutes(15));
    data(signedOut().post("/sdk/v1/otps/email/send/primary", body("email", email)));
  }

  @Test
  void aResetByExistingPasswordChecksItAsASignInDoesAndEndsTheOtherSessions() {
    String email = uniqueEmail();
    String phone = passwordUser(email).path("session_token").asText();
    String newPassword = "a brand new passphrase 77";

    assertError(signedOut().post("/sdk/v1/passwords/existing_password/reset", body("email", email,
        "existing_password", "not the password at all 1", "new_password", newPassword,
        "session_duration_minutes", 60)), 401, "unauthorized_credentials");
    assertError(signedOut().post("/sdk/v1/passwords/existing_password/reset", body("email", email,
        "existing_password", PASSWORD, "new_password", "password", "session_duration_minutes", 60)), 400,
        "weak_password");
    JsonNode d = data(signedOut().post("/sdk/v1/passwords/existing_password/reset", body("email", email,
        "existing_password", PASSWORD, "new_password", newPassword, "session_duration_minutes", 60)));

    assertThat(factorTypes(d)).containsExactly("password");
    assertError(device(phone).post("/sdk/v1/sessions/authenticate", "{}"), 404, "session_not_found");
    data(signedOut().post("/sdk/v1/passwords/authenticate", body("email", email, "password", newPassword,
        "session_duration_minutes", 60)));
  }

  @Test
  void aResetBySessionNeedsARecentSignInAndKeepsOnlyThatSession() {
    String email = uniqueEmail();
    JsonNode laptop = passwordUser(email);
    String token = laptop.path("session_token").asText();
    String other = data(signedOut().post("/sdk/v1/passwords/authenticate", body("email", email, "password",
        PASSWORD, "session_duration_minutes", 60))).path("session_token").asText();
    String newPassword = "a brand new passphrase 77";

    assertError(signedOut().post("/sdk/v1/passwords/session/reset", body("password", newPassword,
        "session_duration_minutes", 60)), 401, "user_unauthenticated");
    JsonNode d = data(device(token).post("/sdk/v1/passwords/session/reset", body("password", newPassword,
        "session_duration_minutes", 60)));

    assertThat(d.path("session").path("session_id").asText())
        .isEqualTo(laptop.path("session").path("session_id").asText());
    assertThat(d.path("session_token").asText()).isEqualTo(token);
    assertError(device(other).post("/sdk/v1/sessions/authenticate", "{}"), 404, "session_not_found");
    data(signedOut().post("/sdk/v1/passwords/authenticate", body("email", email, "password", newPassword,
        "session_duration_minutes", 60)));

    // Six minutes on, the session's sign-in is too old to change the password with it alone.
    CLOCK.advance(Duration.ofMinutes(6));
    assertError(device(token).post("/sdk/v1/passwords/session/reset", body("password", "yet another passphrase 88",
        "session_duration_minutes", 60)), 400, "session_too_old_to_reset_password");
  }
}
