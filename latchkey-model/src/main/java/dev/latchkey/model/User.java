package dev.latchkey.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A user as the API returns it (Stytch's {@code User}). Every list is present even when empty, because the
 * official Java SDK declares them non-null; {@code name}, {@code password} and the lock times may be null.
 */
public record User(
    String userId,
    List<Email> emails,
    String status,
    List<PhoneNumber> phoneNumbers,
    List<WebAuthnRegistration> webauthnRegistrations,
    List<Map<String, Object>> providers,
    List<Totp> totps,
    List<Map<String, Object>> cryptoWallets,
    List<Map<String, Object>> biometricRegistrations,
    @JsonProperty("is_locked") boolean isLocked,
    List<String> roles,
    Name name,
    Instant createdAt,
    Password password,
    Map<String, Object> trustedMetadata,
    Map<String, Object> untrustedMetadata,
    String externalId,
    Instant lockCreatedAt,
    Instant lockExpiresAt) {

  public record Email(String emailId, String email, boolean verified) {}

  public record PhoneNumber(String phoneId, String phoneNumber, boolean verified) {}

  public record Totp(String totpId, boolean verified) {}

  /**
   * A passkey or WebAuthn registration (Stytch's {@code WebAuthnRegistration}): {@code authenticator_type} is
   * {@code platform}, {@code cross-platform} or empty when the registration allowed both.
   */
  public record WebAuthnRegistration(String webauthnRegistrationId, String domain, String userAgent, boolean verified,
      String authenticatorType, String name) {}

  public record Name(String firstName, String middleName, String lastName) {
    public static final Name EMPTY = new Name("", "", "");
  }

  public record Password(String passwordId, boolean requiresReset) {}
}
