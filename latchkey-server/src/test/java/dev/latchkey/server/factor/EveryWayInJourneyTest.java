package dev.latchkey.server.factor;

import static dev.latchkey.server.factor.EmailSignInTest.jwtClaims;
import static dev.latchkey.server.factor.EmailSignInTest.ok;
import static dev.latchkey.server.factor.EmailSignInTest.q;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.MutableClock;
import dev.latchkey.server.testing.TestServer;
import dev.latchkey.server.testing.TestSmtp;
import dev.latchkey.server.testing.TotpCodes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 3's "done when", as one user's story over HTTP with mail from a real SMTP server: she signs up by magic link,
 * adds an authenticator app by stepping that session up, and later signs in by email code and by password, each
 * time ending with a session whose {@code authentication_factors} has two entries, in the reply and in the JWT the
 * server then accepts.
 */
class EveryWayInJourneyTest {
  private static final String PASSWORD = "correct horse battery staple 1815";
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

  private static List<String> factorTypes(JsonNode session) {
    List<String> types = new ArrayList<>();
    session.path("authentication_factors").forEach(f -> types.add(f.path("type").asText()));
    return types;
  }

  /** The next code the app shows: each use moves to the next 30-second step, as a code is accepted only once. */
  private static String nextTotpCode(String secret) {
    CLOCK.advance(Duration.ofSeconds(30));
    return TotpCodes.at(secret, CLOCK.instant());
  }

  /** Steps {@code signedIn}'s session up with a TOTP code and checks the result is the same session, two factors. */
  private static void stepUpWithTotp(JsonNode signedIn, String userId, String secret, String firstFactor)
      throws Exception {
    JsonNode stepped = ok(api.post("/v1/totps/authenticate", "{\"user_id\":" + q(userId) + ",\"totp_code\":"
        + q(nextTotpCode(secret)) + ",\"session_token\":" + q(signedIn.path("session_token").asText()) + "}"));
    assertThat(stepped.path("session").path("session_id").asText())
        .isEqualTo(signedIn.path("session").path("session_id").asText());
    assertThat(factorTypes(stepped.path("session"))).containsExactly(firstFactor, "totp");
    String jwt = stepped.path("session_jwt").asText();
    assertThat(factorTypes(jwtClaims(jwt).path("https://stytch.com/session"))).containsExactly(firstFactor, "totp");
    JsonNode byJwt = ok(api.post("/v1/sessions/authenticate", "{\"session_jwt\":" + q(jwt) + "}"));
    assertThat(factorTypes(byJwt.path("session"))).containsExactly(firstFactor, "totp");
  }

  @Test
  void aUserSignsUpByMagicLinkAddsTotpAndReachesTwoFactorsByLinkByCodeAndByPassword() throws Exception {
    String email = EmailSignInTest.email("grace");

    // Sign up by magic link: the link read from the mail starts a one-factor session.
    JsonNode created = ok(api.post("/v1/magic_links/email/login_or_create", "{\"email\":" + q(email) + "}"));
    String userId = created.path("user_id").asText();
    JsonNode byLink = ok(api.post("/v1/magic_links/authenticate", "{\"token\":" + q(smtp.link(email)[1])
        + ",\"session_duration_minutes\":60}"));
    assertThat(factorTypes(byLink.path("session"))).containsExactly("magic_link");

    // Add an authenticator app; its first code steps the magic-link session up to two factors.
    JsonNode totp = ok(api.post("/v1/totps", "{\"user_id\":" + q(userId) + "}"));
    String secret = totp.path("secret").asText();
    stepUpWithTotp(byLink, userId, secret, "magic_link");

    // Later, by email code: a new one-factor session, stepped up with the app.
    JsonNode sent = ok(api.post("/v1/otps/email/login_or_create", "{\"email\":" + q(email) + "}"));
    JsonNode byCode = ok(api.post("/v1/otps/authenticate", "{\"method_id\":" + q(sent.path("email_id").asText())
        + ",\"code\":" + q(smtp.code(email)) + ",\"session_duration_minutes\":60}"));
    assertThat(byCode.path("session").path("session_id").asText())
        .isNotEqualTo(byLink.path("session").path("session_id").asText());
    assertThat(factorTypes(byCode.path("session"))).containsExactly("otp");
    stepUpWithTotp(byCode, userId, secret, "otp");

    // And by password, set through the reset mail: a third session, stepped up the same way.
    ok(api.post("/v1/passwords/email/reset/start", "{\"email\":" + q(email) + "}"));
    ok(api.post("/v1/passwords/email/reset", "{\"token\":" + q(smtp.link(email)[1]) + ",\"password\":"
        + q(PASSWORD) + "}"));
    JsonNode byPassword = ok(api.post("/v1/passwords/authenticate", "{\"email\":" + q(email) + ",\"password\":"
        + q(PASSWORD) + ",\"session_duration_minutes\":60}"));
    assertThat(factorTypes(byPassword.path("session"))).containsExactly("password");
    stepUpWithTotp(byPassword, userId, secret, "password");
  }
}
