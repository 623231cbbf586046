package dev.latchkey.server.factor;

import dev.latchkey.server.factor.otp.EmailOtpService;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.ApiClient.Reply;
import dev.latchkey.server.testing.MutableClock;
import dev.latchkey.server.testing.TestServer;
import dev.latchkey.server.testing.TestSmtp;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Magic links, email codes, password reset and step-up over real HTTP, with mail delivered to a real SMTP server
 * (GreenMail): every link and code used here is read from a mail that server received.
 */
class EmailSignInTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String PASSWORD = "correct horse battery staple 42";
  private static final MutableClock CLOCK = new MutableClock();
  private static TestSmtp smtp;
  private static TestServer server;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    smtp = TestSmtp.start();
    server = TestServer.start(smtp.env(), CLOCK);
    api = server.api();
  }

  @AfterAll
  static void stop() {
    server.close();
    smtp.close();
  }

  static String email(String local) {
    return local + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
  }

  static String q(String s) {
    return "\"" + s + "\"";
  }

  static JsonNode ok(Reply r) {
    assertThat(r.status()).as("status of %s", r.text()).isEqualTo(200);
    return r.json();
  }

  static void error(Reply r, int status, String type) {
    assertThat(r.status()).as("status of %s", r.text()).isEqualTo(status);
    assertThat(r.text("error_type")).as("error_type of %s", r.text()).isEqualTo(type);
    assertThat(r.text("error_url")).isEqualTo("https://stytch.com/docs/api/errors/" + status + "#" + type);
  }

  static JsonNode jwtClaims(String jwt) throws Exception {
    return JSON.readTree(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8));
  }

  private static Reply magicLink(String email) {
    return api.post("/v1/magic_links/email/login_or_create", "{\"email\":" + q(email) + "}");
  }

  private static Reply authenticateLink(String token, String extra) {
    return api.post("/v1/magic_links/authenticate", "{\"token\":" + q(token) + extra + "}");
  }

  private static Reply otp(String email) {
    return api.post("/v1/otps/email/login_or_create", "{\"email\":" + q(email) + "}");
  }

  private static Reply authenticateCode(String methodId, String code, String extra) {
    return api.post("/v1/otps/authenticate", "{\"method_id\":" + q(methodId) + ",\"code\":" + q(code) + extra + "}");
  }

  @Test
  void signsUpAndSignsInByMagicLinkByEmailCodeAndByPassword() throws Exception {
    String email = email("ada");

    // Sign up by magic link: a new user, a sign-up mail, the link signs her in and verifies the email.
    JsonNode created = ok(magicLink(email));
    assertThat(created.path("user_created").asBoolean()).isTrue();
    TestSmtp.Mail signup = smtp.latestTo(email);
    assertThat(signup.subject()).isEqualTo("Finish signing up");
    assertThat(signup.html()).contains("href=\"" + TestServer.REDIRECT_URL + "?stytch_token_type=magic_links&amp;token=");
    String[] link = smtp.link(email);
    assertThat(link[0]).isEqualTo("magic_links");
    JsonNode byLink = ok(authenticateLink(link[1], ",\"session_duration_minutes\":60"));
    assertThat(byLink.path("user_id").asText()).isEqualTo(created.path("user_id").asText());
    assertThat(byLink.path("method_id").asText()).isEqualTo(created.path("email_id").asText());
    assertThat(byLink.path("reset_sessions").asBoolean()).isFalse();
    assertThat(byLink.path("user").path("emails").get(0).path("verified").asBoolean()).isTrue();
    assertThat(byLink.path("session").path("authentication_factors").get(0).path("type").asText())
        .isEqualTo("magic_link");
    assertThat(byLink.path("session").path("authentication_factors").get(0).path("email_factor")
        .path("email_address").asText()).isEqualTo(email);

    // Sign in again by email code: an existing user gets a code, the same user signs in with it.
    JsonNode sent = ok(otp(email));
    assertThat(sent.path("user_created").asBoolean()).isFalse();
    JsonNode byCode = ok(authenticateCode(sent.path("email_id").asText(), smtp.code(email),
        ",\"session_duration_minutes\":60"));
    assertThat(byCode.path("user_id").asText()).isEqualTo(created.path("user_id").asText());
    assertThat(byCode.path("session").path("authentication_factors").get(0).path("type").asText())
        .isEqualTo("otp");
    assertThat(byCode.path("session").path("authentication_factors").get(0).path("delivery_method").asText())
        .isEqualTo("email");

    // Set a password through the reset mail, then sign in by password.
    ok(api.post("/v1/passwords/email/reset/start", "{\"email\":" + q(email) + "}"));
    String[] reset = smtp.link(email);
    assertThat(reset[0]).isEqualTo("reset_password");
    ok(api.post("/v1/passwords/email/reset", "{\"token\":" + q(reset[1]) + ",\"password\":" + q(PASSWORD) + "}"));
    JsonNode byPassword = ok(api.post("/v1/passwords/authenticate", "{\"email\":" + q(email) + ",\"password\":"
        + q(PASSWORD) + ",\"session_duration_minutes\":60}"));
    assertThat(byPassword.path("user_id").asText()).isEqualTo(created.path("user_id").asText());

    // Step up the password session with an email code: one session, two factors, in the reply and the JWT.
    JsonNode code = ok(api.post("/v1/otps/email/send", "{\"email\":" + q(email) + "}"));
    JsonNode stepped = ok(authenticateCode(code.path("email_id").asText(), smtp.code(email),
        ",\"session_token\":" + q(byPassword.path("session_token").asText())));
    assertThat(stepped.path("session").path("session_id").asText())
        .isEqualTo(byPassword.path("session").path("session_id").asText());
    assertThat(types(stepped.path("session").path("authentication_factors"))).containsExactly("password", "otp");
    assertThat(stepped.path("session_jwt").asText()).isNotEqualTo(byPassword.path("session_jwt").asText());
    JsonNode claim = jwtClaims(stepped.path("session_jwt").asText()).path("https://stytch.com/session");
    assertThat(types(claim.path("authentication_factors"))).containsExactly("password", "otp");
    // The server itself accepts the fresh JWT (signature, issuer, audience) and names the same session.
    JsonNode checked = ok(api.post("/v1/sessions/authenticate", "{\"session_jwt\":"
        + q(stepped.path("session_jwt").asText()) + "}"));
    assertThat(checked.path("session").path("authentication_factors")).hasSize(2);
  }

  static List<String> types(JsonNode factors) {
    return java.util.stream.StreamSupport.stream(factors.spliterator(), false).map(f -> f.path("type").asText())
        .toList();
  }

  @Test
  void anActiveUserGetsALoginLinkAndSendNeedsAnExistingUser() {
    String email = email("grace");
    error(api.post("/v1/magic_links/email/send", "{\"email\":" + q(email) + "}"), 404, "email_not_found");
    ok(api.post("/v1/users", "{\"email\":" + q(email) + "}"));

    JsonNode sent = ok(api.post("/v1/magic_links/email/send", "{\"email\":" + q(email) + "}"));

    assertThat(sent.has("user_created")).isFalse();
    assertThat(smtp.latestTo(email).subject()).isEqualTo("Your sign-in link");
  }

  @Test
  void aPendingUserGetsASignupLinkAndBecomesActiveByUsingACode() {
    String email = email("pending");
    JsonNode created = ok(api.post("/v1/otps/email/login_or_create", "{\"email\":" + q(email)
        + ",\"create_user_as_pending\":true}"));
    assertThat(ok(api.get("/v1/users/" + created.path("user_id").asText())).path("status").asText())
        .isEqualTo("pending");
    ok(api.post("/v1/magic_links/email/send", "{\"email\":" + q(email) + "}"));
    assertThat(smtp.latestTo(email).subject()).isEqualTo("Finish signing up");

    ok(api.post("/v1/otps/email/send", "{\"email\":" + q(email) + "}"));
    JsonNode signedIn = ok(authenticateCode(created.path("email_id").asText(), smtp.code(email), ""));

    assertThat(signedIn.path("user").path("status").asText()).isEqualTo("active");
    assertThat(signedIn.path("user").path("emails").get(0).path("verified").asBoolean()).isTrue();
    assertThat(signedIn.path("session").isNull()).isTrue();
    assertThat(signedIn.path("session_token").asText()).isEmpty();
  }

  @Test
  void aMagicLinkWorksOnce() {
    String email = email("once");
    ok(magicLink(email));
    String token = smtp.linkToken(email);

    ok(authenticateLink(token, ""));

    error(authenticateLink(token, ""), 404, "magic_link_not_found");
  }

  @Test
  void concurrentUsesOfOneMagicLinkSignInOnce() throws Exception {
    String email = email("race");
    ok(magicLink(email));
    String token = smtp.linkToken(email);
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(6);
    try {
      java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
      List<java.util.concurrent.Future<Integer>> replies = new java.util.ArrayList<>();
      for (int i = 0; i < 6; i++) {
        replies.add(pool.submit(() -> {
          go.await();
          return authenticateLink(token, ",\"session_duration_minutes\":60").status();
        }));
      }
      go.countDown();
      List<Integer> statuses = new java.util.ArrayList<>();
      for (java.util.concurrent.Future<Integer> f : replies) {
        statuses.add(f.get(30, java.util.concurrent.TimeUnit.SECONDS));
      }

      assertThat(statuses).containsOnlyOnce(200).containsOnly(200, 404);
    } finally {
      pool.shutdownNow();
    }
  }

  /** A verifier and its S256 challenge (base64url of its SHA-256, computed outside Java with Python's hashlib). */
  static final String VERIFIER = "dBjftJeZ4CVP-mJ92K9-ONRFo0kYzmpo0Wn7qvlyDQk";
  static final String CHALLENGE = "13vxbDHiy3ySXl3OKovpm8EVkgWFR3biLkBS0IAXPIE";

  @Test
  void aLinkSentWithAPkceChallengeNeedsItsVerifierAndAWrongOneDoesNotSpendIt() {
    String email = email("pkce");
    ok(api.post("/v1/magic_links/email/login_or_create", "{\"email\":" + q(email) + ",\"code_challenge\":"
        + q(CHALLENGE) + "}"));
    String token = smtp.linkToken(email);

    error(authenticateLink(token, ""), 400, "pkce_expected_code_verifier");
    error(authenticateLink(token, ",\"code_verifier\":" + q(VERIFIER.replace('d', 'e'))), 400, "pkce_mismatch");
    ok(authenticateLink(token, ",\"code_verifier\":" + q(VERIFIER)));
    error(authenticateLink(token, ",\"code_verifier\":" + q(VERIFIER)), 404, "magic_link_not_found");

    ok(api.post("/v1/passwords/email/reset/start", "{\"email\":" + q(email) + ",\"code_challenge\":"
        + q(CHALLENGE) + "}"));
    String reset = smtp.linkToken(email);
    error(api.post("/v1/passwords/email/reset", "{\"token\":" + q(reset) + ",\"password\":" + q(PASSWORD) + "}"),
        400, "pkce_expected_code_verifier");
    ok(api.post("/v1/passwords/email/reset", "{\"token\":" + q(reset) + ",\"password\":" + q(PASSWORD)
        + ",\"code_verifier\":" + q(VERIFIER) + "}"));
  }

  @Test
  void aLinkSentWithoutAPkceChallengeRefusesAVerifier() {
    String email = email("nopkce");
    ok(magicLink(email));
    String token = smtp.linkToken(email);

    String message = errorMessage(authenticateLink(token, ",\"code_verifier\":" + q(VERIFIER)), 400,
        "pkce_did_not_expect_code_verifier");

    // The frontend SDK retries with its other PKCE namespace when the error text says "pkce".
    assertThat(message).contains("pkce");
    ok(authenticateLink(token, ""));
  }

  static String errorMessage(Reply r, int status, String type) {
    error(r, status, type);
    return r.text("error_message");
  }

  @Test
  void aMagicLinkExpiresAfterItsMinutes() {
    String email = email("late");
    ok(api.post("/v1/users", "{\"email\":" + q(email) + "}"));
    ok(api.post("/v1/magic_links/email/send", "{\"email\":" + q(email) + ",\"login_expiration_minutes\":5}"));
    String token = smtp.linkToken(email);

    CLOCK.advance(Duration.ofMinutes(5));

    error(authenticateLink(token, ""), 401, "unable_to_auth_magic_link");
  }

  @Test
  void aRedirectUrlNotOnTheAllowListIsRefusedAndNothingIsSent() {
    String email = email("evil");
    int before = smtp.count();

    error(api.post("/v1/magic_links/email/login_or_create", "{\"email\":" + q(email)
        + ",\"login_magic_link_url\":\"https://evil.example.com/authenticate\"}"), 400,
        "no_match_for_provided_magic_link_url");
    error(api.post("/v1/magic_links/email/login_or_create", "{\"email\":" + q(email)
        + ",\"signup_magic_link_url\":\"" + TestServer.REDIRECT_URL + "/\"}"), 400,
        "no_match_for_provided_magic_link_url");
    error(api.post("/v1/passwords/email/reset/start", "{\"email\":" + q(email)
        + ",\"reset_password_redirect_url\":\"http://app.example.com/authenticate\"}"), 400,
        "no_match_for_provided_magic_link_url");

    assertThat(smtp.count()).isEqualTo(before);
  }

  @Test
  void anEmailCodeWorksOnceAndANewCodeReplacesTheOld() {
    String email = email("code");
    String methodId = ok(otp(email)).path("email_id").asText();
    String first = smtp.code(email);
    ok(otp(email));
    String second = smtp.code(email);

    if (!first.equals(second)) {
      error(authenticateCode(methodId, first, ""), 401, "unable_to_auth_otp_code");
    }
    ok(authenticateCode(methodId, second, ""));
    error(authenticateCode(methodId, second, ""), 404, "otp_code_not_found");
  }

  @Test
  void anEmailCodeExpiresAfterItsMinutes() {
    String email = email("slow");
    String methodId = ok(api.post("/v1/otps/email/login_or_create", "{\"email\":" + q(email)
        + ",\"expiration_minutes\":1}")).path("email_id").asText();
    String code = smtp.code(email);

    CLOCK.advance(Duration.ofMinutes(1));

    error(authenticateCode(methodId, code, ""), 404, "otp_code_not_found");
  }

  @Test
  void anEmailCodeIsDeadAfterFiveWrongTries() {
    String email = email("guess");
    String methodId = ok(otp(email)).path("email_id").asText();
    String code = smtp.code(email);
    String wrong = code.equals("000000") ? "111111" : "000000";

    for (int i = 0; i < EmailOtpService.MAX_ATTEMPTS; i++) {
      error(authenticateCode(methodId, wrong, ""), 401, "unable_to_auth_otp_code");
    }

    error(authenticateCode(methodId, code, ""), 404, "otp_code_not_found");
  }

  @Test
  void aStepUpWithAnotherUsersSessionIsRefused() {
    String ada = email("ada");
    String grace = email("grace");
    JsonNode adaSession = ok(api.post("/v1/passwords", "{\"email\":" + q(ada) + ",\"password\":" + q(PASSWORD)
        + ",\"session_duration_minutes\":60}"));
    String methodId = ok(otp(grace)).path("email_id").asText();
    String code = smtp.code(grace);

    error(authenticateCode(methodId, code, ",\"session_token\":" + q(adaSession.path("session_token").asText())),
        400, "user_id_mismatch");

    ok(magicLink(grace));
    String token = smtp.linkToken(grace);
    error(authenticateLink(token, ",\"session_jwt\":" + q(adaSession.path("session_jwt").asText())), 400,
        "user_id_mismatch");
    // A refused step-up spends neither the code nor the link: Grace still signs in with them herself.
    ok(authenticateCode(methodId, code, ""));
    ok(authenticateLink(token, ""));
    JsonNode adaNow = ok(api.post("/v1/sessions/authenticate", "{\"session_token\":"
        + q(adaSession.path("session_token").asText()) + "}"));
    assertThat(types(adaNow.path("session").path("authentication_factors"))).containsExactly("password");
  }

  @Test
  void aPasswordResetSetsThePasswordAndRevokesEveryOtherSession() {
    String email = email("reset");
    JsonNode first = ok(api.post("/v1/passwords", "{\"email\":" + q(email) + ",\"password\":" + q(PASSWORD)
        + ",\"session_duration_minutes\":60}"));
    JsonNode second = ok(api.post("/v1/passwords/authenticate", "{\"email\":" + q(email) + ",\"password\":"
        + q(PASSWORD) + ",\"session_duration_minutes\":60}"));
    JsonNode started = ok(api.post("/v1/passwords/email/reset/start", "{\"email\":" + q(email) + "}"));
    assertThat(started.path("user_id").asText()).isEqualTo(first.path("user_id").asText());
    String token = smtp.linkToken(email);
    String newPassword = "a whole new tricycle 7 mauve";

    JsonNode reset = ok(api.post("/v1/passwords/email/reset", "{\"token\":" + q(token) + ",\"password\":"
        + q(newPassword) + ",\"session_duration_minutes\":30}"));

    assertThat(types(reset.path("session").path("authentication_factors"))).containsExactly("password");
    for (JsonNode old : List.of(first, second)) {
      error(api.post("/v1/sessions/authenticate", "{\"session_token\":" + q(old.path("session_token").asText())
          + "}"), 404, "session_not_found");
    }
    ok(api.post("/v1/sessions/authenticate", "{\"session_token\":" + q(reset.path("session_token").asText())
        + "}"));
    JsonNode listed = ok(api.get("/v1/sessions?user_id=" + first.path("user_id").asText()));
    assertThat(listed.path("sessions")).hasSize(1);
    error(api.post("/v1/passwords/authenticate", "{\"email\":" + q(email) + ",\"password\":" + q(PASSWORD) + "}"),
        401, "unauthorized_credentials");
    ok(api.post("/v1/passwords/authenticate", "{\"email\":" + q(email) + ",\"password\":" + q(newPassword) + "}"));
    error(api.post("/v1/passwords/email/reset", "{\"token\":" + q(token) + ",\"password\":" + q(newPassword)
        + "}"), 401, "unable_to_auth_password_reset_token");
  }

  @Test
  void aWeakPasswordIsRefusedWithoutSpendingTheResetLink() {
    String email = email("weak");
    ok(api.post("/v1/users", "{\"email\":" + q(email) + "}"));
    ok(api.post("/v1/passwords/email/reset/start", "{\"email\":" + q(email) + "}"));
    String token = smtp.linkToken(email);

    error(api.post("/v1/passwords/email/reset", "{\"token\":" + q(token) + ",\"password\":\"password1\"}"), 400,
        "weak_password");

    ok(api.post("/v1/passwords/email/reset", "{\"token\":" + q(token) + ",\"password\":" + q(PASSWORD) + "}"));
  }

  @Test
  void aResetLinkExpiresAfterItsMinutes() {
    String email = email("stale");
    ok(api.post("/v1/users", "{\"email\":" + q(email) + "}"));
    ok(api.post("/v1/passwords/email/reset/start", "{\"email\":" + q(email) + "}"));
    String token = smtp.linkToken(email);

    CLOCK.advance(Duration.ofMinutes(dev.latchkey.server.factor.password.PasswordResetService.DEFAULT_MINUTES));

    error(api.post("/v1/passwords/email/reset", "{\"token\":" + q(token) + ",\"password\":" + q(PASSWORD) + "}"),
        401, "unable_to_auth_password_reset_token");
  }

  @Test
  void theStrengthCheckScoresWithZxcvbnAndAlwaysGivesFeedback() {
    JsonNode weak = ok(api.post("/v1/passwords/strength_check", "{\"password\":\"password\"}"));
    assertThat(weak.path("valid_password").asBoolean()).isFalse();
    assertThat(weak.path("score").asInt()).isLessThan(3);
    assertThat(weak.path("strength_policy").asText()).isEqualTo("zxcvbn");
    assertThat(weak.path("breached_password").asBoolean()).isFalse();
    assertThat(weak.path("feedback").path("warning").asText()).isNotEmpty();
    assertThat(weak.path("feedback").path("suggestions").isArray()).isTrue();

    JsonNode strong = ok(api.post("/v1/passwords/strength_check", "{\"password\":" + q(PASSWORD) + "}"));
    assertThat(strong.path("valid_password").asBoolean()).isTrue();
    assertThat(strong.path("score").asInt()).isGreaterThanOrEqualTo(3);
    assertThat(strong.path("feedback").path("warning").isTextual()).isTrue();

    error(api.post("/v1/passwords/strength_check", "{}"), 400, "missing_required_field");
    error(api.post("/v1/passwords/strength_check", "{\"password\":12}"), 400, "invalid_field_type");
  }

  @Test
  void badInputGetsClearErrors() {
    error(api.post("/v1/magic_links/email/login_or_create", "{}"), 400, "missing_required_field");
    error(api.post("/v1/magic_links/email/login_or_create", "{\"email\":\"not an email\"}"), 400, "invalid_email");
    error(api.post("/v1/magic_links/email/login_or_create", "{\"email\":" + q(email("x"))
        + ",\"login_expiration_minutes\":4}"), 400, "invalid_expiration_minutes");
    error(api.post("/v1/magic_links/email/login_or_create", "{\"email\":" + q(email("x"))
        + ",\"code_challenge\":\"abc\"}"), 400, "invalid_pkce_code_challenge");
    error(api.post("/v1/otps/email/login_or_create", "{\"email\":" + q(email("x"))
        + ",\"expiration_minutes\":11}"), 400, "invalid_expiration_minutes");
    error(api.post("/v1/otps/email/login_or_create", "{\"email\":" + q(email("x"))
        + ",\"expiration_minutes\":\"2\"}"), 400, "invalid_field_type");
    error(api.post("/v1/magic_links/authenticate", "{}"), 400, "missing_required_field");
    error(api.post("/v1/magic_links/authenticate", "{\"token\":\"nope\"}"), 404, "magic_link_not_found");
    error(api.post("/v1/otps/authenticate", "{\"method_id\":\"email-test-x\"}"), 400, "missing_required_field");
    error(api.post("/v1/otps/authenticate", "{\"method_id\":\"email-test-x\",\"code\":\"123456\"}"), 404,
        "otp_code_not_found");
    error(api.post("/v1/passwords/email/reset/start", "{\"email\":" + q(email("nobody")) + "}"), 404,
        "email_not_found");
    error(api.post("/v1/passwords/email/reset", "{\"token\":\"nope\",\"password\":" + q(PASSWORD) + "}"), 401,
        "unable_to_auth_password_reset_token");
  }
}
