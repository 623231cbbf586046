package dev.latchkey.server.user;

import dev.latchkey.model.User;
import dev.latchkey.model.UserCreateRequest;
import dev.latchkey.model.UserUpdateRequest;
import dev.latchkey.server.error.ErrorCode;
import dev.latchkey.server.crypto.Ids;
import dev.latchkey.server.session.SessionService;
import dev.latchkey.server.store.DuplicateKeyException;
import dev.latchkey.server.store.UserRecord;
import dev.latchkey.server.store.UserSearch;
import dev.latchkey.server.store.UserStore;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Users: creation with an email, reading, updating name and metadata, and deletion with all their sessions and
 * TOTP registrations.
 */
public final class UserService {
  private static final Pattern EXTERNAL_ID = Pattern.compile("[A-Za-z0-9._\\-|]{1,128}");

  private final UserStore store;
  private final Ids ids;
  private final Clock clock;

  public UserService(UserStore store, Ids ids, Clock clock) {
    this.store = store;
    this.ids = ids;
    this.clock = clock;
  }

  /** A user not yet stored, from the fields every way of creating one shares. */
  public UserRecord newUser(String email, User.Name name, boolean pending, Map<String, Object> trusted,
      Map<String, Object> untrusted, String externalId) {
    String normalized = EmailAddresses.normalize(email);
    checkExternalId(externalId);
    return new UserRecord(ids.user(), pending ? "pending" : "active", Names.merge(User.Name.EMPTY, name),
        Metadata.merge(Map.of(), trusted, "trusted_metadata"), Metadata.merge(Map.of(), untrusted,
            "untrusted_metadata"), externalId, now(), List.of(new UserRecord.StoredEmail(ids.email(), normalized,
                false)), null);
  }

  /** A fresh {@code email_id}, for an address added to an existing user. */
  public String newEmailId() {
    return ids.email();
  }

  /**
   * A user not yet stored, with no email: signed up by a sign-in method that proves no address (an OAuth provider
   * that does not vouch for the email it gives).
   */
  public UserRecord newUserWithoutEmail(User.Name name) {
    return new UserRecord(ids.user(), "active", Names.merge(User.Name.EMPTY, name), Map.of(), Map.of(), null, now(),
        List.of(), null);
  }

  public UserRecord create(UserCreateRequest r) {
    if (r.phoneNumber() != null && !r.phoneNumber().isEmpty()) {
      throw ErrorCode.PHONE_NUMBERS_NOT_SUPPORTED.exception();
    }
    if (r.email() == null || r.email().isEmpty()) {
      throw ErrorCode.MISSING_REQUIRED_FIELD.exception("email is required (phone numbers are not supported yet).");
    }
    UserRecord user = newUser(r.email(), r.name(), Boolean.TRUE.equals(r.createUserAsPending()),
        r.trustedMetadata(), r.untrustedMetadata(), r.externalId());
    insert(user);
    return user;
  }

  /** Stores a new user; a taken email or external id is a 400 naming it. */
  public void insert(UserRecord user) {
    try {
      store.create(user);
    } catch (DuplicateKeyException e) {
      throw "external_id".equals(e.field()) ? ErrorCode.DUPLICATE_USER_EXTERNAL_ID.exception()
          : ErrorCode.DUPLICATE_EMAIL.exception();
    }
  }

  /**
   * The user with this {@code user_id} or, as Stytch accepts wherever a user_id goes, this {@code external_id}. An id
   * of a user id's form that no user has is {@code user_not_found}; anything else that is no user's external id is
   * {@code invalid_user_id}.
   */
  public UserRecord get(String userIdOrExternalId) {
    String id = userIdOrExternalId;
    if (id == null || id.isEmpty() || id.length() > 128) {
      throw ErrorCode.INVALID_USER_ID.exception();
    }
    boolean userIdForm = id.startsWith("user-");
    if (userIdForm) {
      Optional<UserRecord> user = store.find(id);
      if (user.isPresent()) {
        return user.get();
      }
    }
    if (EXTERNAL_ID.matcher(id).matches()) {
      Optional<UserRecord> user = store.findByExternalId(id);
      if (user.isPresent()) {
        return user.get();
      }
    }
    throw userIdForm ? ErrorCode.USER_NOT_FOUND.exception() : ErrorCode.INVALID_USER_ID.exception();
  }

  /** Removes the user's external id ({@code DELETE /v1/users/{user_id}/external_id}); the user after it. */
  public UserRecord deleteExternalId(String userIdOrExternalId) {
    UserRecord u = get(userIdOrExternalId);
    UserRecord next = new UserRecord(u.userId(), u.status(), u.name(), u.trustedMetadata(), u.untrustedMetadata(),
        null, u.createdAt(), u.emails(), u.password(), u.totps());
    if (!store.update(next)) {
      throw ErrorCode.USER_NOT_FOUND.exception();
    }
    return next;
  }

  public UserRecord update(String userId, UserUpdateRequest r) {
    UserRecord u = get(userId);
    if (r.externalId() != null) {
      checkExternalId(r.externalId());
    }
    UserRecord next = new UserRecord(u.userId(), u.status(), Names.merge(u.name(), r.name()),
        Metadata.merge(u.trustedMetadata(), r.trustedMetadata(), "trusted_metadata"),
        Metadata.merge(u.untrustedMetadata(), r.untrustedMetadata(), "untrusted_metadata"),
        r.externalId() != null ? r.externalId() : u.externalId(), u.createdAt(), u.emails(), u.password(),
        u.totps(), u.providers(), u.webauthnRegistrations());
    try {
      if (!store.update(next)) {
        throw ErrorCode.USER_NOT_FOUND.exception();
      }
    } catch (DuplicateKeyException e) {
      throw ErrorCode.DUPLICATE_USER_EXTERNAL_ID.exception();
    }
    return next;
  }

  /** Deletes the user (by user id or external id) with its emails, password and every session; its user id. */
  public String delete(String userIdOrExternalId) {
    String userId = get(userIdOrExternalId).userId();
    if (!store.delete(userId)) {
      throw ErrorCode.USER_NOT_FOUND.exception();
    }
    return userId;
  }

  /**
   * Removes one email address from its user and returns the user as it is now. The user keeps its other factors
   * and its sessions, as in Stytch; links and codes mailed to the address die with it. Deleting the last address
   * leaves a user without one (it can get one again through a magic link or email code sent with its user_id).
   */
  public UserRecord deleteEmail(String emailId) {
    String userId = store.deleteEmail(emailId == null ? "" : emailId)
        .orElseThrow(() -> ErrorCode.EMAIL_NOT_FOUND.exception("No email with this email_id."));
    return store.find(userId).orElseThrow(ErrorCode.USER_NOT_FOUND::exception);
  }

  /** Removes a user's password and returns the user as it is now. */
  public UserRecord deletePassword(String passwordId) {
    String userId = store.deletePassword(passwordId == null ? "" : passwordId)
        .orElseThrow(ErrorCode.PASSWORD_NOT_FOUND::exception);
    return store.find(userId).orElseThrow(ErrorCode.USER_NOT_FOUND::exception);
  }

  /** One page of {@code POST /v1/users/search}. */
  public UserSearch.Page search(UserSearch search) {
    return store.search(search);
  }

  /** The wire form: every list present, even when empty. */
  public static User toWire(UserRecord u) {
    return new User(u.userId(),
        u.emails().stream().map(e -> new User.Email(e.emailId(), e.email(), e.verified())).toList(),
        u.status(), List.of(), u.webauthnRegistrations(), providers(u), u.totps(), List.of(), List.of(), false,
        SessionService.DEFAULT_ROLES, u.name(), u.createdAt(),
        u.password() == null ? null : new User.Password(u.password().passwordId(), u.password().requiresReset()),
        u.trustedMetadata(), u.untrustedMetadata(), u.externalId(), null, null);
  }

  /** Stytch's {@code providers[]}: every field present (the Java SDK declares them non-null). */
  private static List<Map<String, Object>> providers(UserRecord u) {
    return u.providers().stream().map(p -> {
      Map<String, Object> m = new java.util.LinkedHashMap<>();
      m.put("provider_type", p.providerType());
      m.put("provider_subject", p.providerSubject());
      m.put("profile_picture_url", p.profilePictureUrl());
      m.put("locale", p.locale());
      m.put("oauth_user_registration_id", p.oauthUserRegistrationId());
      return m;
    }).toList();
  }

  public static void checkUserId(String userId) {
    if (userId == null || !userId.startsWith("user-") || userId.length() > 128) {
      throw ErrorCode.INVALID_USER_ID.exception();
    }
  }

  private static void checkExternalId(String externalId) {
    if (externalId != null && !EXTERNAL_ID.matcher(externalId).matches()) {
      throw ErrorCode.INVALID_EXTERNAL_ID.exception();
    }
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }
}
