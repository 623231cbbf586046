package dev.latchkey.client;

import dev.latchkey.model.User;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The signed-in user, cached like the session: every session check and sign-in brings the user along.
 *
 * <pre>{@code
 * User me = client.user().getSync();                    // null when signed out
 * client.user().onChange(user -> ui.showName(user == null ? null : user.name()));
 * User fresh = client.user().get().join();              // GET /sdk/v1/users/me
 * client.user().update(new User.Name("Ada", "", "Lovelace"), null);
 * }</pre>
 */
public final class UserClient {
  private final Engine engine;
  private final Dispatcher dispatcher;

  UserClient(Engine engine, Dispatcher dispatcher) {
    this.engine = engine;
    this.dispatcher = dispatcher;
  }

  /** The cached user, or null when signed out. Never touches the network. */
  public User getSync() {
    return engine.userInfo().user();
  }

  /** The cached user and whether it is the one loaded from storage that the server has not confirmed yet. */
  public UserInfo getInfo() {
    return engine.userInfo();
  }

  /** Like {@link SessionClient#onChange}: called on a real change of the user, with {@code null} on sign-out. */
  public Subscription onChange(Consumer<? super User> listener) {
    return dispatcher.onUserChange(Objects.requireNonNull(listener, "listener"));
  }

  /** Fetches the user ({@code GET /sdk/v1/users/me}) and updates the cache. */
  public CompletableFuture<User> get() {
    return engine.fetchUser();
  }

  /**
   * Changes the user's name and/or untrusted metadata ({@code PUT /sdk/v1/users/me}); null leaves a field as it is.
   * The cached user becomes the server's answer, and {@link #onChange} listeners hear of it.
   */
  public CompletableFuture<User> update(User.Name name, Map<String, Object> untrustedMetadata) {
    if (name == null && untrustedMetadata == null) {
      throw new IllegalArgumentException("update needs a name or untrustedMetadata; both are null");
    }
    return engine.updateUser(name, untrustedMetadata == null ? null : new LinkedHashMap<>(untrustedMetadata));
  }
}
