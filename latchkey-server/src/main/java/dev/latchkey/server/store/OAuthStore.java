package dev.latchkey.server.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * OAuth sign-in: the provider accounts linked to users, and the three short-lived single-use records of a flow (the
 * state between the start redirect and the provider's callback, the token handed to the app, the attach token).
 * Every {@code consume*} deletes the row it returns in the same statement or transaction, so a record is used once
 * even when two requests race for it; an expired record is never returned.
 */
public interface OAuthStore {
  /** A provider account linked to a user: one {@code providers[]} entry. */
  record Registration(String registrationId, String userId, String provider, String providerSubject,
      String providerType, String profilePictureUrl, String locale, Instant createdAt) {}

  /**
   * A flow between start and callback. {@code providerVerifier} is sealed (the PKCE verifier Latchkey sends to the
   * provider); {@code codeChallenge} is the app's own PKCE challenge, checked at authenticate.
   */
  record State(String stateHash, String provider, String nonce, String providerVerifier, String verifierEncryption,
      String redirectUri, String codeChallenge, String loginRedirectUrl, String signupRedirectUrl,
      String attachUserId, String scopes, Instant createdAt, Instant expiresAt) {
    @Override
    public String toString() {
      return "State[provider=" + provider + ", verifier=<sealed>, expiresAt=" + expiresAt + "]";
    }
  }

  /** The token handed to the app; {@code providerValues} is the provider's tokens, sealed. */
  record Token(String tokenHash, String userId, String registrationId, String emailId, String codeChallenge,
      String providerValues, String valuesEncryption, Instant createdAt, Instant expiresAt) {
    @Override
    public String toString() {
      return "Token[userId=" + userId + ", registrationId=" + registrationId + ", values=<sealed>]";
    }
  }

  /** An attach token: links the next sign-in with {@code provider} to {@code userId}. */
  record AttachToken(String tokenHash, String userId, String provider, Instant createdAt, Instant expiresAt) {}

  /** {@link DuplicateKeyException} when the provider account is already linked (to this or another user). */
  void createRegistration(Registration registration);

  Optional<Registration> findRegistration(String provider, String providerSubject);

  Optional<Registration> findRegistrationById(String registrationId);

  List<Registration> registrationsOf(String userId);

  /** Deletes the registration with its unspent tokens; false when there is none. */
  boolean deleteRegistration(String registrationId);

  void createState(State state);

  Optional<State> consumeState(String stateHash, Instant now);

  void createToken(Token token);

  /** Reads without spending, so that a wrong PKCE verifier does not burn the token. */
  Optional<Token> findToken(String tokenHash, Instant now);

  Optional<Token> consumeToken(String tokenHash, Instant now);

  void createAttachToken(AttachToken token);

  Optional<AttachToken> consumeAttachToken(String tokenHash, Instant now);

  /** Deletes expired states, tokens and attach tokens; returns how many. */
  int purgeExpired(Instant now);
}
