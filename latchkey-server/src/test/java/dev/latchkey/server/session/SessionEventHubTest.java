package dev.latchkey.server.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.server.store.SessionEvent;
import dev.latchkey.server.store.SessionEventStore;
import dev.latchkey.server.store.jdbc.JdbcStores;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where a subscriber without a resume point starts. The hub's reader learns of commits a little after they happen
 * (at once for this process's, through NOTIFY or a backstop for other nodes'); a stream opened in between must start
 * after what is committed, not after what the reader has read, or it is sent events from before it asked.
 */
class SessionEventHubTest {
  @TempDir
  Path dir;
  private JdbcStores stores;
  private SessionEventHub hub;

  /** The real store, except that commits are not announced: the reader is told only by an explicit wake. */
  private record Unannounced(SessionEventStore store) implements SessionEventStore {
    @Override
    public List<SessionEvent> after(long afterId, int limit) {
      return store.after(afterId, limit);
    }

    @Override
    public long lastId() {
      return store.lastId();
    }

    @Override
    public long prunedThrough() {
      return store.prunedThrough();
    }

    @Override
    public int prune(Instant cutoff) {
      return store.prune(cutoff);
    }

    @Override
    public void onAppend(Runnable listener) {
      // not announced
    }

    @Override
    public void audit(String type, Map<String, Object> data) {
      store.audit(type, data);
    }
  }

  @BeforeEach
  void open() {
    stores = JdbcStores.open("jdbc:sqlite:" + dir.resolve("events.db"), Duration.ofSeconds(5));
    hub = new SessionEventHub(new Unannounced(stores.sessionEvents()));
  }

  @AfterEach
  void close() {
    hub.close();
    stores.close();
  }

  @Test
  void aSubscriberWithoutAResumePointStartsAfterWhatIsCommittedEvenBeforeTheReaderHasReadIt() throws Exception {
    stores.sessionEvents().audit(SessionEvent.BULK_REVOKE, Map.of("n", 1));  // committed, not yet read by the hub

    long start = hub.latest();
    hub.wake();  // the reader now reads it; the subscriber must still not be sent it

    assertThat(start).isEqualTo(stores.sessionEvents().lastId()).isEqualTo(1);
    assertThat(hub.next(start, Duration.ofMillis(500))).as("the event from before it asked").isEmpty();
  }

  @Test
  void aSubscriberWithoutAResumePointGetsEveryEventCommittedAfterItStarted() throws Exception {
    stores.sessionEvents().audit(SessionEvent.BULK_REVOKE, Map.of("n", 1));
    long start = hub.latest();
    stores.sessionEvents().audit(SessionEvent.BULK_REVOKE, Map.of("n", 2));
    hub.wake();

    List<SessionEvent> events = hub.next(start, Duration.ofSeconds(10));

    assertThat(events).extracting(SessionEvent::id).containsExactly(2L);
  }
}
