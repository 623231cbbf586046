package dev.latchkey.server.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.server.store.SessionRecord;
import dev.latchkey.server.store.Stores;
import dev.latchkey.server.store.UserRecord;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node-local row cache of an SQLite file ({@link RowCache}, {@link SqliteWriters}): only the first opener keeps
 * rows, its own writes and every other opener's writes are seen by the very next read, and a writer that dies inside
 * its write never leaves the owner answering from memory.
 */
class SqliteRowCacheTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant LATER = T0.plus(Duration.ofDays(3650));

  @TempDir
  Path dir;
  private JdbcStores owner;

  @BeforeEach
  void openTheOwner() {
    owner = JdbcStores.open(url(), Duration.ofSeconds(5));
  }

  @AfterEach
  void close() {
    owner.close();
  }

  private String url() {
    return "jdbc:sqlite:" + dir.resolve("latchkey.db");
  }

  private SessionRecord storedSession(Stores stores, String id) {
    UserRecord u = StoreContract.user(StoreContract.newUserId(), id + "@example.com");
    stores.users().create(u);
    SessionRecord s = StoreContract.session(id, u.userId(), T0, LATER);
    stores.sessions().create(s);
    return s;
  }

  /** A write no Latchkey process announces: what the cache exists to skip, and what the file's owner cannot see. */
  private void writeBehindLatchkeysBack(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(url()); Statement st = c.createStatement()) {
      st.executeUpdate(sql);
    }
  }

  @Test
  void onlyTheFirstOpenerOfTheFileKeepsRowsAndToolsNeverDo() {
    try (JdbcStores second = JdbcStores.open(url(), Duration.ofSeconds(5));
        JdbcStores tool = JdbcStores.openAsTool(url(), Duration.ofSeconds(5), 2)) {
      assertThat(owner.cachesRows()).isTrue();
      assertThat(second.cachesRows()).isFalse();
      assertThat(tool.cachesRows()).isFalse();
    }
    try (JdbcStores memory = JdbcStores.open("jdbc:sqlite::memory:", Duration.ofSeconds(5))) {
      assertThat(memory.cachesRows()).isFalse();
    }
  }

  @Test
  void theOwnerAnswersARepeatedReadFromMemory() throws SQLException {
    SessionRecord s = storedSession(owner, "session-cache-1");
    assertThat(owner.sessions().findByTokenHash(s.tokenHash())).contains(s);

    writeBehindLatchkeysBack("UPDATE sessions SET expires_at = 0 WHERE session_id = 'session-cache-1'");

    assertThat(owner.sessions().findByTokenHash(s.tokenHash())).contains(s);
    assertThat(owner.sessions().findById(s.sessionId())).contains(s);
    assertThat(owner.jdbc().cache().sizes()[0]).isEqualTo(1);
  }

  @Test
  void theOwnersOwnUpdateAndRevokeAreSeenByTheNextRead() {
    SessionRecord s = storedSession(owner, "session-cache-2");
    assertThat(owner.sessions().findByTokenHash(s.tokenHash())).contains(s);
    assertThat(owner.users().find(s.userId())).isPresent();

    SessionRecord next = s.next(T0.plusSeconds(60), LATER.plusSeconds(60), s.factors(), s.customClaims());
    assertThat(owner.sessions().update(next)).isTrue();
    assertThat(owner.sessions().findByTokenHash(s.tokenHash())).contains(next);
    assertThat(owner.sessions().findById(s.sessionId())).contains(next);

    assertThat(owner.sessions().delete(s.sessionId())).isTrue();
    assertThat(owner.sessions().findByTokenHash(s.tokenHash())).isEmpty();
    assertThat(owner.sessions().findById(s.sessionId())).isEmpty();
  }

  @Test
  void everyOtherWriteOfTheOwnerDropsWhatItKept() {
    SessionRecord s = storedSession(owner, "session-cache-3");
    UserRecord u = owner.users().find(s.userId()).orElseThrow();
    owner.sessions().findByTokenHash(s.tokenHash());

    owner.users().update(new UserRecord(u.userId(), u.status(), new dev.latchkey.model.User.Name("Grace", "", "Hopper"),
        u.trustedMetadata(), u.untrustedMetadata(), u.externalId(), u.createdAt(), u.emails(), u.password()));
    assertThat(owner.users().find(s.userId())).get().extracting(r -> r.name().firstName()).isEqualTo("Grace");

    assertThat(owner.users().delete(u.userId())).isTrue();
    assertThat(owner.users().find(u.userId())).isEmpty();
    assertThat(owner.sessions().findByTokenHash(s.tokenHash())).isEmpty();
  }

  @Test
  void aRevocationByAnotherOpenerOfTheFileIsSeenByTheOwnersNextRead() {
    SessionRecord s = storedSession(owner, "session-cache-4");
    assertThat(owner.sessions().findByTokenHash(s.tokenHash())).contains(s);
    try (JdbcStores cli = JdbcStores.openAsTool(url(), Duration.ofSeconds(5), 2)) {
      SessionRecord next = s.next(T0.plusSeconds(5), LATER, s.factors(), java.util.Map.of("plan", "team"));
      assertThat(cli.sessions().update(next)).isTrue();
      assertThat(owner.sessions().findByTokenHash(s.tokenHash())).contains(next);

      assertThat(cli.sessions().delete(s.sessionId())).isTrue();
      assertThat(owner.sessions().findByTokenHash(s.tokenHash())).isEmpty();
      assertThat(owner.sessions().findById(s.sessionId())).isEmpty();
    }
  }

  @Test
  void aSessionRevokedWhileOthersReadItIsNeverFoundOnceTheRevokeReturns() throws Exception {
    int rounds = 200;
    List<SessionRecord> sessions = new ArrayList<>();
    for (int i = 0; i < rounds; i++) {
      sessions.add(storedSession(owner, "session-race-" + i));
    }
    ExecutorService readers = Executors.newFixedThreadPool(4);
    try (JdbcStores cli = JdbcStores.openAsTool(url(), Duration.ofSeconds(5), 2)) {
      for (int i = 0; i < rounds; i++) {
        SessionRecord s = sessions.get(i);
        List<Future<?>> reading = new ArrayList<>();
        for (int r = 0; r < 4; r++) {
          reading.add(readers.submit(() -> {
            for (int k = 0; k < 50; k++) {
              owner.sessions().findByTokenHash(s.tokenHash());
            }
          }));
        }
        // Half the revocations by the owner, half by another opener, while the readers fill the cache.
        boolean revoked = (i % 2 == 0 ? owner : cli).sessions().delete(s.sessionId());
        assertThat(revoked).isTrue();
        assertThat(owner.sessions().findByTokenHash(s.tokenHash())).as("round %d", i).isEmpty();
        for (Future<?> f : reading) {
          f.get(10, TimeUnit.SECONDS);
        }
        assertThat(owner.sessions().findByTokenHash(s.tokenHash())).as("round %d, readers done", i).isEmpty();
      }
    } finally {
      readers.shutdownNow();
    }
  }

  @Test
  void aWriterKilledInsideItsWriteLeavesTheOwnerReadingTheFileUntilItIsFoundDead() throws Exception {
    SessionRecord s = storedSession(owner, "session-cache-5");
    assertThat(owner.sessions().findByTokenHash(s.tokenHash())).contains(s);

    Process dying = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), DyingWriter.class.getName(), url(), s.sessionId())
        .redirectErrorStream(true).start();
    String output = new String(dying.getInputStream().readAllBytes());
    assertThat(dying.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(dying.exitValue()).as(output).isEqualTo(DyingWriter.HALTED);

    // Its write committed, its announcement never finished: the owner reads the file, not its memory.
    assertThat(owner.sessions().findByTokenHash(s.tokenHash())).isEmpty();
    storedSession(owner, "session-cache-6");
    assertThat(owner.sessions().findById("session-cache-6")).isPresent();
    assertThat(owner.jdbc().cache().sizes()[0]).isZero();

    // Once the owner finds that nobody is inside a write any more, it keeps rows again.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (owner.jdbc().cache().sizes()[0] == 0 && System.nanoTime() < deadline) {
      owner.sessions().findById("session-cache-6");
      Thread.sleep(100);
    }
    assertThat(owner.jdbc().cache().sizes()[0]).isEqualTo(1);
    assertThat(owner.sessions().findByTokenHash(s.tokenHash())).isEmpty();
  }

  /** Revokes a session in another process and halts inside the write, after its commit. */
  static final class DyingWriter {
    static final int HALTED = 42;

    public static void main(String[] args) {
      JdbcStores stores = JdbcStores.openAsTool(args[0], Duration.ofSeconds(5), 2);
      stores.jdbc().rawWrite(() -> {
        try (Connection c = stores.dataSource().getConnection();
            var delete = c.prepareStatement("DELETE FROM sessions WHERE session_id = ?")) {
          delete.setString(1, args[1]);
          delete.executeUpdate();
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
        Runtime.getRuntime().halt(HALTED);
        return null;
      });
    }
  }
}
