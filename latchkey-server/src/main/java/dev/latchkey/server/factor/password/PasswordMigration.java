package dev.latchkey.server.factor.password;

import dev.latchkey.model.PasswordMigrateRequest;
import dev.latchkey.server.error.ErrorCode;
import dev.latchkey.server.session.SessionService;
import dev.latchkey.server.store.UserRecord;
import dev.latchkey.server.user.UserService;
import java.util.List;

/**
 * The checks of a {@code POST /v1/passwords/migrate} body shared by the endpoint and {@code latchkey import}: the
 * hash ({@link LegacyHash#from}), the email, the fields Latchkey cannot honour (phone numbers, roles other than
 * {@code stytch_user}), and the user a new account would be (name, metadata, external id checked as on create).
 *
 * <p>On an existing user (same email) only the hash is attached, the email marked verified when asked, and its
 * sessions ended unless {@code preserve_existing_sessions}; name, metadata and external id are used only when the
 * call creates the user, as Stytch does for {@code external_id}.
 */
public final class PasswordMigration {
  private PasswordMigration() {}

  /** A checked request: the hash, and the user to create when no user has the email. */
  public record Checked(LegacyHash hash, UserRecord newUser, boolean setEmailVerified,
      boolean preserveExistingSessions) {
    public String email() {
      return newUser.emails().get(0).email();
    }
  }

  /** Checks {@code r}; {@code userService} builds (not stores) the user a new account would be. */
  public static Checked check(PasswordMigrateRequest r, UserService userService, String passwordId) {
    if (r.phoneNumber() != null && !r.phoneNumber().isEmpty()
        || Boolean.TRUE.equals(r.setPhoneNumberVerified())) {
      throw ErrorCode.PHONE_NUMBERS_NOT_SUPPORTED.exception();
    }
    List<String> roles = r.roles() == null ? List.of() : r.roles();
    for (String role : roles) {
      if (!SessionService.DEFAULT_ROLES.contains(role)) {
        throw ErrorCode.INVALID_RBAC_ROLE_ID.exception("roles may only name stytch_user, the one role Latchkey has; "
            + "'" + (role == null ? "null" : role.length() > 64 ? role.substring(0, 64) + "..." : role)
            + "' is not a role here.");
      }
    }
    UserRecord user = userService.newUser(r.email(), r.name(), false, r.trustedMetadata(), r.untrustedMetadata(),
        r.externalId());
    LegacyHash hash = LegacyHash.from(r);
    boolean verified = Boolean.TRUE.equals(r.setEmailVerified());
    UserRecord.StoredEmail email = user.emails().get(0);
    UserRecord withPassword = new UserRecord(user.userId(), user.status(), user.name(), user.trustedMetadata(),
        user.untrustedMetadata(), user.externalId(), user.createdAt(),
        List.of(new UserRecord.StoredEmail(email.emailId(), email.email(), verified)),
        new UserRecord.StoredPassword(passwordId, hash.encode(), false));
    return new Checked(hash, withPassword, verified, Boolean.TRUE.equals(r.preserveExistingSessions()));
  }
}
