package dev.latchkey.bench;

import dev.latchkey.model.Attributes;
import dev.latchkey.model.AuthenticationFactor;
import dev.latchkey.model.User;
import dev.latchkey.server.crypto.Ids;
import dev.latchkey.server.crypto.KeyEncryption;
import dev.latchkey.server.crypto.KeyRing;
import dev.latchkey.server.crypto.Secrets;
import dev.latchkey.server.session.SessionJwts;
import dev.latchkey.server.store.StoredSession;
import dev.latchkey.server.store.StoredUser;
import dev.latchkey.server.store.Stores;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The server's real storage and signing parts over a temporary SQLite file, as the benchmarks use them: the same
 * {@link Stores}, {@link KeyRing} and {@link SessionJwts} that {@code LatchkeyServer} wires, nothing simulated.
 * {@link #close()} deletes the file.
 */
final class BenchDatabase implements AutoCloseable {
  static final String PROJECT_ID = "project-test-00000000-0000-4000-8000-000000000000";
  /** As in production: a request waits at most this long for a connection. */
  private static final Duration DB_TIMEOUT = Duration.ofSeconds(10);
  /** Key retention as the server's default order of magnitude; irrelevant to the measurements. */
  private static final Duration KEY_RETENTION = Duration.ofDays(30);

  final Path dir;
  final Stores stores;
  final KeyRing keys;
  final SessionJwts jwts;
  final Ids ids = Ids.forProject(PROJECT_ID);

  BenchDatabase() {
    try {
      this.dir = Files.createTempDirectory("latchkey-bench-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.stores = Stores.open("jdbc:sqlite:" + dir.resolve("latchkey.db"), DB_TIMEOUT);
    this.keys = new KeyRing(stores.keys(), new KeyEncryption(null), ids, Clock.systemUTC(), KEY_RETENTION);
    keys.start();
    this.jwts = new SessionJwts(keys, PROJECT_ID);
  }

  /** A session as a password sign-in creates it, with a few custom claims; not stored. */
  StoredSession sampleSession(String userId, String token) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    return new StoredSession(ids.session(), userId, Secrets.sha256(token), now, now, now.plus(Duration.ofHours(24)),
        new Attributes("203.0.113.7", "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"),
        List.of(AuthenticationFactor.password(now)), Map.of("plan", "pro", "tenant", "acme"), 1);
  }

  /** Stores {@code users} users with {@code sessionsPerUser} sessions each; returns every session token. */
  List<String> populate(int users, int sessionsPerUser) {
    List<String> tokens = new ArrayList<>(users * sessionsPerUser);
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    for (int u = 0; u < users; u++) {
      StoredUser user = new StoredUser(ids.user(), "active", User.Name.EMPTY, Map.of(), Map.of(), null, now,
          List.of(new StoredUser.StoredEmail(ids.email(), "bench-" + u + "@example.com", true)), null);
      stores.users().create(user);
      for (int s = 0; s < sessionsPerUser; s++) {
        String token = Secrets.randomToken(Secrets.SESSION_TOKEN_BYTES);
        stores.sessions().create(sampleSession(user.userId(), token));
        tokens.add(token);
      }
    }
    return tokens;
  }

  @Override
  public void close() {
    stores.close();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
