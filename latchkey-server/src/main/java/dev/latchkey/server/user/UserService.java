package dev.latchkey.server.user;

import dev.latchkey.model.User;
import dev.latchkey.model.UserCreateRequest;
import dev.latchkey.model.UserUpdateRequest;
import dev.latchkey.server.error.ErrorCode;
import dev.latchkey.server.crypto.Ids;
import dev.latchkey.server.session.SessionService;
import dev.latchkey.server.store.DuplicateKeyException;
import dev.latchkey.server.store.UserRecord;
import dev.latchkey.server.store.UserStore;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
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

  public UserRecord get(String userId) {
    checkUserId(userId);
    return store.find(userId).orElseThrow(ErrorCode.USER_NOT_FOUND::exception);
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
        u.totps(), u.webauthnRegistrations());
    try {
      if (!store.update(next)) {
        throw ErrorCode.USER_NOT_FOUND.exception();
      }
    } catch (DuplicateKeyException e) {
      throw ErrorCode.DUPLICATE_USER_EXTERNAL_ID.exception();
    }
    return next;
  }

  /** Deletes the user with its emails, password and every session. */
  public void delete(String userId) {
    checkUserId(userId);
    if (!store.delete(userId)) {
      throw ErrorCode.USER_NOT_FOUND.exception();
    }
  }

  /** The wire form: every list present, even when empty. */
  public static User toWire(UserRecord u) {
    return new User(u.userId(),
        u.emails().stream().map(e -> new User.Email(e.emailId(), e.email(), e.verified())).toList(),
        u.status(), List.of(), u.webauthnRegistrations(), List.of(), u.totps(), List.of(), List.of(), false,
        SessionService.DEFAULT_ROLES, u.name(), u.createdAt(),
        u.password() == null ? null : new User.Password(u.password().passwordId(), u.password().requiresReset()),
        u.trustedMetadata(), u.untrustedMetadata(), u.externalId(), null, null);
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
