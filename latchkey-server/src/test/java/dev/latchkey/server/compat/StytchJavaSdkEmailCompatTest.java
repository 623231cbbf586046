package dev.latchkey.server.compat;

import static dev.latchkey.server.compat.SdkCalls.error;
import static dev.latchkey.server.compat.SdkCalls.get;
import static dev.latchkey.server.compat.SdkCalls.success;
import static org.assertj.core.api.Assertions.assertThat;

import com.stytch.java.common.ErrorResponse;
import com.stytch.java.common.OptionalClientConfig;
import com.stytch.java.consumer.StytchClient;
import com.stytch.java.consumer.models.passwords.StrengthCheckRequest;
import com.stytch.java.consumer.models.passwords.StrengthCheckResponse;
import com.stytch.java.consumer.models.passwordsemail.ResetRequest;
import com.stytch.java.consumer.models.passwordsemail.ResetResponse;
import com.stytch.java.consumer.models.passwordsemail.ResetStartRequest;
import com.stytch.java.consumer.models.passwordsemail.ResetStartResponse;
import com.stytch.java.consumer.models.sessions.AuthenticationFactor;
import com.stytch.java.consumer.models.sessions.AuthenticationFactorDeliveryMethod;
import com.stytch.java.consumer.models.sessions.AuthenticationFactorType;
import dev.latchkey.server.testing.TestServer;
import dev.latchkey.server.testing.TestSmtp;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The official Stytch Java SDK against the email sign-in endpoints of a real server, with mail over real SMTP
 * (GreenMail): every reply must deserialize into the SDK's models, and every error into its error type.
 */
class StytchJavaSdkEmailCompatTest {
  /** Generous: a call is a few milliseconds; this bound only stops a broken server from hanging the build. */
  private static final String PASSWORD = "correct horse battery staple 8472";

  private static TestSmtp smtp;
  private static TestServer server;
  private static StytchClient stytch;

  @BeforeAll
  static void start() {
    smtp = TestSmtp.start();
    server = TestServer.start(smtp.env(), java.time.Clock.systemUTC());
    stytch = new StytchClient(server.projectId, server.secret, new OptionalClientConfig(server.baseUrl()));
  }

  @AfterAll
  static void stop() {
    stytch.close();
    server.close();
    smtp.close();
  }

  @Test
  void magicLinksAndEmailCodesSignInAndStepUpThroughTheSdk() {
    String email = "sdk-" + UUID.randomUUID() + "@example.com";
    var created = success(stytch.getMagicLinks().getEmail().loginOrCreateCompletable(
        new com.stytch.java.consumer.models.magiclinksemail.LoginOrCreateRequest(email)));
    assertThat(created.getUserCreated()).isTrue();

    var byLink = success(stytch.getMagicLinks().authenticateCompletable(
        new com.stytch.java.consumer.models.magiclinks.AuthenticateRequest(smtp.linkToken(email), null, null, null,
            60)));
    assertThat(byLink.getUserId()).isEqualTo(created.getUserId());
    assertThat(byLink.getMethodId()).isEqualTo(created.getEmailId());
    assertThat(byLink.getResetSessions()).isFalse();
    assertThat(byLink.getUser().getEmails().get(0).getVerified()).isTrue();
    assertThat(byLink.getSession().getAuthenticationFactors()).singleElement().satisfies(f -> {
      assertThat(f.getType()).isEqualTo(AuthenticationFactorType.MAGIC_LINK);
      assertThat(f.getDeliveryMethod()).isEqualTo(AuthenticationFactorDeliveryMethod.EMAIL);
      assertThat(f.getEmailFactor().getEmailAddress()).isEqualTo(email);
    });

    var sent = success(stytch.getOtps().getEmail().sendCompletable(
        new com.stytch.java.consumer.models.otpemail.SendRequest(email)));
    var stepped = success(stytch.getOtps().authenticateCompletable(
        new com.stytch.java.consumer.models.otp.AuthenticateRequest(sent.getEmailId(), smtp.code(email), null, null,
            byLink.getSessionToken())));
    assertThat(stepped.getSession().getSessionId()).isEqualTo(byLink.getSession().getSessionId());
    assertThat(stepped.getSession().getAuthenticationFactors()).extracting(AuthenticationFactor::getType)
        .containsExactly(AuthenticationFactorType.MAGIC_LINK, AuthenticationFactorType.OTP);

    var noSession = success(stytch.getOtps().getEmail().loginOrCreateCompletable(
        new com.stytch.java.consumer.models.otpemail.LoginOrCreateRequest(email)));
    assertThat(noSession.getUserCreated()).isFalse();
    var checked = success(stytch.getOtps().authenticateCompletable(
        new com.stytch.java.consumer.models.otp.AuthenticateRequest(noSession.getEmailId(), smtp.code(email))));
    assertThat(checked.getSessionToken()).isEmpty();
    assertThat(checked.getSession()).isNull();

    ErrorResponse wrong = error(stytch.getOtps().authenticateCompletable(
        new com.stytch.java.consumer.models.otp.AuthenticateRequest(noSession.getEmailId(), "000000")));
    assertThat(wrong.getErrorType()).isEqualTo("otp_code_not_found");
    ErrorResponse unknown = error(stytch.getMagicLinks().authenticateCompletable(
        new com.stytch.java.consumer.models.magiclinks.AuthenticateRequest("no-such-token")));
    assertThat(unknown.getStatusCode()).isEqualTo(404);
    assertThat(unknown.getErrorType()).isEqualTo("magic_link_not_found");
  }

  @Test
  void magicLinksSendWithAUserIdLeavesTheAddressPendingUntilTheLinkAddsItThroughTheSdk() {
    String first = "sdk-first-" + UUID.randomUUID() + "@example.com";
    String added = "sdk-added-" + UUID.randomUUID() + "@example.com";
    var created = success(stytch.getMagicLinks().getEmail().loginOrCreateCompletable(
        new com.stytch.java.consumer.models.magiclinksemail.LoginOrCreateRequest(first)));

    var sent = success(stytch.getMagicLinks().getEmail().sendCompletable(
        new com.stytch.java.consumer.models.magiclinksemail.SendRequest(added, null, null, null, null, null, null,
            null, created.getUserId())));
    assertThat(sent.getUserId()).isEqualTo(created.getUserId());
    assertThat(sent.getEmailId()).isNotEqualTo(created.getEmailId());
    var pending = success(stytch.getUsers().getCompletable(
        new com.stytch.java.consumer.models.users.GetRequest(created.getUserId())));
    assertThat(pending.getEmails()).noneSatisfy(e -> assertThat(e.getEmail()).isEqualTo(added));

    var byLink = success(stytch.getMagicLinks().authenticateCompletable(
        new com.stytch.java.consumer.models.magiclinks.AuthenticateRequest(smtp.linkToken(added), null, null, null,
            60)));
    assertThat(byLink.getUserId()).isEqualTo(created.getUserId());
    assertThat(byLink.getMethodId()).isEqualTo(sent.getEmailId());
    assertThat(byLink.getSession().getUserId()).isEqualTo(created.getUserId());
    assertThat(byLink.getUser().getEmails()).anySatisfy(e -> {
      assertThat(e.getEmail()).isEqualTo(added);
      assertThat(e.getVerified()).isTrue();
    });

    ErrorResponse taken = error(stytch.getMagicLinks().getEmail().sendCompletable(
        new com.stytch.java.consumer.models.magiclinksemail.SendRequest(added, null, null, null, null, null, null,
            null, "user-test-00000000-0000-4000-8000-000000000000")));
    assertThat(taken.getErrorType()).isEqualTo("user_not_found");
  }

  @Test
  void otpsEmailSendWithASessionTokenAddsTheAddressWhenTheCodeStepsUpThatSessionThroughTheSdk() {
    String first = "sdk-otp-first-" + UUID.randomUUID() + "@example.com";
    String added = "sdk-otp-added-" + UUID.randomUUID() + "@example.com";
    var created = success(stytch.getMagicLinks().getEmail().loginOrCreateCompletable(
        new com.stytch.java.consumer.models.magiclinksemail.LoginOrCreateRequest(first)));
    var session = success(stytch.getMagicLinks().authenticateCompletable(
        new com.stytch.java.consumer.models.magiclinks.AuthenticateRequest(smtp.linkToken(first), null, null, null,
            60)));

    var sent = success(stytch.getOtps().getEmail().sendCompletable(
        new com.stytch.java.consumer.models.otpemail.SendRequest(added, null, null, null, null,
            session.getSessionToken(), null)));
    assertThat(sent.getUserId()).isEqualTo(created.getUserId());

    var byCode = success(stytch.getOtps().authenticateCompletable(
        new com.stytch.java.consumer.models.otp.AuthenticateRequest(sent.getEmailId(), smtp.code(added), null, null,
            session.getSessionToken())));
    assertThat(byCode.getUserId()).isEqualTo(created.getUserId());
    assertThat(byCode.getSession().getSessionId()).isEqualTo(session.getSession().getSessionId());
    assertThat(byCode.getUser().getEmails()).anySatisfy(e -> {
      assertThat(e.getEmail()).isEqualTo(added);
      assertThat(e.getVerified()).isTrue();
    });
  }

  @Test
  void magicLinksAuthenticateHonoursTheOptionsAndAttributesTheSdkSends() {
    String email = "sdk-options-" + UUID.randomUUID() + "@example.com";
    var laptop = new com.stytch.java.consumer.models.attribute.Attributes("2001:db8::42", "SdkLaptop/1.0");
    success(stytch.getMagicLinks().getEmail().loginOrCreateCompletable(
        new com.stytch.java.consumer.models.magiclinksemail.LoginOrCreateRequest(email, null, null, null, null, null,
            null, laptop)));
    String token = smtp.linkToken(email);
    var both = new com.stytch.java.consumer.models.magiclinks.Options(true, true);

    ErrorResponse mismatch = error(stytch.getMagicLinks().authenticateCompletable(
        new com.stytch.java.consumer.models.magiclinks.AuthenticateRequest(token,
            new com.stytch.java.consumer.models.attribute.Attributes("198.51.100.9", "SdkLaptop/1.0"), both, null,
            60)));
    assertThat(mismatch.getStatusCode()).isEqualTo(401);
    assertThat(mismatch.getErrorType()).isEqualTo("attribute_mismatch");

    // The link survived the refusal; from the device that asked for it (the address written in full) it signs in.
    var in = success(stytch.getMagicLinks().authenticateCompletable(
        new com.stytch.java.consumer.models.magiclinks.AuthenticateRequest(token,
            new com.stytch.java.consumer.models.attribute.Attributes("2001:db8:0:0:0:0:0:42", "SdkLaptop/1.0"), both,
            null, 60)));
    assertThat(in.getSession().getAttributes().getUserAgent()).isEqualTo("SdkLaptop/1.0");
    assertThat(in.getSession().getAttributes().getIpAddress()).isEqualTo("2001:db8:0:0:0:0:0:42");
  }

  @Test
  void passwordResetByEmailAndTheStrengthCheckThroughTheSdk() {
    String email = "sdk-" + UUID.randomUUID() + "@example.com";
    var user = success(stytch.getUsers().createCompletable(
        new com.stytch.java.consumer.models.users.CreateRequest(email)));

    ResetStartResponse started = success(stytch.getPasswords().getEmail().resetStartCompletable(
        new ResetStartRequest(email)));
    assertThat(started.getUserId()).isEqualTo(user.getUserId());
    assertThat(started.getEmailId()).isEqualTo(user.getEmailId());
    ResetResponse reset = success(stytch.getPasswords().getEmail().resetCompletable(
        new ResetRequest(smtp.linkToken(email), PASSWORD, null, 60)));
    assertThat(reset.getUser().getPassword()).isNotNull();
    assertThat(reset.getSession().getAuthenticationFactors()).extracting(AuthenticationFactor::getType)
        .containsExactly(AuthenticationFactorType.PASSWORD);

    StrengthCheckResponse weak = success(stytch.getPasswords().strengthCheckCompletable(
        new StrengthCheckRequest("password", email)));
    assertThat(weak.getValidPassword()).isFalse();
    assertThat(weak.getFeedback().getWarning()).isNotEmpty();
    StrengthCheckResponse strong = success(stytch.getPasswords().strengthCheckCompletable(
        new StrengthCheckRequest(PASSWORD)));
    assertThat(strong.getValidPassword()).isTrue();
    assertThat(strong.getScore()).isGreaterThanOrEqualTo(3);
    assertThat(strong.getFeedback().getSuggestions()).isEqualTo(List.of());
  }


}
