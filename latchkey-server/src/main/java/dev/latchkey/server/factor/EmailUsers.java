package dev.latchkey.server.factor;

import dev.latchkey.server.error.ErrorCode;
import dev.latchkey.server.error.ApiException;
import dev.latchkey.server.store.UserRecord;
import dev.latchkey.server.store.UserStore;
import dev.latchkey.server.user.UserService;
import java.util.Map;
import java.util.Optional;

/** The user an email sign-in is for: found by address, or created by {@code login_or_create}. */
public final class EmailUsers {
  private final UserStore users;
  private final UserService userService;

  public EmailUsers(UserStore users, UserService userService) {
    this.users = users;
    this.userService = userService;
  }

  /** The user, the email of the address, and whether this call created the user. */
  public record Found(UserRecord user, UserRecord.StoredEmail email, boolean created) {}

  /** {@code email} already normalized. */
  public Found existing(String email) {
    return users.findByEmail(email).map(u -> new Found(u, emailOf(u, email), false))
        .orElseThrow(ErrorCode.EMAIL_NOT_FOUND::exception);
  }

  /** {@code email} already normalized; a new user is {@code pending} when asked, else {@code active}. */
  public Found loginOrCreate(String email, boolean pending) {
    Optional<UserRecord> found = users.findByEmail(email);
    if (found.isPresent()) {
      return new Found(found.get(), emailOf(found.get(), email), false);
    }
    UserRecord user = userService.newUser(email, null, pending, Map.of(), Map.of(), null);
    try {
      userService.insert(user);
    } catch (ApiException e) {
      if (e.code() != ErrorCode.DUPLICATE_EMAIL) {
        throw e;
      }
      // Another request created the user in the meantime: sign in to that one.
      return existing(email);
    }
    return new Found(user, user.emails().get(0), true);
  }

  private static UserRecord.StoredEmail emailOf(UserRecord user, String email) {
    return user.emails().stream().filter(e -> e.email().equals(email)).findFirst()
        .orElseThrow(ErrorCode.EMAIL_NOT_FOUND::exception);
  }
}
