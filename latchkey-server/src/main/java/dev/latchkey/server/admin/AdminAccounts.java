package dev.latchkey.server.admin;

import dev.latchkey.server.factor.password.PasswordHasher;
import dev.latchkey.server.factor.password.PasswordPolicy;
import dev.latchkey.server.store.AdminStore;
import java.time.Clock;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Who may sign in to the admin console: the admin named {@code admin} whose password is a setting (hashed with
 * Argon2id once, at start), and the admins made by {@code latchkey admin create}, stored with their Argon2id hash.
 * Passwords must pass the users' strength policy (zxcvbn score 3 or more) and be at least {@link #MIN_LENGTH} long.
 */
public final class AdminAccounts {
  /** The name of the admin whose password is {@code LATCHKEY_ADMIN_PASSWORD}. */
  public static final String SETTING_ADMIN = "admin";
  /** An admin password guards every user's sessions: longer than the users' minimum. */
  public static final int MIN_LENGTH = 12;
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

  private final AdminStore store;
  private final PasswordHasher hasher;
  /** The hash of the setting's password, or null when it is not set. */
  private final String settingHash;

  AdminAccounts(AdminStore store, PasswordHasher hasher, String settingPassword) {
    this.store = store;
    this.hasher = hasher;
    this.settingHash = settingPassword == null ? null : hasher.hash(settingPassword);
  }

  /**
   * Why {@code password} is refused as an admin password, or empty when it is strong enough. {@code name} counts
   * against it (a password containing the admin's name is weaker).
   */
  public static Optional<String> weakness(String password, String name) {
    if (password == null || password.length() < MIN_LENGTH) {
      return Optional.of("it has fewer than " + MIN_LENGTH + " characters");
    }
    PasswordPolicy.Verdict v = new PasswordPolicy().check(password, name);
    if (!v.valid()) {
      String why = "it is too easy to guess (zxcvbn score " + v.score() + " of 4, at least " + PasswordPolicy.MIN_SCORE
          + " needed)";
      return Optional.of(v.warning() == null || v.warning().isEmpty() ? why : why + ": " + v.warning());
    }
    return Optional.empty();
  }

  /** Why {@code name} is refused as an admin name, or empty. */
  public static Optional<String> badName(String name) {
    return name != null && NAME.matcher(name).matches() ? Optional.empty()
        : Optional.of("an admin name is 1 to 64 of a-z, 0-9, '.', '_' and '-', starting with a letter or digit");
  }

  /**
   * Creates the admin {@code name}, or sets a new password for it (ending its sessions); true when it was created.
   * Throws {@link IllegalArgumentException} naming what is wrong with a bad name or a weak password.
   */
  public static boolean create(AdminStore store, PasswordHasher hasher, String name, String password, Clock clock) {
    badName(name).ifPresent(why -> {
      throw new IllegalArgumentException("The name '" + name + "' is refused: " + why + ".");
    });
    if (SETTING_ADMIN.equals(name)) {
      throw new IllegalArgumentException("The admin named '" + SETTING_ADMIN + "' is the one LATCHKEY_ADMIN_PASSWORD "
          + "sets: choose another name.");
    }
    weakness(password, name).ifPresent(why -> {
      throw new IllegalArgumentException("The password is refused: " + why + ". Use a passphrase of four or more "
          + "random words.");
    });
    boolean created = store.putAdmin(new AdminStore.Admin(name, hasher.hash(password), clock.instant()));
    if (!created) {
      store.deleteSessionsOf(name);
    }
    return created;
  }

  /** Whether {@code password} is the password of the admin {@code name}; as slow for an unknown name. */
  boolean verify(String name, String password) {
    if (password == null || password.isEmpty() || password.length() > PasswordPolicy.MAX_LENGTH) {
      return false;
    }
    String hash = SETTING_ADMIN.equals(name) ? settingHash
        : store.findAdmin(name).map(AdminStore.Admin::passwordHash).orElse(null);
    if (hash == null) {
      hasher.verifyDecoy(password);
      return false;
    }
    return hasher.verify(password, hash);
  }
}
