package dev.latchkey.client;

import dev.latchkey.model.Session;
import dev.latchkey.model.User;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The one listener thread: after every state swap it saves the latest state to the {@link TokenStore} and tells
 * the listeners whose value changed. It always reads the state when it runs, never a value captured at the swap,
 * so two swaps racing on other threads can never be delivered out of order.
 */
final class Dispatcher {
  private static final System.Logger LOG = System.getLogger(Dispatcher.class.getName());

  private final ExecutorService thread;
  private final TokenStore store;
  private final Supplier<State> state;
  private final Supplier<SessionInfo> session;
  private final Listeners<Session> sessionListeners = new Listeners<>(Dispatcher::changeKey);
  private final Listeners<User> userListeners = new Listeners<>(u -> u);
  private State lastSaved; // touched only on the listener thread

  Dispatcher(ExecutorService thread, TokenStore store, Supplier<State> state, Supplier<SessionInfo> session,
      State loaded) {
    this.thread = thread;
    this.store = store;
    this.state = state;
    this.session = session;
    this.lastSaved = loaded;
  }

  /** A session minus {@code last_accessed_at}: a refresh that only moves that time is no change. */
  static Object changeKey(Session s) {
    return new Session(s.sessionId(), s.userId(), s.startedAt(), null, s.expiresAt(), s.attributes(),
        s.authenticationFactors(), s.customClaims(), s.roles());
  }

  Subscription onSessionChange(java.util.function.Consumer<? super Session> listener) {
    return sessionListeners.add(listener, session.get().session());
  }

  Subscription onUserChange(java.util.function.Consumer<? super User> listener) {
    return userListeners.add(listener, state.get().user());
  }

  void publish() {
    try {
      thread.execute(this::deliver);
    } catch (RejectedExecutionException e) {
      // Closed: nothing is listening any more, and close() saved the final state.
    }
  }

  /** Completes once every publish made before this call has been delivered. */
  CompletableFuture<Void> idle() {
    return CompletableFuture.runAsync(() -> { }, thread);
  }

  private void deliver() {
    State now = state.get();
    save(now);
    sessionListeners.deliver(now.session() == null ? null : session.get().session());
    userListeners.deliver(now.user());
  }

  private void save(State now) {
    if (lastSaved != null && lastSaved.tokens() == now.tokens() && lastSaved.session() == now.session()
        && lastSaved.user() == now.user()) {
      return;
    }
    try {
      if (now.hasTokens()) {
        store.save(new StoredSession(now.tokens(), now.session(), now.user()));
      } else {
        store.clear();
      }
      lastSaved = now;
    } catch (RuntimeException e) {
      // The in-memory session stays right; the next change tries the store again.
      LOG.log(System.Logger.Level.WARNING, "Could not save the session to " + store + ": " + e.getMessage());
    }
  }

  /** Stops the thread after it delivered what was published; waits at most {@code waitMillis}. */
  void close(long waitMillis) {
    thread.shutdown();
    try {
      if (!thread.awaitTermination(waitMillis, TimeUnit.MILLISECONDS)) {
        thread.shutdownNow();
      }
    } catch (InterruptedException e) {
      thread.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
