package dev.latchkey.server.store;

import dev.latchkey.model.User;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A user row with its emails, password, TOTP, OAuth and WebAuthn registrations (id and whether verified; the secrets live in
 * {@link TotpStore}). Metadata maps are immutable copies.
 */
public record UserRecord(
    String userId,
    String status,
    User.Name name,
    Map<String, Object> trustedMetadata,
    Map<String, Object> untrustedMetadata,
    String externalId,
    Instant createdAt,
    List<StoredEmail> emails,
    StoredPassword password,
    List<User.Totp> totps,
    List<StoredProvider> providers,
    List<User.WebAuthnRegistration> webauthnRegistrations) {

  public UserRecord {
    emails = List.copyOf(emails);
    totps = List.copyOf(totps);
    providers = List.copyOf(providers);
    webauthnRegistrations = List.copyOf(webauthnRegistrations);
  }

  /** A user without OAuth or WebAuthn registrations. */
  public UserRecord(String userId, String status, User.Name name, Map<String, Object> trustedMetadata,
      Map<String, Object> untrustedMetadata, String externalId, Instant createdAt, List<StoredEmail> emails,
      StoredPassword password, List<User.Totp> totps) {
    this(userId, status, name, trustedMetadata, untrustedMetadata, externalId, createdAt, emails, password, totps,
        List.of(), List.of());
  }

  /** A user without TOTP registrations (a new user, or one built before they are read). */
  public UserRecord(String userId, String status, User.Name name, Map<String, Object> trustedMetadata,
      Map<String, Object> untrustedMetadata, String externalId, Instant createdAt, List<StoredEmail> emails,
      StoredPassword password) {
    this(userId, status, name, trustedMetadata, untrustedMetadata, externalId, createdAt, emails, password,
        List.of());
  }

  public UserRecord withPassword(StoredPassword newPassword) {
    return new UserRecord(userId, status, name, trustedMetadata, untrustedMetadata, externalId, createdAt, emails,
        newPassword, totps, providers, webauthnRegistrations);
  }

  /**
   * A provider account linked to the user (an OAuth registration): the wire form of one {@code providers[]} entry,
   * Stytch's {@code {provider_type, provider_subject, profile_picture_url, locale, oauth_user_registration_id}}.
   */
  public record StoredProvider(String oauthUserRegistrationId, String providerType, String providerSubject,
      String profilePictureUrl, String locale) {}

  public record StoredEmail(String emailId, String email, boolean verified) {}

  /** A password hash; {@link #toString()} leaves the hash out so it never reaches a log. */
  public record StoredPassword(String passwordId, String hash, boolean requiresReset) {
    @Override
    public String toString() {
      return "StoredPassword[passwordId=" + passwordId + ", hash=<redacted>, requiresReset=" + requiresReset + "]";
    }
  }
}
