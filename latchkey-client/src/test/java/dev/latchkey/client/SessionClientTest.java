package dev.latchkey.client;

import static dev.latchkey.client.Fixture.failure;
import static dev.latchkey.client.Fixture.sessionOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.model.AuthenticateResponse;
import dev.latchkey.model.Session;
import dev.latchkey.model.User;
import dev.latchkey.server.testing.MutableClock;
import dev.latchkey.server.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The session surface against a real server. Background checks are held by a {@link ManualScheduler}. */
class SessionClientTest {
  static TestServer server;

  @TempDir
  Path dir;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private LatchkeyClient client() {
    return Fixture.client(server).scheduler(new ManualScheduler()).build();
  }

  @Test
  void hydratedTokensLoadTheSessionAndUserAndTellTheListenersOnce() throws Exception {
    JsonNode signUp = Fixture.signUp(server);
    try (LatchkeyClient client = client()) {
      Fixture.Recorder<Session> sessions = new Fixture.Recorder<>();
      Fixture.Recorder<User> users = new Fixture.Recorder<>();
      client.session().onChange(sessions);
      client.user().onChange(users);
      assertThat(client.session().getSync()).isNull();

      client.session().updateSession(Fixture.tokens(signUp));
      AuthenticateResponse r = client.session().authenticate(SessionOptions.checkOnly()).join();
      client.idle().join();

      String sessionId = signUp.path("session").path("session_id").asText();
      assertThat(r.session().sessionId()).isEqualTo(sessionId);
      assertThat(client.session().getSync().sessionId()).isEqualTo(sessionId);
      assertThat(client.session().getInfo().fromCache()).isFalse();
      assertThat(client.session().getTokens().sessionToken()).isEqualTo(signUp.path("session_token").asText());
      assertThat(client.user().getSync().userId()).isEqualTo(signUp.path("user_id").asText());
      assertThat(sessionOf(sessions.next()).sessionId()).isEqualTo(sessionId);
      assertThat(((User) users.next()).userId()).isEqualTo(signUp.path("user_id").asText());
      assertThat(sessions.seen).isEmpty();
      assertThat(users.seen).isEmpty();
    }
  }

  @Test
  void aCheckThatOnlyMovesLastAccessedAtIsNoChangeButAnExtensionIs() throws Exception {
    try (LatchkeyClient client = client()) {
      Fixture.signIn(client, server);
      Session before = client.session().getSync();
      Fixture.Recorder<Session> sessions = new Fixture.Recorder<>();
      client.session().onChange(sessions);

      client.session().authenticate(SessionOptions.checkOnly()).join();
      client.session().authenticate(SessionOptions.checkOnly()).join();
      client.idle().join();
      assertThat(sessions.seen).isEmpty();
      assertThat(client.session().getSync().lastAccessedAt()).isAfterOrEqualTo(before.lastAccessedAt());

      client.session().authenticate(SessionOptions.durationMinutes(240)).join();
      Session extended = sessionOf(sessions.next());
      assertThat(extended.sessionId()).isEqualTo(before.sessionId());
      assertThat(extended.expiresAt()).isAfter(before.expiresAt());
    }
  }

  @Test
  void revokeSignsOutLocallyOnTheServerAndInTheStore() throws Exception {
    Path file = dir.resolve("session.json");
    try (LatchkeyClient client = Fixture.client(server).scheduler(new ManualScheduler())
        .tokenStore(TokenStore.file(file)).build()) {
      SessionTokens tokens = Fixture.signIn(client, server);
      assertThat(file).exists();
      Fixture.Recorder<Session> sessions = new Fixture.Recorder<>();
      client.session().onChange(sessions);

      client.session().revoke(RevokeOptions.defaults()).join();
      client.idle().join();

      assertThat(client.session().getSync()).isNull();
      assertThat(client.session().getTokens()).isNull();
      assertThat(client.user().getSync()).isNull();
      assertThat(sessions.next()).isEqualTo(Fixture.Recorder.SIGNED_OUT);
      assertThat(file).doesNotExist();
      assertThat(server.api().post("/v1/sessions/authenticate", "{\"session_token\":\"" + tokens.sessionToken()
          + "\"}").status()).isEqualTo(404);
    }
  }

  @Test
  void aRevokeThatFailsKeepsTheSessionUnlessForceClearWasAsked() throws Exception {
    try (FlakyProxy proxy = new FlakyProxy(server.baseUrl());
        LatchkeyClient client = LatchkeyClient.builder().baseUrl(java.net.URI.create(proxy.baseUrl()))
            .publicToken(server.publicToken).scheduler(new ManualScheduler()).build()) {
      Fixture.signIn(client, server);
      String sessionId = client.session().getSync().sessionId();
      proxy.mode(FlakyProxy.Mode.BAD_GATEWAY_HTML);

      LatchkeyClientException kept = failure(client.session().revoke(RevokeOptions.defaults()));
      assertThat(kept.statusCode()).isEqualTo(502);
      assertThat(kept.signsOut()).isFalse();
      assertThat(client.session().getSync().sessionId()).isEqualTo(sessionId);

      LatchkeyClientException forced = failure(client.session().revoke(RevokeOptions.forceClear()));
      assertThat(forced.statusCode()).isEqualTo(502);
      assertThat(client.session().getSync()).isNull();
      assertThat(client.session().getTokens()).isNull();
    }
  }

  /** Each of the four definitive answers, made by the real server for a reason it really has. */
  @ParameterizedTest
  @ValueSource(strings = {"session_not_found", "invalid_secret_authentication", "user_unauthenticated",
      "unauthorized_credentials"})
  void exactlyTheFourDefinitiveAnswersSignOut(String errorType) throws Exception {
    try (FlakyProxy proxy = new FlakyProxy(server.baseUrl());
        LatchkeyClient client = LatchkeyClient.builder().baseUrl(java.net.URI.create(proxy.baseUrl()))
            .publicToken(server.publicToken).scheduler(new ManualScheduler()).build()) {
      Fixture.signIn(client, server);
      Session session = client.session().getSync();
      switch (errorType) {
        case "session_not_found" -> Fixture.revokeOnServer(server, session.sessionId());
        // Not a session token's shape (a JWT, say): the server refuses it without looking anything up.
        case "invalid_secret_authentication" -> client.session().updateSession(
            new SessionTokens("not-a-session-token", "jwt"));
        // The public token as password is how a signed-out SDK calls: no session presented.
        case "user_unauthenticated" -> client.session().updateSession(new SessionTokens(server.publicToken, "jwt"));
        // A proxy that drops the Authorization header: the server sees no credentials at all.
        case "unauthorized_credentials" -> proxy.mode(FlakyProxy.Mode.STRIP_AUTHORIZATION);
        default -> throw new AssertionError(errorType);
      }
      client.idle().join();
      boolean hadSession = client.session().getSync() != null;
      Fixture.Recorder<Session> sessions = new Fixture.Recorder<>();
      client.session().onChange(sessions);

      LatchkeyClientException e = failure(client.session().authenticate(SessionOptions.checkOnly()));
      client.idle().join();

      assertThat(e.errorType()).isEqualTo(errorType);
      assertThat(e.signsOut()).isTrue();
      assertThat(client.session().getTokens()).isNull();
      assertThat(client.session().getSync()).isNull();
      if (hadSession) {
        assertThat(sessions.next()).isEqualTo(Fixture.Recorder.SIGNED_OUT);
      }
    }
  }

  @Test
  void aPublicTokenTheServerDoesNotKnowIsAMistakeNotASignOut() throws Exception {
    SessionTokens tokens = Fixture.tokens(Fixture.signUp(server));
    try (LatchkeyClient client = LatchkeyClient.builder().baseUrl(java.net.URI.create(server.baseUrl()))
        .publicToken("public-token-of-another-project").scheduler(new ManualScheduler()).build()) {
      client.session().updateSession(tokens);
      LatchkeyClientException e = failure(client.session().authenticate(SessionOptions.checkOnly()));
      assertThat(e.errorType()).isEqualTo("public_token_not_found");
      assertThat(e.signsOut()).isFalse();
      assertThat(client.session().getTokens()).isEqualTo(tokens);
    }
  }

  @Test
  void aGatewayErrorA503AndATimeoutKeepTheSessionAndTheNextCheckWorks() throws Exception {
    try (FlakyProxy proxy = new FlakyProxy(server.baseUrl());
        LatchkeyClient client = LatchkeyClient.builder().baseUrl(java.net.URI.create(proxy.baseUrl()))
            .publicToken(server.publicToken).httpTimeout(Duration.ofMillis(500)).scheduler(new ManualScheduler())
            .build()) {
      Fixture.signIn(client, server);
      String sessionId = client.session().getSync().sessionId();
      Fixture.Recorder<Session> sessions = new Fixture.Recorder<>();
      client.session().onChange(sessions);

      List<String> types = new ArrayList<>();
      for (FlakyProxy.Mode mode : List.of(FlakyProxy.Mode.BAD_GATEWAY_HTML, FlakyProxy.Mode.UNAVAILABLE_JSON,
          FlakyProxy.Mode.HANG)) {
        proxy.mode(mode);
        LatchkeyClientException e = failure(client.session().authenticate(SessionOptions.checkOnly()));
        assertThat(e.signsOut()).isFalse();
        types.add(e.errorType());
        assertThat(client.session().getSync().sessionId()).isEqualTo(sessionId);
      }
      assertThat(types).containsExactly("http_502", "internal_server_error", LatchkeyClientException.NETWORK_ERROR);

      proxy.mode(FlakyProxy.Mode.PASS);
      assertThat(client.session().authenticate(SessionOptions.checkOnly()).join().session().sessionId())
          .isEqualTo(sessionId);
      client.idle().join();
      assertThat(sessions.seen).isEmpty();
    }
  }

  @Test
  void anAnswerArrivingAfterTheSessionWasReplacedLocallyIsDiscarded() throws Exception {
    CountingTransport transport = new CountingTransport();
    try (LatchkeyClient client = Fixture.client(server).transport(transport).scheduler(new ManualScheduler())
        .build()) {
      Fixture.signIn(client, server);
      SessionTokens other = Fixture.tokens(Fixture.signUp(server));

      transport.hold("/sdk/v1/sessions/authenticate");
      CompletableFuture<AuthenticateResponse> inFlight =
          client.session().authenticate(SessionOptions.durationMinutes(90));
      transport.awaitArrival();
      client.session().updateSession(other);
      transport.open();

      assertThat(failure(inFlight).errorType()).isEqualTo(LatchkeyClientException.SESSION_CHANGED);
      assertThat(client.session().getTokens()).isEqualTo(other);
      assertThat(client.session().getSync()).isNull(); // the old session's answer did not come back in
    }
  }

  @Test
  void anAnswerArrivingAfterALocalSignOutIsDiscarded() throws Exception {
    CountingTransport transport = new CountingTransport();
    try (LatchkeyClient client = Fixture.client(server).transport(transport).scheduler(new ManualScheduler())
        .build()) {
      Fixture.signIn(client, server);

      transport.hold("/sdk/v1/sessions/authenticate");
      CompletableFuture<AuthenticateResponse> inFlight = client.session().authenticate(SessionOptions.checkOnly());
      transport.awaitArrival();
      // The revocation passes the gate and signs out while the check is still waiting for its answer.
      client.session().revoke(RevokeOptions.defaults()).join();
      transport.open();

      assertThat(failure(inFlight).errorType()).isEqualTo(LatchkeyClientException.SESSION_CHANGED);
      client.idle().join();
      assertThat(client.session().getSync()).isNull();
      assertThat(client.session().getTokens()).isNull();
    }
  }

  @Test
  void concurrentAuthenticateCallsShareOneRequest() throws Exception {
    CountingTransport transport = new CountingTransport();
    try (LatchkeyClient client = Fixture.client(server).transport(transport).scheduler(new ManualScheduler())
        .build()) {
      Fixture.signIn(client, server);
      long before = transport.count("/sdk/v1/sessions/authenticate");
      transport.hold("/sdk/v1/sessions/authenticate");
      List<CompletableFuture<AuthenticateResponse>> calls = new CopyOnWriteArrayList<>();
      List<Thread> threads = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        Thread t = new Thread(() -> calls.add(client.session().authenticate(SessionOptions.checkOnly())));
        threads.add(t);
        t.start();
      }
      for (Thread t : threads) {
        t.join();
      }
      transport.awaitArrival();
      transport.open();

      for (CompletableFuture<AuthenticateResponse> c : calls) {
        assertThat(c.join().session().sessionId()).isEqualTo(client.session().getSync().sessionId());
      }
      assertThat(calls).hasSize(8);
      assertThat(transport.count("/sdk/v1/sessions/authenticate") - before).isEqualTo(1);
    }
  }

  @Test
  void listenersRunOnTheListenerThreadAndOneThrowingDoesNotStopTheOthers() throws Exception {
    try (LatchkeyClient client = client()) {
      List<String> seenBy = new CopyOnWriteArrayList<>();
      Fixture.Recorder<Session> after = new Fixture.Recorder<>();
      client.session().onChange(s -> {
        throw new IllegalStateException("a broken listener");
      });
      client.session().onChange(s -> {
        seenBy.add(Thread.currentThread().getName());
        after.accept(s);
      });
      client.session().onChange(after);
      Subscription gone = client.session().onChange(s -> seenBy.add("unsubscribed listener"));
      gone.unsubscribe();

      Fixture.signIn(client, server);

      assertThat(after.next()).isInstanceOf(Session.class);
      assertThat(after.next()).isInstanceOf(Session.class);
      assertThat(seenBy).singleElement().asString().startsWith("latchkey-client-listener");
    }
  }

  /**
   * A listener that calls back into the client, and waits for calls that need the client's other threads (the I/O
   * thread answers, then publishes to the very thread the listener is blocking). If a notification were delivered
   * under a lock or monitor those calls need, this would deadlock; the bounded waits turn that into a failure
   * instead of a hung build. An assertion thrown inside a listener would be logged and swallowed, so the listener
   * reports through a future.
   */
  @Test
  void aListenerCanCallBackIntoTheClientAndWaitForItWithoutDeadlock() throws Exception {
    try (LatchkeyClient client = client()) {
      CompletableFuture<List<Object>> callbacks = new CompletableFuture<>();
      client.session().onChange(s -> {
        if (s == null || callbacks.isDone()) {
          return;
        }
        try {
          List<Object> seen = new ArrayList<>();
          seen.add(client.session().getSync().sessionId());
          seen.add(client.session().getInfo().fromCache());
          SessionTokens tokens = client.session().getTokens();
          seen.add(tokens);
          seen.add(client.user().getSync().userId());
          client.session().onChange(later -> { }).unsubscribe();
          client.session().updateSession(tokens); // the same session: only its JWT is replaced
          seen.add(client.user().get().get(10, TimeUnit.SECONDS).userId());
          seen.add(client.session().authenticate(SessionOptions.checkOnly()).get(10, TimeUnit.SECONDS).session()
              .sessionId());
          client.session().revoke(RevokeOptions.defaults()).get(10, TimeUnit.SECONDS);
          seen.add(client.session().getTokens() == null ? "signed out" : "still signed in");
          callbacks.complete(seen);
        } catch (Exception | AssertionError e) {
          callbacks.completeExceptionally(e);
        }
      });

      SessionTokens tokens = Fixture.tokens(Fixture.signUp(server));
      client.session().updateSession(tokens);
      AuthenticateResponse r = client.session().authenticate(SessionOptions.checkOnly()).join();

      String sessionId = r.session().sessionId();
      String userId = r.session().userId();
      assertThat(callbacks.get(40, TimeUnit.SECONDS))
          .containsExactly(sessionId, false, tokens, userId, userId, sessionId, "signed out");
    }
  }

  @Test
  void anErrorThrownInACallFailsItsFutureWithThatErrorNotABadResponseAndKeepsTheSession() throws Exception {
    AssertionError bug = new AssertionError("a bug in the transport");
    AtomicBoolean broken = new AtomicBoolean();
    JdkTransport real = new JdkTransport(Duration.ofSeconds(10));
    Transport transport = request -> {
      if (broken.get()) {
        throw bug;
      }
      return real.execute(request);
    };
    try (real; LatchkeyClient client = Fixture.client(server).transport(transport).scheduler(new ManualScheduler())
        .build()) {
      Fixture.signIn(client, server);
      String sessionId = client.session().getSync().sessionId();
      broken.set(true);

      CompletableFuture<AuthenticateResponse> check = client.session().authenticate(SessionOptions.checkOnly());
      CompletableFuture<User> me = client.user().get();
      CompletableFuture<AuthenticateResponse> signIn = client.passwords().authenticate(Fixture.newEmail(),
          Fixture.PASSWORD, 60);

      for (CompletableFuture<?> call : List.of(check, me, signIn)) {
        assertThatThrownBy(() -> call.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
            .hasCauseReference(bug);
      }
      assertThat(client.session().getSync().sessionId()).isEqualTo(sessionId);

      broken.set(false);
      assertThat(client.session().authenticate(SessionOptions.checkOnly()).get(10, TimeUnit.SECONDS).session()
          .sessionId()).as("the failed check left no shared request behind").isEqualTo(sessionId);
    }
  }

  @Test
  void aStoredSessionShowsAtOnceFromCacheAndIsConfirmedAtStartUp() throws Exception {
    Path file = dir.resolve("session.json");
    String sessionId;
    try (LatchkeyClient first = Fixture.client(server).tokenStore(TokenStore.file(file))
        .scheduler(new ManualScheduler()).build()) {
      Fixture.signIn(first, server);
      sessionId = first.session().getSync().sessionId();
    }

    ManualScheduler scheduler = new ManualScheduler();
    try (LatchkeyClient restarted = Fixture.client(server).tokenStore(TokenStore.file(file)).scheduler(scheduler)
        .build()) {
      assertThat(restarted.session().getInfo()).satisfies(i -> {
        assertThat(i.session().sessionId()).isEqualTo(sessionId);
        assertThat(i.fromCache()).isTrue();
      });
      assertThat(restarted.user().getInfo().fromCache()).isTrue();

      ManualScheduler.Task startUpCheck = scheduler.next();
      assertThat(startUpCheck.delay()).isZero();
      startUpCheck.run();
      assertThat(scheduler.next().delay()).isEqualTo(Duration.ofMinutes(3));

      assertThat(restarted.session().getInfo().fromCache()).isFalse();
      assertThat(restarted.session().getSync().sessionId()).isEqualTo(sessionId);
    }
  }

  @Test
  void aStoredSessionRevokedWhileTheAppWasClosedSignsOutAtStartUp() throws Exception {
    Path file = dir.resolve("session.json");
    String sessionId;
    try (LatchkeyClient first = Fixture.client(server).tokenStore(TokenStore.file(file))
        .scheduler(new ManualScheduler()).build()) {
      Fixture.signIn(first, server);
      sessionId = first.session().getSync().sessionId();
    }
    Fixture.revokeOnServer(server, sessionId);

    ManualScheduler scheduler = new ManualScheduler();
    try (LatchkeyClient restarted = Fixture.client(server).tokenStore(TokenStore.file(file)).scheduler(scheduler)
        .build()) {
      Fixture.Recorder<Session> sessions = new Fixture.Recorder<>();
      restarted.session().onChange(sessions);
      scheduler.next().run();

      assertThat(sessions.next()).isEqualTo(Fixture.Recorder.SIGNED_OUT);
      restarted.idle().join();
      assertThat(file).doesNotExist();
      assertThat(scheduler.pending()).isZero(); // no more checks once signed out
    }
  }

  @Test
  void theBackgroundCheckExtendsTheSessionOnlyWithKeepAlive() throws Exception {
    for (boolean keepAlive : new boolean[] {false, true}) {
      ManualScheduler scheduler = new ManualScheduler();
      try (LatchkeyClient client = Fixture.client(server).scheduler(scheduler).keepSessionAlive(keepAlive).build()) {
        Fixture.signIn(client, server);
        client.session().authenticate(SessionOptions.durationMinutes(30)).join();
        Session before = client.session().getSync();
        scheduler.next().run(); // the check the hydration scheduled, running as a background check
        scheduler.next(); // the check answered and scheduled the next one
        Session after = client.session().getSync();
        if (keepAlive) {
          assertThat(after.expiresAt()).as("keep-alive re-sends 30 minutes").isAfter(before.expiresAt());
        } else {
          assertThat(after.expiresAt()).isEqualTo(before.expiresAt());
        }
      }
    }
  }

  @Test
  void aSessionPastItsExpiryByTheClientsClockIsNotServed() throws Exception {
    MutableClock clock = new MutableClock();
    try (LatchkeyClient client = Fixture.client(server).clock(clock).scheduler(new ManualScheduler()).build()) {
      Fixture.signIn(client, server);
      Session s = client.session().getSync();
      assertThat(s).isNotNull();
      clock.set(s.expiresAt());
      assertThat(client.session().getSync()).isNull();
      assertThat(client.session().getInfo().session()).isNull();
    }
  }

  @Test
  void userGetFetchesTheSignedInUserFromTheServer() throws Exception {
    try (LatchkeyClient client = client()) {
      Fixture.signIn(client, server);
      String userId = client.session().getSync().userId();
      User me = client.user().get().join();
      assertThat(me.userId()).isEqualTo(userId);
      assertThat(me.emails()).hasSize(1);
      assertThat(client.user().getSync()).isEqualTo(me);
    }
  }

  @Test
  void userUpdateChangesTheNameOnTheServerAndTellsTheUserListeners() throws Exception {
    try (LatchkeyClient client = client()) {
      Fixture.signIn(client, server);
      Fixture.Recorder<User> users = new Fixture.Recorder<>();
      client.user().onChange(users);

      User updated = client.user().update(new User.Name("Ada", "", "Lovelace"), Map.of("theme", "dark")).join();

      assertThat(updated.name()).isEqualTo(new User.Name("Ada", "", "Lovelace"));
      assertThat(updated.untrustedMetadata()).isEqualTo(Map.of("theme", "dark"));
      assertThat(((User) users.next()).name().firstName()).isEqualTo("Ada");
      assertThat(client.user().getSync()).isEqualTo(updated);
      assertThat(server.api().get("/v1/users/" + updated.userId()).json().path("name").path("last_name").asText())
          .isEqualTo("Lovelace");
      client.session().authenticate(SessionOptions.checkOnly()).join();
      client.idle().join();
      assertThat(users.seen).as("the same user again is no change").isEmpty();
    }
  }

  @Test
  void callsWithoutASessionFailLocallyWithNoSession() {
    try (LatchkeyClient client = client()) {
      assertThat(failure(client.session().authenticate(SessionOptions.checkOnly())).errorType())
          .isEqualTo(LatchkeyClientException.NO_SESSION);
      assertThat(failure(client.user().get()).errorType()).isEqualTo(LatchkeyClientException.NO_SESSION);
      assertThat(client.session().revoke(RevokeOptions.defaults()).join()).isNull();
      assertThat(client.session().getTokens()).isNull();
    }
  }
}
