package dev.latchkey.server.factor.webauthn;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.yubico.webauthn.AssertionRequest;
import com.yubico.webauthn.AssertionResult;
import com.yubico.webauthn.FinishAssertionOptions;
import com.yubico.webauthn.FinishRegistrationOptions;
import com.yubico.webauthn.RegistrationResult;
import com.yubico.webauthn.RelyingParty;
import com.yubico.webauthn.StartAssertionOptions;
import com.yubico.webauthn.StartRegistrationOptions;
import com.yubico.webauthn.data.AuthenticatorAssertionResponse;
import com.yubico.webauthn.data.AuthenticatorAttachment;
import com.yubico.webauthn.data.AuthenticatorAttestationResponse;
import com.yubico.webauthn.data.AuthenticatorSelectionCriteria;
import com.yubico.webauthn.data.ByteArray;
import com.yubico.webauthn.data.ClientAssertionExtensionOutputs;
import com.yubico.webauthn.data.ClientRegistrationExtensionOutputs;
import com.yubico.webauthn.data.PublicKeyCredential;
import com.yubico.webauthn.data.PublicKeyCredentialCreationOptions;
import com.yubico.webauthn.data.PublicKeyCredentialDescriptor;
import com.yubico.webauthn.data.ResidentKeyRequirement;
import com.yubico.webauthn.data.UserIdentity;
import com.yubico.webauthn.data.UserVerificationRequirement;
import com.yubico.webauthn.exception.AssertionFailedException;
import com.yubico.webauthn.exception.InvalidSignatureCountException;
import com.yubico.webauthn.exception.RegistrationFailedException;
import dev.latchkey.model.Attributes;
import dev.latchkey.model.AuthenticationFactor;
import dev.latchkey.model.User;
import dev.latchkey.model.WebAuthnAuthenticateRequest;
import dev.latchkey.model.WebAuthnAuthenticateStartRequest;
import dev.latchkey.model.WebAuthnRegisterRequest;
import dev.latchkey.model.WebAuthnRegisterStartRequest;
import dev.latchkey.server.crypto.Ids;
import dev.latchkey.server.crypto.Secrets;
import dev.latchkey.server.error.ErrorCode;
import dev.latchkey.server.session.CustomClaims;
import dev.latchkey.server.session.IssuedSession;
import dev.latchkey.server.session.SessionService;
import dev.latchkey.server.store.DuplicateKeyException;
import dev.latchkey.server.store.UserRecord;
import dev.latchkey.server.store.WebAuthnCeremonyRecord;
import dev.latchkey.server.store.WebAuthnRegistrationRecord;
import dev.latchkey.server.store.WebAuthnStore;
import dev.latchkey.server.user.UserService;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Passkeys and WebAuthn, Stytch's way, with Yubico's {@code webauthn-server-core} doing every check of the
 * ceremonies (client data, origin, RP ID hash, flags, attestation, signature, counter). What this class adds: which
 * domains and origins are allowed ({@link RelyingParties}), the pending ceremony between start and finish (kept
 * server-side under the SHA-256 of its challenge, single use, {@link #CEREMONY_LIFETIME}), the registrations, and the
 * session rules every sign-in method follows.
 */
public final class WebAuthnService {
  /** How long a started ceremony can be finished; also the timeout the browser is given. */
  public static final Duration CEREMONY_LIFETIME = Duration.ofMinutes(5);
  private static final Logger LOG = LoggerFactory.getLogger(WebAuthnService.class);
  private static final int MAX_NAME_LENGTH = 64;
  private static final int MAX_USER_AGENT_LENGTH = 512;
  /** WebAuthn limits user.id to 64 bytes. */
  private static final int MAX_USER_HANDLE_BYTES = 64;

  private final WebAuthnStore store;
  private final UserService users;
  private final SessionService sessions;
  private final RelyingParties relyingParties;
  private final Ids ids;
  private final Clock clock;

  public WebAuthnService(WebAuthnStore store, UserService users, SessionService sessions, List<String> origins,
      Ids ids, Clock clock) {
    this.store = store;
    this.users = users;
    this.sessions = sessions;
    this.relyingParties = new RelyingParties(origins, store, clock);
    this.ids = ids;
    this.clock = clock;
  }

  /** Options to hand to {@code navigator.credentials.*}: a JSON text, and the user they are for ("" for none). */
  public record Started(String userId, String optionsJson) {}

  /** A finished ceremony: the user as it is now, the registration used, and the session created or touched. */
  public record Outcome(UserRecord user, String webauthnRegistrationId, IssuedSession session) {}

  public Started registerStart(WebAuthnRegisterStartRequest r) {
    String userId = required(r.userId(), "user_id");
    String domain = required(r.domain(), "domain");
    RelyingParty rp = relyingParties.forDomain(domain);
    UserRecord user = users.get(userId);
    String authenticatorType = authenticatorType(r.authenticatorType());
    boolean passkey = Boolean.TRUE.equals(r.returnPasskeyCredentialOptions());
    String userAgent = r.userAgent() == null ? "" : r.userAgent();
    if (userAgent.length() > MAX_USER_AGENT_LENGTH) {
      throw ErrorCode.BAD_REQUEST.exception("user_agent may not exceed " + MAX_USER_AGENT_LENGTH + " characters.");
    }
    String email = user.emails().isEmpty() ? user.userId() : user.emails().get(0).email();
    String name = nonBlankOr(r.overrideName(), email);
    UserIdentity identity = UserIdentity.builder().name(name)
        .displayName(nonBlankOr(r.overrideDisplayName(), name)).id(userHandle(user, r.overrideId())).build();
    AuthenticatorSelectionCriteria.AuthenticatorSelectionCriteriaBuilder selection =
        AuthenticatorSelectionCriteria.builder()
            .residentKey(passkey ? ResidentKeyRequirement.REQUIRED : ResidentKeyRequirement.DISCOURAGED)
            .userVerification(passkey ? UserVerificationRequirement.REQUIRED : UserVerificationRequirement.PREFERRED);
    if (!authenticatorType.isEmpty()) {
      selection.authenticatorAttachment(authenticatorType.equals("platform") ? AuthenticatorAttachment.PLATFORM
          : AuthenticatorAttachment.CROSS_PLATFORM);
    }
    PublicKeyCredentialCreationOptions options = rp.startRegistration(StartRegistrationOptions.builder()
        .user(identity).authenticatorSelection(selection.build()).timeout(CEREMONY_LIFETIME.toMillis()).build());
    // The user's credentials for this domain are excluded, so one authenticator is not registered twice.
    Set<PublicKeyCredentialDescriptor> existing =
        new StoredCredentials(store, domain).getCredentialIdsForUsername(userId);
    options = options.toBuilder().excludeCredentials(existing).build();
    Instant now = now();
    store.startCeremony(new WebAuthnCeremonyRecord(challengeHash(options.getChallenge()),
        WebAuthnCeremonyRecord.REGISTER, userId, domain, Encoding.withoutChallenge(json(options)), userAgent,
        authenticatorType, passkey,
        now.plus(CEREMONY_LIFETIME)));
    return new Started(userId, Encoding.options(credentialsCreateJson(options),
        Boolean.TRUE.equals(r.useBase64UrlEncoding())));
  }

  public Outcome register(WebAuthnRegisterRequest r, Attributes attributes) {
    String userId = required(r.userId(), "user_id");
    PublicKeyCredential<AuthenticatorAttestationResponse, ClientRegistrationExtensionOutputs> credential =
        parseRegistration(required(r.publicKeyCredential(), "public_key_credential"));
    SessionService.SessionRef ref = SessionService.SessionRef.of(r.sessionToken(), r.sessionJwt());
    checkSessionFields(ref, r.sessionDurationMinutes(), r.sessionCustomClaims());
    users.get(userId);
    sessions.requireOwnedBy(ref, userId);
    Instant now = now();
    WebAuthnCeremonyRecord ceremony = store.takeCeremony(
        challengeHash(credential.getResponse().getClientData().getChallenge()), now)
        .filter(c -> c.kind().equals(WebAuthnCeremonyRecord.REGISTER) && userId.equals(c.userId()))
        .orElseThrow(ErrorCode.NO_PENDING_WEBAUTHN_REGISTRATION::exception);
    PublicKeyCredentialCreationOptions request;
    try {
      request = PublicKeyCredentialCreationOptions.fromJson(Encoding.withChallenge(ceremony.requestJson(),
          credential.getResponse().getClientData().getChallenge().getBase64Url()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a stored registration ceremony could not be read", e);
    }
    RegistrationResult result;
    try {
      result = relyingParties.forDomain(ceremony.domain()).finishRegistration(
          FinishRegistrationOptions.builder().request(request).response(credential).build());
    } catch (RegistrationFailedException | IllegalArgumentException e) {
      // The library refuses a credential id it finds registered already; say so rather than "did not verify".
      if (store.findByCredentialId(credential.getId().getBase64Url()).isPresent()) {
        throw ErrorCode.DUPLICATE_WEBAUTHN_REGISTRATION.exception();
      }
      throw ErrorCode.UNABLE_TO_REGISTER_WEBAUTHN_REGISTRATION.exception(
          "The credential could not be registered: " + reason(e));
    }
    String type = result.getAuthenticatorAttachment().map(AuthenticatorAttachment::getValue)
        .orElse(ceremony.authenticatorType());
    WebAuthnRegistrationRecord registration = new WebAuthnRegistrationRecord(ids.webauthnRegistration(), userId,
        ceremony.domain(), result.getKeyId().getId().getBase64Url(), request.getUser().getId().getBase64Url(),
        result.getPublicKeyCose().getBase64Url(), result.getSignatureCount(), ceremony.userAgent(), type, "", true,
        now, null);
    try {
      store.create(registration);
    } catch (DuplicateKeyException e) {
      throw ErrorCode.DUPLICATE_WEBAUTHN_REGISTRATION.exception();
    }
    IssuedSession session = sessions.signIn(userId, factor(registration, now), ref, r.sessionDurationMinutes(),
        r.sessionCustomClaims(), attributes);
    return new Outcome(users.get(userId), registration.webauthnRegistrationId(), session);
  }

  public Started authenticateStart(WebAuthnAuthenticateStartRequest r) {
    String domain = required(r.domain(), "domain");
    RelyingParty rp = relyingParties.forDomain(domain);
    String userId = r.userId() == null || r.userId().isEmpty() ? null : r.userId();
    // A passkey sign-in names nobody: the credential is the whole proof, so the user must be verified on it.
    boolean verify = userId == null || Boolean.TRUE.equals(r.returnPasskeyCredentialOptions());
    StartAssertionOptions.StartAssertionOptionsBuilder options = StartAssertionOptions.builder()
        .userVerification(verify ? UserVerificationRequirement.REQUIRED : UserVerificationRequirement.PREFERRED)
        .timeout(CEREMONY_LIFETIME.toMillis());
    if (userId != null) {
      users.get(userId);
      if (new StoredCredentials(store, domain).getCredentialIdsForUsername(userId).isEmpty()) {
        throw ErrorCode.WEBAUTHN_REGISTRATION_NOT_FOUND.exception(
            "The user has no passkey or WebAuthn registration for " + domain + ".");
      }
      options.username(userId);
    }
    AssertionRequest request = rp.startAssertion(options.build());
    store.startCeremony(new WebAuthnCeremonyRecord(
        challengeHash(request.getPublicKeyCredentialRequestOptions().getChallenge()),
        WebAuthnCeremonyRecord.AUTHENTICATE, userId, domain, Encoding.withoutChallenge(json(request)), "", "", verify,
        now().plus(CEREMONY_LIFETIME)));
    return new Started(userId == null ? "" : userId, Encoding.options(credentialsGetJson(request),
        Boolean.TRUE.equals(r.useBase64UrlEncoding())));
  }

  public Outcome authenticate(WebAuthnAuthenticateRequest r, Attributes attributes) {
    PublicKeyCredential<AuthenticatorAssertionResponse, ClientAssertionExtensionOutputs> credential =
        parseAssertion(required(r.publicKeyCredential(), "public_key_credential"));
    SessionService.SessionRef ref = SessionService.SessionRef.of(r.sessionToken(), r.sessionJwt());
    checkSessionFields(ref, r.sessionDurationMinutes(), r.sessionCustomClaims());
    if (!ref.isEmpty()) {
      sessions.resolve(ref);
    }
    Instant now = now();
    WebAuthnCeremonyRecord ceremony = store.takeCeremony(
        challengeHash(credential.getResponse().getClientData().getChallenge()), now)
        .filter(c -> c.kind().equals(WebAuthnCeremonyRecord.AUTHENTICATE))
        .orElseThrow(() -> ErrorCode.UNABLE_TO_AUTH_WEBAUTHN_REGISTRATION.exception("No sign-in was started for "
            + "this challenge, or it was used or expired: call authenticate/start again."));
    AssertionRequest request;
    try {
      request = AssertionRequest.fromJson(Encoding.withChallenge(ceremony.requestJson(),
          credential.getResponse().getClientData().getChallenge().getBase64Url()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a stored sign-in ceremony could not be read", e);
    }
    AssertionResult result;
    try {
      result = relyingParties.forDomain(ceremony.domain()).finishAssertion(
          FinishAssertionOptions.builder().request(request).response(credential).build());
    } catch (InvalidSignatureCountException e) {
      // Yubico's advice: a counter that did not move forward may mean a cloned authenticator. Refuse, and record it
      // on the registration so that it shows up for whoever reviews the account.
      store.findByCredentialId(e.getCredentialId().getBase64Url()).ifPresent(reg -> {
        store.recordCloneWarning(reg.webauthnRegistrationId(), now);
        LOG.warn("WebAuthn registration {} of user {} presented signature counter {} (expected at least {}): "
            + "possibly a cloned authenticator; the sign-in was refused", reg.webauthnRegistrationId(), reg.userId(),
            e.getReceived(), e.getExpectedMinimum());
      });
      throw ErrorCode.UNABLE_TO_AUTH_WEBAUTHN_REGISTRATION.exception("The authenticator's signature counter did "
          + "not move forward: it may have been cloned. The registration was flagged.");
    } catch (AssertionFailedException | IllegalArgumentException e) {
      throw ErrorCode.UNABLE_TO_AUTH_WEBAUTHN_REGISTRATION.exception(
          "The credential could not be verified: " + reason(e));
    }
    if (!result.isSuccess()) {
      throw ErrorCode.UNABLE_TO_AUTH_WEBAUTHN_REGISTRATION.exception();
    }
    WebAuthnRegistrationRecord registration = store.findByCredentialId(
        result.getCredential().getCredentialId().getBase64Url())
        .orElseThrow(ErrorCode.WEBAUTHN_REGISTRATION_NOT_FOUND::exception);
    if (ceremony.userId() != null && !ceremony.userId().equals(registration.userId())) {
      throw ErrorCode.UNABLE_TO_AUTH_WEBAUTHN_REGISTRATION.exception(
          "The credential belongs to another user than the one the sign-in was started for.");
    }
    // Compare-and-set: two sign-ins with one assertion cannot both move the counter from the same value.
    if (!store.advanceSignCount(registration.webauthnRegistrationId(), registration.signCount(),
        result.getSignatureCount())) {
      throw ErrorCode.UNABLE_TO_AUTH_WEBAUTHN_REGISTRATION.exception(
          "The registration was used by another sign-in at the same moment; sign in again.");
    }
    IssuedSession session = sessions.signIn(registration.userId(), factor(registration, now), ref,
        r.sessionDurationMinutes(), r.sessionCustomClaims(), attributes);
    return new Outcome(users.get(registration.userId()), registration.webauthnRegistrationId(), session);
  }

  /** Renames a registration; returns it as it is now. */
  public User.WebAuthnRegistration update(String webauthnRegistrationId, String name) {
    if (name == null || name.isBlank() || name.length() > MAX_NAME_LENGTH
        || name.codePoints().anyMatch(Character::isISOControl)) {
      throw ErrorCode.EMPTY_WEBAUTHN_REGISTRATION_NAME.exception();
    }
    WebAuthnRegistrationRecord r = find(webauthnRegistrationId);
    if (!store.rename(r.webauthnRegistrationId(), name)) {
      throw ErrorCode.WEBAUTHN_REGISTRATION_NOT_FOUND.exception();
    }
    return new User.WebAuthnRegistration(r.webauthnRegistrationId(), r.domain(), r.userAgent(), r.verified(),
        r.authenticatorType(), name);
  }

  /** The registration, or {@code webauthn_registration_not_found}. */
  public WebAuthnRegistrationRecord find(String webauthnRegistrationId) {
    return Optional.ofNullable(webauthnRegistrationId).filter(id -> id.startsWith("webauthn-registration-"))
        .flatMap(store::findById).orElseThrow(ErrorCode.WEBAUTHN_REGISTRATION_NOT_FOUND::exception);
  }

  /** The user's registrations for {@code domain}, oldest first. */
  public List<WebAuthnRegistrationRecord> credentials(String userId, String domain) {
    users.get(required(userId, "user_id"));
    String d = required(domain, "domain");
    return store.listByUser(userId).stream().filter(r -> r.domain().equals(d)).toList();
  }

  /** Deletes a registration; returns its user as it is afterwards. */
  public UserRecord delete(String webauthnRegistrationId) {
    WebAuthnRegistrationRecord r = find(webauthnRegistrationId);
    if (!store.delete(r.webauthnRegistrationId())) {
      throw ErrorCode.WEBAUTHN_REGISTRATION_NOT_FOUND.exception();
    }
    return users.get(r.userId());
  }

  /** Deletes ceremonies that were never finished; returns how many. */
  public int purgeExpiredCeremonies(Instant now) {
    return store.purgeExpiredCeremonies(now);
  }

  /**
   * The user handle for a new credential: the one the user's authenticators already hold, else {@code override_id}
   * or the user id. An {@code override_id} that differs from the handle already in use is refused, since a user
   * with two handles could not be found from a discoverable credential reliably.
   */
  private ByteArray userHandle(UserRecord user, String overrideId) {
    Optional<String> existing = store.listByUser(user.userId()).stream().findFirst()
        .map(WebAuthnRegistrationRecord::userHandle);
    ByteArray requested = overrideId == null || overrideId.isEmpty() ? null
        : new ByteArray(overrideId.getBytes(StandardCharsets.UTF_8));
    if (requested != null && requested.size() > MAX_USER_HANDLE_BYTES) {
      throw ErrorCode.BAD_REQUEST.exception("override_id may not exceed 64 bytes (WebAuthn's limit for user.id).");
    }
    if (existing.isPresent()) {
      ByteArray handle = StoredCredentials.bytes(existing.get());
      if (requested != null && !requested.equals(handle)) {
        throw ErrorCode.BAD_REQUEST.exception("override_id must be the id this user's passkeys were registered "
            + "with; leave it out to use that one.");
      }
      return handle;
    }
    return requested != null ? requested : new ByteArray(user.userId().getBytes(StandardCharsets.UTF_8));
  }

  private static AuthenticationFactor factor(WebAuthnRegistrationRecord r, Instant at) {
    return AuthenticationFactor.webauthn(r.webauthnRegistrationId(), r.domain(), r.userAgent(), at);
  }

  private static String authenticatorType(String given) {
    if (given == null || given.isEmpty()) {
      return "";
    }
    if (!given.equals("platform") && !given.equals("cross-platform")) {
      throw ErrorCode.BAD_REQUEST.exception("authenticator_type must be platform or cross-platform (or left out "
          + "for either); got '" + given + "'.");
    }
    return given;
  }

  private static PublicKeyCredential<AuthenticatorAttestationResponse, ClientRegistrationExtensionOutputs>
      parseRegistration(String json) {
    try {
      return PublicKeyCredential.parseRegistrationResponseJson(Encoding.credential(json));
    } catch (IOException | RuntimeException e) {
      if (e instanceof dev.latchkey.server.error.ApiException api) {
        throw api;
      }
      throw ErrorCode.INVALID_PUBLIC_KEY_CREDENTIAL.exception("public_key_credential is not a registration "
          + "credential (the result of navigator.credentials.create): " + reason(e));
    }
  }

  private static PublicKeyCredential<AuthenticatorAssertionResponse, ClientAssertionExtensionOutputs>
      parseAssertion(String json) {
    try {
      return PublicKeyCredential.parseAssertionResponseJson(Encoding.credential(json));
    } catch (IOException | RuntimeException e) {
      if (e instanceof dev.latchkey.server.error.ApiException api) {
        throw api;
      }
      throw ErrorCode.INVALID_PUBLIC_KEY_CREDENTIAL.exception("public_key_credential is not an authentication "
          + "credential (the result of navigator.credentials.get): " + reason(e));
    }
  }

  /** The library's reason, first line only and bounded: it names the failed check, never a secret. */
  private static String reason(Exception e) {
    Throwable t = e.getCause() != null && e.getMessage() == null ? e.getCause() : e;
    String message = String.valueOf(t.getMessage()).lines().findFirst().orElse("");
    return message.length() > 200 ? message.substring(0, 200) + "..." : message;
  }

  private static String challengeHash(ByteArray challenge) {
    return Secrets.sha256(challenge.getBase64Url());
  }

  private static void checkSessionFields(SessionService.SessionRef ref, Integer duration, Map<String, Object> claims) {
    SessionService.checkRef(ref);
    SessionService.checkDuration(duration);
    CustomClaims.checkNames(claims);
  }

  private static String json(PublicKeyCredentialCreationOptions options) {
    try {
      return options.toJson();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("registration options could not be written", e);
    }
  }

  private static String json(AssertionRequest request) {
    try {
      return request.toJson();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an assertion request could not be written", e);
    }
  }

  private static String credentialsCreateJson(PublicKeyCredentialCreationOptions options) {
    try {
      return options.toCredentialsCreateJson();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("registration options could not be written", e);
    }
  }

  private static String credentialsGetJson(AssertionRequest request) {
    try {
      return request.toCredentialsGetJson();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an assertion request could not be written", e);
    }
  }

  private static String required(String value, String field) {
    if (value == null || value.isEmpty()) {
      throw ErrorCode.MISSING_REQUIRED_FIELD.exception(field + " is required.");
    }
    return value;
  }

  private static String nonBlankOr(String value, String fallback) {
    return value == null || value.isBlank() ? fallback : value;
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }
}
