package dev.latchkey.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * One way the user proved who they are in a session. {@code type} and {@code deliveryMethod} only take values
 * from Stytch's enums (the Java SDK fails on any other). Exactly one of the {@code *Factor} sub-objects is set for
 * factors that have one; the others are omitted from the JSON.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuthenticationFactor(
    String type,
    String deliveryMethod,
    Instant lastAuthenticatedAt,
    Instant createdAt,
    Instant updatedAt,
    EmailFactor emailFactor,
    AuthenticatorAppFactor authenticatorAppFactor,
    RecoveryCodeFactor recoveryCodeFactor,
    OAuthFactor googleOauthFactor,
    OAuthFactor microsoftOauthFactor,
    OAuthFactor appleOauthFactor,
    OAuthFactor githubOauthFactor,
    WebAuthnFactor webauthnFactor) {

  /** A factor without an OAuth or WebAuthn sub-object. */
  public AuthenticationFactor(String type, String deliveryMethod, Instant lastAuthenticatedAt, Instant createdAt,
      Instant updatedAt, EmailFactor emailFactor, AuthenticatorAppFactor authenticatorAppFactor,
      RecoveryCodeFactor recoveryCodeFactor) {
    this(type, deliveryMethod, lastAuthenticatedAt, createdAt, updatedAt, emailFactor, authenticatorAppFactor,
        recoveryCodeFactor, null, null, null, null, null);
  }

  /**
   * An OAuth sign-in: {@code type: oauth}, {@code delivery_method: oauth_<provider>} with
   * {@code <provider>_oauth_factor {id, provider_subject, email_id}} ({@code id} is the
   * {@code oauth_user_registration_id}). The generic OIDC provider has no Stytch counterpart: it is
   * {@code delivery_method: sso_oidc} (a value of Stytch's enum) without a sub-object.
   */
  public static AuthenticationFactor oauth(String provider, String registrationId, String providerSubject,
      String emailId, Instant at) {
    OAuthFactor f = new OAuthFactor(registrationId, providerSubject, emailId);
    return switch (provider) {
      case "google" -> new AuthenticationFactor("oauth", "oauth_google", at, at, at, null, null, null, f, null, null,
          null, null);
      case "microsoft" -> new AuthenticationFactor("oauth", "oauth_microsoft", at, at, at, null, null, null, null, f,
          null, null, null);
      case "apple" -> new AuthenticationFactor("oauth", "oauth_apple", at, at, at, null, null, null, null, null, f,
          null, null);
      case "github" -> new AuthenticationFactor("oauth", "oauth_github", at, at, at, null, null, null, null, null,
          null, f, null);
      default -> new AuthenticationFactor("oauth", "sso_oidc", at, at, at, null, null, null);
    };
  }

  /** The password factor: {@code type: password}, {@code delivery_method: knowledge}, no sub-object. */
  public static AuthenticationFactor password(Instant at) {
    return new AuthenticationFactor("password", "knowledge", at, at, at, null, null, null);
  }

  /**
   * The authenticator-app factor: {@code type: totp}, {@code delivery_method: authenticator_app}, with
   * {@code authenticator_app_factor.totp_id}.
   */
  public static AuthenticationFactor totp(String totpId, Instant at) {
    return new AuthenticationFactor("totp", "authenticator_app", at, at, at, null, new AuthenticatorAppFactor(totpId),
        null);
  }

  /**
   * The recovery-code factor: {@code type: recovery_codes}, {@code delivery_method: recovery_code}, with
   * {@code recovery_code_factor.totp_recovery_code_id} naming the code that was used.
   */
  public static AuthenticationFactor recoveryCode(String totpRecoveryCodeId, Instant at) {
    return new AuthenticationFactor("recovery_codes", "recovery_code", at, at, at, null, null,
        new RecoveryCodeFactor(totpRecoveryCodeId));
  }

  /** An email magic link: {@code type: magic_link}, {@code delivery_method: email}, with the email proven. */
  public static AuthenticationFactor magicLink(Instant at, String emailId, String emailAddress) {
    return new AuthenticationFactor("magic_link", "email", at, at, at, new EmailFactor(emailId, emailAddress), null,
        null);
  }

  /**
   * A session carried over from another identity provider ({@code POST /v1/sessions/migrate}): the email it vouched
   * for. Stytch's delivery method for an access token exchanged with a provider.
   */
  public static AuthenticationFactor imported(Instant at, String emailId, String emailAddress) {
    return new AuthenticationFactor("imported", "oauth_access_token_exchange", at, at, at,
        new EmailFactor(emailId, emailAddress), null, null);
  }

  /** An email one-time passcode: {@code type: otp}, {@code delivery_method: email}, with the email proven. */
  public static AuthenticationFactor emailOtp(Instant at, String emailId, String emailAddress) {
    return new AuthenticationFactor("otp", "email", at, at, at, new EmailFactor(emailId, emailAddress), null, null);
  }

  /**
   * A passkey or WebAuthn credential: {@code type: webauthn}, {@code delivery_method: webauthn_registration}, with
   * {@code webauthn_factor {webauthn_registration_id, domain, user_agent}} naming the registration used.
   */
  public static AuthenticationFactor webauthn(String webauthnRegistrationId, String domain, String userAgent,
      Instant at) {
    return new AuthenticationFactor("webauthn", "webauthn_registration", at, at, at, null, null, null, null, null,
        null, null, new WebAuthnFactor(webauthnRegistrationId, domain, userAgent));
  }

  /** The same factor, authenticated again at {@code at}: creation time is kept. */
  public AuthenticationFactor reauthenticated(Instant at) {
    return new AuthenticationFactor(type, deliveryMethod, at, createdAt, at, emailFactor, authenticatorAppFactor,
        recoveryCodeFactor, googleOauthFactor, microsoftOauthFactor, appleOauthFactor, githubOauthFactor, webauthnFactor);
  }

  /** True when both describe the same factor (same kind and same email, app or code), whatever the times. */
  public boolean sameFactorAs(AuthenticationFactor other) {
    return type.equals(other.type) && deliveryMethod.equals(other.deliveryMethod)
        && java.util.Objects.equals(emailFactor, other.emailFactor)
        && java.util.Objects.equals(authenticatorAppFactor, other.authenticatorAppFactor)
        && java.util.Objects.equals(recoveryCodeFactor, other.recoveryCodeFactor)
        && java.util.Objects.equals(googleOauthFactor, other.googleOauthFactor)
        && java.util.Objects.equals(microsoftOauthFactor, other.microsoftOauthFactor)
        && java.util.Objects.equals(appleOauthFactor, other.appleOauthFactor)
        && java.util.Objects.equals(githubOauthFactor, other.githubOauthFactor)
        && java.util.Objects.equals(webauthnFactor == null ? null : webauthnFactor.webauthnRegistrationId(),
            other.webauthnFactor == null ? null : other.webauthnFactor.webauthnRegistrationId());
  }

  public record EmailFactor(String emailId, String emailAddress) {}

  public record AuthenticatorAppFactor(String totpId) {}

  public record RecoveryCodeFactor(String totpRecoveryCodeId) {}

  /** Stytch's {@code <provider>_oauth_factor}: the registration id, the provider's subject, and the email proven. */
  public record OAuthFactor(String id, String providerSubject, String emailId) {}

  /** Stytch's {@code webauthn_factor}: the registration used, its domain and the user agent that used it. */
  public record WebAuthnFactor(String webauthnRegistrationId, String domain, String userAgent) {}
}
