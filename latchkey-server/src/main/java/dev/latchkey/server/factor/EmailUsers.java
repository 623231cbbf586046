package dev.latchkey.server.factor;

import dev.latchkey.server.error.ErrorCode;
import dev.latchkey.server.error.ApiException;
import dev.latchkey.server.session.SessionService;
import dev.latchkey.server.store.DuplicateKeyException;
import dev.latchkey.server.store.PendingEmail;
import dev.latchkey.server.store.UserRecord;
import dev.latchkey.server.store.UserStore;
import dev.latchkey.server.user.UserService;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The user an email sign-in is for: found by address, created by {@code login_or_create}, or named by a send's
 * {@code user_id} or session (the address then pending for it until the link or code is used).
 */
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

  /**
   * The user a send names to add the address to: by {@code user_id} (or external id), or by the live session of
   * {@code ref}; null when it names none. Naming both is a 400 naming them; an unknown user {@code user_not_found};
   * a session that is not live {@code session_not_found}, as on every route that takes one.
   */
  public UserRecord named(String userId, SessionService.SessionRef ref, SessionService sessions) {
    boolean byId = userId != null && !userId.isEmpty();
    if (byId && !ref.isEmpty()) {
      throw ErrorCode.BAD_REQUEST.exception(
          "Give at most one of user_id, session_token or session_jwt: each names the user to add the email to.");
    }
    SessionService.checkRef(ref);
    if (byId) {
      return userService.get(userId);
    }
    if (ref.isEmpty()) {
      return null;
    }
    String owner = sessions.resolve(ref).userId();
    return users.find(owner).orElseThrow(ErrorCode.USER_NOT_FOUND::exception);
  }

  /**
   * {@code email} (normalized) on {@code user}, to mail a link or code to that lives {@code lifetime}: the user's own
   * address as it is; another user's address refused with {@code duplicate_email} before anything is written or
   * mailed; else the address recorded as pending for the user (see {@link PendingEmail}: it counts for nothing until
   * the link or code is used, then {@link #prove} moves it into the user's emails).
   */
  public Found forUser(UserRecord user, String email, Instant now, Duration lifetime) {
    Optional<UserRecord.StoredEmail> own = user.emails().stream().filter(e -> e.email().equals(email)).findFirst();
    if (own.isPresent()) {
      return new Found(user, own.get(), false);
    }
    Optional<UserRecord> owner = users.findByEmail(email);
    if (owner.isPresent()) {
      if (owner.get().userId().equals(user.userId())) {
        return new Found(owner.get(), emailOf(owner.get(), email), false);
      }
      throw duplicate();
    }
    String emailId = users.addPendingEmail(user.userId(), userService.newEmailId(), email, now, now.plus(lifetime))
        .orElseThrow(ErrorCode.USER_NOT_FOUND::exception);
    return new Found(user, new UserRecord.StoredEmail(emailId, email, false), false);
  }

  /**
   * Before a link or code mailed to {@code emailId} of {@code userId} is spent: when that is a pending address that
   * belongs to a user by now (its owner signed up meanwhile), {@code duplicate_email}, so the failed use changes
   * nothing. {@link #prove} decides again, in one transaction, for a race after this check.
   */
  public void requireProvable(String userId, String emailId) {
    Optional<PendingEmail> pending = users.findPendingEmail(emailId).filter(p -> p.userId().equals(userId));
    if (pending.isPresent()) {
      Optional<UserRecord> owner = users.findByEmail(pending.get().email());
      if (owner.isPresent() && !owner.get().userId().equals(userId)) {
        throw duplicate();
      }
    }
  }

  /**
   * The link or code mailed to {@code emailId} of {@code userId} was used: the address is proven. An email of the
   * user is marked verified; a pending address moves into the user's emails, verified ({@code duplicate_email} when
   * it belongs to another user by now). A pending user becomes active. The id of the proven email, or empty when
   * the user or the address is gone (deleted after the mail was sent).
   */
  public Optional<String> prove(String userId, String emailId, Instant now) {
    if (users.markEmailVerified(userId, emailId)) {
      return Optional.of(emailId);
    }
    Optional<PendingEmail> pending = users.findPendingEmail(emailId).filter(p -> p.userId().equals(userId));
    if (pending.isEmpty()) {
      return Optional.empty();
    }
    try {
      return users.confirmPendingEmail(userId, emailId, now) ? Optional.of(emailId) : Optional.empty();
    } catch (DuplicateKeyException e) {
      UserRecord owner = users.findByEmail(pending.get().email()).orElseThrow(EmailUsers::duplicate);
      if (!owner.userId().equals(userId)) {
        throw duplicate();
      }
      // Already this user's (proven meanwhile under another id): that email is the one proven.
      String ownId = emailOf(owner, pending.get().email()).emailId();
      return users.markEmailVerified(userId, ownId) ? Optional.of(ownId) : Optional.empty();
    }
  }

  private static ApiException duplicate() {
    return ErrorCode.DUPLICATE_EMAIL.exception("This email belongs to another user; it cannot be added to this one.");
  }

  private static UserRecord.StoredEmail emailOf(UserRecord user, String email) {
    return user.emails().stream().filter(e -> e.email().equals(email)).findFirst()
        .orElseThrow(ErrorCode.EMAIL_NOT_FOUND::exception);
  }
}
