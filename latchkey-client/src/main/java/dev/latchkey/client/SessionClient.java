package dev.latchkey.client;

import dev.latchkey.model.AuthenticateResponse;
import dev.latchkey.model.Session;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The session of a {@link LatchkeyClient}: read it without blocking, watch it change, check or extend it, sign out.
 *
 * <pre>{@code
 * Session s = client.session().getSync();               // null when signed out
 * Subscription sub = client.session().onChange(session -> ui.render(session));
 * client.session().authenticate(SessionOptions.durationMinutes(60)).join();
 * client.session().revoke(RevokeOptions.defaults()).join();
 * }</pre>
 */
public final class SessionClient {
  private final Engine engine;
  private final Dispatcher dispatcher;

  SessionClient(Engine engine, Dispatcher dispatcher) {
    this.engine = engine;
    this.dispatcher = dispatcher;
  }

  /**
   * The cached session, or null when signed out. Never touches the network. A session whose {@code expires_at} has
   * passed by the client's clock is reported as null even before the server confirms it.
   */
  public Session getSync() {
    return engine.sessionInfo().session();
  }

  /** The cached session and whether it is the one loaded from storage that the server has not confirmed yet. */
  public SessionInfo getInfo() {
    return engine.sessionInfo();
  }

  /**
   * Calls {@code listener} with the new session whenever it really changes (a check that only moves {@code
   * last_accessed_at} is no change), and with {@code null} on sign-out. Not called on subscribe. Listeners run one
   * at a time, in order, on the client's listener thread, never while the client holds a lock; a listener that
   * throws is logged and the others are still called. Keep listeners short: they delay each other.
   */
  public Subscription onChange(Consumer<? super Session> listener) {
    return dispatcher.onSessionChange(Objects.requireNonNull(listener, "listener"));
  }

  /**
   * Checks the session with the server ({@code POST /sdk/v1/sessions/authenticate}) and, with {@link
   * SessionOptions#durationMinutes(int)}, extends it. Concurrent calls with the same options share one request.
   * Fails with {@link LatchkeyClientException}; if {@link LatchkeyClientException#signsOut()} the client has signed
   * out; any other failure keeps the session.
   */
  public CompletableFuture<AuthenticateResponse> authenticate(SessionOptions options) {
    return engine.authenticate(Objects.requireNonNull(options, "options").minutesOrNull());
  }

  /** The session's tokens (to send the JWT to your backend), or null when signed out. */
  public SessionTokens getTokens() {
    return engine.state().tokens();
  }

  /**
   * Adopts a session created elsewhere (typically by your backend's login), and starts checking it at once; the
   * session object appears (and {@link #onChange} fires) when that check answers. Tokens of the session already
   * held only replace the JWT. Tokens of another session drop the current one first, so listeners may see {@code
   * null} before the new session.
   */
  public void updateSession(SessionTokens tokens) {
    engine.updateSession(Objects.requireNonNull(tokens, "tokens"));
  }

  /**
   * Revokes the session on the server ({@code POST /sdk/v1/sessions/revoke}) and signs out locally when that
   * succeeds. When it fails the session is kept (so the app can retry) unless the answer was definitive or {@code
   * options} asked for {@link RevokeOptions#forceClear()}; the future reports the failure either way.
   */
  public CompletableFuture<Void> revoke(RevokeOptions options) {
    return engine.revoke(Objects.requireNonNull(options, "options").isForceClear());
  }

  /**
   * Signs the user out of every other device ({@code POST /sdk/v1/sessions/revoke_others}, a Latchkey extension):
   * the user's other sessions are revoked and their ids returned; this session stays. Signed out, the future fails
   * with {@code no_session}; if the server says this session is gone, it signs out here too.
   */
  public CompletableFuture<java.util.List<String>> revokeOthers() {
    return engine.revokeOthers();
  }
}
