package dev.latchkey.bench;

import dev.latchkey.server.crypto.Secrets;
import dev.latchkey.server.store.SessionStore;
import dev.latchkey.server.store.SessionRecord;
import dev.latchkey.server.store.UserRecord;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The two reads of an authenticate, through the server's real store (Hikari pool, SQLite in WAL mode or PostgreSQL):
 * a session by its token hash ({@link SessionStore#findByTokenHash}: the unique index on {@code token_hash}, row
 * mapping including the factors and custom-claims JSON), and its user with emails, password and TOTPs. The hashes
 * and user ids are precomputed so only the lookup is measured; a different row is read each time, round-robin, so
 * the same row is not served hot every call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SessionLookupBenchmark {
  /** Sessions in the table: 2 per user. */
  @Param({"10000"})
  public int sessions;

  /** {@code sqlite} (a temporary file), or {@code postgresql} with {@code LATCHKEY_BENCH_POSTGRES_URL} set. */
  @Param({"sqlite"})
  public String store;

  private BenchDatabase db;
  private String[] hashes;
  private String[] userIds;
  private int next;
  private int nextUser;

  @Setup(Level.Trial)
  public void setUp() {
    db = BenchDatabase.of(store);
    List<String> tokens = db.populate(sessions / 2, 2);
    hashes = tokens.stream().map(Secrets::sha256).toArray(String[]::new);
    userIds = Arrays.stream(hashes).map(h -> db.stores.sessions().findByTokenHash(h).orElseThrow().userId())
        .distinct().toArray(String[]::new);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    db.close();
  }

  @Benchmark
  public SessionRecord findByTokenHash() {
    String hash = hashes[next];
    next = next + 1 == hashes.length ? 0 : next + 1;
    return db.stores.sessions().findByTokenHash(hash)
        .orElseThrow(() -> new IllegalStateException("a populated session is missing"));
  }

  /** The other read of every authenticate: the session's user with its emails, password and TOTPs. */
  @Benchmark
  public UserRecord findUser() {
    String id = userIds[nextUser];
    nextUser = nextUser + 1 == userIds.length ? 0 : nextUser + 1;
    return db.stores.users().find(id).orElseThrow(() -> new IllegalStateException("a populated user is missing"));
  }
}
