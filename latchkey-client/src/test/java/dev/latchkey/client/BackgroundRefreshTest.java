package dev.latchkey.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.model.Session;
import dev.latchkey.server.testing.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The background check through a server that stops and comes back, on the scheduler's clock and on the real one. */
class BackgroundRefreshTest {
  @TempDir
  Path dir;

  /** A server on a fixed free port, so that a restart on the same data directory comes back at the same URL. */
  private static TestServer serverOnFixedPort() {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return TestServer.start(Map.of("LATCHKEY_PORT", Integer.toString(port)), java.time.Clock.systemUTC());
  }

  @Test
  void aStoppedServerKeepsTheSessionRetriesOnCappedJitteredBackoffAndRecoversWhenItReturns() throws Exception {
    try (TestServer server = serverOnFixedPort()) {
      ManualScheduler scheduler = new ManualScheduler();
      // The draw alternates between the extremes of the jitter, so both bounds are met.
      double[] draws = {0.0, 0.999_999};
      int[] n = {0};
      try (LatchkeyClient client = Fixture.client(server).scheduler(scheduler)
          .tokenStore(TokenStore.file(dir.resolve("session.json")))
          .retryBackoff(Duration.ofSeconds(2), Duration.ofSeconds(60)).random(() -> draws[n[0]++ % 2]).build()) {
        Fixture.signIn(client, server);
        String sessionId = client.session().getSync().sessionId();
        Fixture.Recorder<Session> sessions = new Fixture.Recorder<>();
        client.session().onChange(sessions);
        ManualScheduler.Task next = scheduler.next();

        server.stop();
        Backoff expected = new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(60));
        for (int attempt = 0; attempt < 8; attempt++) {
          next.run();
          next = scheduler.next();
          assertThat(next.delay()).as("retry %d", attempt)
              .isBetween(expected.lowerBound(attempt), expected.upperBound(attempt));
          assertThat(client.session().getSync().sessionId()).isEqualTo(sessionId);
        }
        assertThat(next.delay()).as("capped").isBetween(Duration.ofSeconds(54), Duration.ofSeconds(66));

        server.restart(); // same data directory, same port
        next.run();
        assertThat(scheduler.next().delay()).as("back to the interval").isEqualTo(Duration.ofMinutes(3));
        assertThat(client.session().getSync().sessionId()).isEqualTo(sessionId);
        assertThat(client.session().getInfo().fromCache()).isFalse();
        client.idle().join();
        assertThat(sessions.seen).as("an outage is no change").isEmpty();
      }
    }
  }

  @Test
  void anAppStartedWhileTheServerIsDownShowsTheCachedSessionAndConfirmsItLater() throws Exception {
    Path file = dir.resolve("session.json");
    try (TestServer server = serverOnFixedPort()) {
      String sessionId;
      try (LatchkeyClient first = Fixture.client(server).scheduler(new ManualScheduler())
          .tokenStore(TokenStore.file(file)).build()) {
        Fixture.signIn(first, server);
        sessionId = first.session().getSync().sessionId();
      }
      server.stop();

      ManualScheduler scheduler = new ManualScheduler();
      try (LatchkeyClient restarted = Fixture.client(server.environment().get("LATCHKEY_PORT"), server)
          .scheduler(scheduler).tokenStore(TokenStore.file(file)).build()) {
        scheduler.next().run(); // the start-up check fails: no server
        ManualScheduler.Task retry = scheduler.next();
        assertThat(retry.delay()).isLessThan(Duration.ofMinutes(3));
        assertThat(restarted.session().getInfo().session().sessionId()).isEqualTo(sessionId);
        assertThat(restarted.session().getInfo().fromCache()).isTrue();

        server.restart();
        retry.run();
        scheduler.next();
        assertThat(restarted.session().getInfo().fromCache()).isFalse();
        assertThat(restarted.session().getSync().sessionId()).isEqualTo(sessionId);
      }
    }
  }

  @Test
  void aDatabaseOutageIsAServer503ThatKeepsTheSessionAndTheRetryRecovers() throws Exception {
    // A locked SQLite file still answers reads (WAL); writing last_accessed_at on every call makes each authenticate
    // wait for the lock, as it would for a database that does not answer.
    try (TestServer server = TestServer.start(Map.of("LATCHKEY_PURGE_INTERVAL", "1d",
        "LATCHKEY_DATABASE_TIMEOUT", "1s", "LATCHKEY_LAST_ACCESSED_WRITE_INTERVAL", "0s"),
        java.time.Clock.systemUTC())) {
      ManualScheduler scheduler = new ManualScheduler();
      try (LatchkeyClient client = Fixture.client(server).scheduler(scheduler).build()) {
        Fixture.signIn(client, server);
        String sessionId = client.session().getSync().sessionId();
        ManualScheduler.Task check = scheduler.next();

        ManualScheduler.Task retry;
        // Another process holds SQLite's write lock: the server cannot touch the session and answers 503.
        try (java.sql.Connection lock = java.sql.DriverManager.getConnection(
            "jdbc:sqlite:" + server.dataDir().resolve("latchkey.db"));
            java.sql.Statement st = lock.createStatement()) {
          st.execute("BEGIN EXCLUSIVE");
          LatchkeyClientException e = Fixture.failure(client.session().authenticate(SessionOptions.checkOnly()));
          assertThat(e.statusCode()).isEqualTo(503);
          assertThat(e.errorType()).isEqualTo("database_unavailable");
          check.run();
          retry = scheduler.next();
          assertThat(retry.delay()).isLessThan(Duration.ofMinutes(3));
          assertThat(client.session().getSync().sessionId()).isEqualTo(sessionId);
          st.execute("ROLLBACK");
        }

        retry.run();
        assertThat(scheduler.next().delay()).isEqualTo(Duration.ofMinutes(3));
        assertThat(client.session().getSync().sessionId()).isEqualTo(sessionId);
      }
    }
  }

  @Test
  void theRealBackgroundCheckNoticesARevocationOnTheServer() throws Exception {
    try (TestServer server = TestServer.start();
        LatchkeyClient client = Fixture.client(server).refreshInterval(Duration.ofMillis(200)).build()) {
      Fixture.signIn(client, server);
      Fixture.Recorder<Session> sessions = new Fixture.Recorder<>();
      client.session().onChange(sessions);

      Fixture.revokeOnServer(server, client.session().getSync().sessionId());

      assertThat(sessions.next()).isEqualTo(Fixture.Recorder.SIGNED_OUT);
      assertThat(client.session().getTokens()).isNull();
    }
  }
}
