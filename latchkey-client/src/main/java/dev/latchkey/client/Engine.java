package dev.latchkey.client;

import dev.latchkey.model.AuthenticateResponse;
import dev.latchkey.model.Session;
import dev.latchkey.model.User;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The client's core: one {@link State} in an {@link AtomicReference}, every change a compare-and-set computed from
 * the state it replaces, then one publish to the listener thread. No lock is held anywhere user code (listeners, the
 * token store, the transport) runs. Requests run on the I/O executor; an answer is applied only if the local session
 * is still the one the request was sent for.
 *
 * <p>A new session (a sign-in, {@code updateSession} with other tokens, a sign-out) takes its epoch inside its
 * compare-and-set, so epochs are installed in increasing order and a replacement never lands on top of a later one
 * with an older number.
 */
final class Engine {
  private final AtomicReference<State> state;
  private final AtomicLong epochs;
  private final Api api;
  private final ExecutorService io;
  private final Clock clock;
  /** Requests in flight by (epoch, duration): concurrent identical calls share one. */
  private final Map<InFlightKey, CompletableFuture<AuthenticateResponse>> inFlight = new ConcurrentHashMap<>();
  /** The last duration the app asked for; what a keep-alive refresh re-sends. */
  private final AtomicReference<Integer> lastDuration = new AtomicReference<>();
  private volatile Dispatcher dispatcher;
  private volatile Refresher refresher;
  private volatile boolean closed;

  private record InFlightKey(long epoch, Integer minutes) {}

  Engine(StoredSession stored, Api api, ExecutorService io, Clock clock) {
    this.epochs = new AtomicLong(1);
    this.state = new AtomicReference<>(stored == null ? State.signedOut(1)
        : new State(1, stored.tokens(), stored.session(), stored.user(), true));
    this.api = api;
    this.io = io;
    this.clock = clock;
  }

  /** Completes the wiring (the dispatcher and refresher read this engine's state, so they are built after it). */
  void attach(Dispatcher dispatcher, Refresher refresher) {
    this.dispatcher = dispatcher;
    this.refresher = refresher;
  }

  State state() {
    return state.get();
  }

  Clock clock() {
    return clock;
  }

  // ---- session ---------------------------------------------------------------------------------------------

  /** The session unless it has expired by the client's clock (a stale cache must not show a dead session). */
  SessionInfo sessionInfo() {
    State s = state.get();
    Session session = s.session();
    if (session != null && session.expiresAt() != null && !clock.instant().isBefore(session.expiresAt())) {
      session = null;
    }
    return new SessionInfo(session, session != null && s.fromCache());
  }

  UserInfo userInfo() {
    State s = state.get();
    return new UserInfo(s.user(), s.user() != null && s.fromCache());
  }

  CompletableFuture<AuthenticateResponse> authenticate(Integer minutes) {
    if (minutes != null) {
      lastDuration.set(minutes);
    }
    return authenticateOnce(minutes);
  }

  /** The background refresh: extends only with keep-alive, and then by the duration the app last asked for. */
  CompletableFuture<AuthenticateResponse> refresh(boolean keepAlive) {
    return authenticateOnce(keepAlive ? lastDuration.get() : null);
  }

  private CompletableFuture<AuthenticateResponse> authenticateOnce(Integer minutes) {
    State sent = state.get();
    if (closed) {
      return failed(LatchkeyClientException.CLIENT_CLOSED, "The client is closed");
    }
    if (!sent.hasTokens()) {
      return failed(LatchkeyClientException.NO_SESSION, "There is no session to authenticate: sign in, or hydrate "
          + "one with updateSession(tokens)");
    }
    InFlightKey key = new InFlightKey(sent.epoch(), minutes);
    CompletableFuture<AuthenticateResponse> mine = new CompletableFuture<>();
    CompletableFuture<AuthenticateResponse> shared = inFlight.putIfAbsent(key, mine);
    if (shared != null) {
      return shared.thenApply(r -> r); // a copy: one caller cancelling must not cancel the others
    }
    run(mine, () -> {
      try {
        AuthenticateResponse r = api.authenticateSession(sent.tokens().sessionToken(), minutes);
        applyIfCurrent(sent.epoch(), r);
        return r;
      } catch (LatchkeyClientException e) {
        if (state.get().epoch() != sent.epoch()) {
          throw stale(e); // a verdict on a session the app no longer holds says nothing about the current one
        }
        if (e.signsOut()) {
          clearIfCurrent(sent.epoch());
        }
        throw e;
      }
    }, () -> inFlight.remove(key, mine));
    return mine.thenApply(r -> r);
  }

  CompletableFuture<Void> revoke(boolean forceClear) {
    State sent = state.get();
    if (!sent.hasTokens()) {
      return CompletableFuture.completedFuture(null); // already signed out
    }
    if (closed) {
      return failed(LatchkeyClientException.CLIENT_CLOSED, "The client is closed");
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    run(done, () -> {
      try {
        api.revokeSession(sent.tokens().sessionToken());
        clearIfCurrent(sent.epoch());
        return null;
      } catch (LatchkeyClientException e) {
        if (forceClear || e.signsOut()) {
          clearIfCurrent(sent.epoch());
        }
        throw e;
      }
    }, () -> { });
    return done;
  }

  /** Revokes the user's other sessions; this one stays (and is signed out here only if the server says it is gone). */
  CompletableFuture<java.util.List<String>> revokeOthers() {
    State sent = state.get();
    if (!sent.hasTokens()) {
      return failed(LatchkeyClientException.NO_SESSION, "Signed out: there is no session to keep");
    }
    if (closed) {
      return failed(LatchkeyClientException.CLIENT_CLOSED, "The client is closed");
    }
    CompletableFuture<java.util.List<String>> done = new CompletableFuture<>();
    run(done, () -> {
      try {
        return api.revokeOtherSessions(sent.tokens().sessionToken());
      } catch (LatchkeyClientException e) {
        if (e.signsOut()) {
          clearIfCurrent(sent.epoch());
        }
        throw e;
      }
    }, () -> { });
    return done;
  }

  /** Hydrates from tokens issued elsewhere (a backend login); the session object is fetched by the next check. */
  void updateSession(SessionTokens tokens) {
    Objects.requireNonNull(tokens, "tokens");
    State prev;
    State next;
    do {
      prev = state.get();
      if (prev.hasTokens() && prev.tokens().sessionToken().equals(tokens.sessionToken())) {
        // Same session, fresher JWT: keep the session object and epoch.
        next = new State(prev.epoch(), tokens, prev.session(), prev.user(), prev.fromCache());
      } else {
        next = new State(epochs.incrementAndGet(), tokens, null, null, false);
      }
    } while (!state.compareAndSet(prev, next));
    dispatcher.publish();
    if (next.epoch() != prev.epoch()) {
      startRefreshing(true);
    }
  }

  /** A sign-in (password, ...) answered with a session: it replaces whatever session there was. */
  AuthenticateResponse signedIn(AuthenticateResponse r, Integer minutes) {
    if (r.session() == null || r.sessionToken() == null || r.sessionToken().isEmpty()
        || r.sessionJwt() == null || r.sessionJwt().isEmpty()) {
      return r; // nothing to keep: the call did not start a session
    }
    if (minutes != null) {
      lastDuration.set(minutes);
    }
    SessionTokens tokens = new SessionTokens(r.sessionToken(), r.sessionJwt());
    State prev;
    do {
      prev = state.get();
    } while (!state.compareAndSet(prev, new State(epochs.incrementAndGet(), tokens, r.session(), r.user(), false)));
    dispatcher.publish();
    startRefreshing(false);
    return r;
  }

  // ---- user ------------------------------------------------------------------------------------------------

  CompletableFuture<User> fetchUser() {
    return userCall(api::me);
  }

  CompletableFuture<User> updateUser(User.Name name, Map<String, Object> untrustedMetadata) {
    return userCall(token -> api.updateMe(token, name, untrustedMetadata));
  }

  /** A call answered with the user: kept if the session is still the one it was sent for. */
  private CompletableFuture<User> userCall(java.util.function.Function<String, User> call) {
    return sessionCall(call, u -> u);
  }

  /**
   * A call that needs the session and may answer with the user (a TOTP registration carries it as {@code __user}):
   * the user is kept if the session is still the one it was sent for; a definitive answer signs out.
   */
  <T> CompletableFuture<T> sessionCall(java.util.function.Function<String, T> call,
      java.util.function.Function<T, User> userOf) {
    State sent = state.get();
    if (!sent.hasTokens()) {
      return failed(LatchkeyClientException.NO_SESSION, "There is no signed-in user");
    }
    if (closed) {
      return failed(LatchkeyClientException.CLIENT_CLOSED, "The client is closed");
    }
    CompletableFuture<T> done = new CompletableFuture<>();
    run(done, () -> {
      try {
        T answer = call.apply(sent.tokens().sessionToken());
        User u = userOf.apply(answer);
        if (u == null) {
          return answer;
        }
        State prev;
        do {
          prev = state.get();
          if (prev.epoch() != sent.epoch()) {
            throw stale();
          }
        } while (!state.compareAndSet(prev, new State(prev.epoch(), prev.tokens(), prev.session(), u, false)));
        dispatcher.publish();
        return answer;
      } catch (LatchkeyClientException e) {
        if (state.get().epoch() != sent.epoch()) {
          throw stale(e);
        }
        if (e.signsOut()) {
          clearIfCurrent(sent.epoch());
        }
        throw e;
      }
    }, () -> { });
    return done;
  }

  /** Runs a call that needs no session and changes no state (a mail sent, a strength check) on the I/O executor. */
  <T> CompletableFuture<T> plainCall(Supplier<T> call) {
    if (closed) {
      return failed(LatchkeyClientException.CLIENT_CLOSED, "The client is closed");
    }
    CompletableFuture<T> done = new CompletableFuture<>();
    run(done, call::get, () -> { });
    return done;
  }

  /** Runs a sign-in call on the I/O executor and keeps its session. */
  CompletableFuture<AuthenticateResponse> signIn(Supplier<AuthenticateResponse> call, Integer minutes) {
    if (closed) {
      return failed(LatchkeyClientException.CLIENT_CLOSED, "The client is closed");
    }
    CompletableFuture<AuthenticateResponse> done = new CompletableFuture<>();
    run(done, () -> signedIn(call.get(), minutes), () -> { });
    return done;
  }

  String currentSessionToken() {
    State s = state.get();
    return s.hasTokens() ? s.tokens().sessionToken() : null;
  }

  // ---- state changes ---------------------------------------------------------------------------------------

  private void applyIfCurrent(long epoch, AuthenticateResponse r) {
    State prev;
    State next;
    do {
      prev = state.get();
      if (prev.epoch() != epoch || !prev.hasTokens()) {
        throw stale();
      }
      // An empty token in the answer means "unchanged" (HttpOnly-cookie servers send none).
      String token = r.sessionToken() == null || r.sessionToken().isEmpty() ? prev.tokens().sessionToken()
          : r.sessionToken();
      String jwt = r.sessionJwt() == null || r.sessionJwt().isEmpty() ? prev.tokens().sessionJwt() : r.sessionJwt();
      next = new State(epoch, new SessionTokens(token, jwt), r.session() == null ? prev.session() : r.session(),
          r.user() == null ? prev.user() : r.user(), false);
    } while (!state.compareAndSet(prev, next));
    dispatcher.publish();
  }

  /** The server reported the session of {@code epoch} revoked or expired: sign out, unless it was replaced since. */
  void endedElsewhere(long epoch) {
    clearIfCurrent(epoch);
  }

  private void clearIfCurrent(long epoch) {
    State prev;
    do {
      prev = state.get();
      if (prev.epoch() != epoch) {
        return; // the session this answer was about is already gone or replaced
      }
    } while (!state.compareAndSet(prev, State.signedOut(epochs.incrementAndGet())));
    dispatcher.publish();
    Refresher r = refresher;
    if (r != null) {
      r.cancel();
    }
  }

  private void startRefreshing(boolean now) {
    Refresher r = refresher;
    if (r != null) {
      r.start(now);
    }
  }

  private static LatchkeyClientException stale() {
    return stale(null);
  }

  private static LatchkeyClientException stale(Throwable answer) {
    return LatchkeyClientException.local(LatchkeyClientException.SESSION_CHANGED, "The session was replaced or "
        + "revoked while this request was in flight; its answer was discarded", answer);
  }

  private static <T> CompletableFuture<T> failed(String type, String message) {
    return CompletableFuture.failedFuture(LatchkeyClientException.local(type, message, null));
  }

  private interface Call<T> {
    T call();
  }

  /** Runs {@code call} on the I/O executor; {@code beforeCompletion} runs first (e.g. leaving the in-flight map). */
  private <T> void run(CompletableFuture<T> future, Call<T> call, Runnable beforeCompletion) {
    try {
      io.execute(() -> {
        T result;
        try {
          result = call.call();
        } catch (RuntimeException e) {
          beforeCompletion.run();
          future.completeExceptionally(e instanceof LatchkeyClientException ? e : LatchkeyClientException.of(e));
          return;
        } catch (Error e) {
          // A bug or a JVM in trouble, not an answer of the server: the caller's future fails with the Error itself
          // (so nobody waits forever), and it goes on to the thread's uncaught-exception handler.
          beforeCompletion.run();
          future.completeExceptionally(e);
          throw e;
        }
        beforeCompletion.run();
        future.complete(result);
      });
    } catch (RejectedExecutionException e) {
      beforeCompletion.run();
      future.completeExceptionally(LatchkeyClientException.local(LatchkeyClientException.CLIENT_CLOSED,
          "The client is closed", e));
    }
  }

  void close() {
    closed = true;
  }
}
