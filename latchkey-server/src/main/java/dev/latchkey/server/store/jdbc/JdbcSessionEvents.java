package dev.latchkey.server.store.jdbc;

import dev.latchkey.server.store.SessionEvent;
import dev.latchkey.server.store.SessionEventStore;
import dev.latchkey.server.store.Stores;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session event log on SQLite or PostgreSQL. The writing stores call {@link #append} inside their own
 * transaction and {@link #appended} after it committed.
 */
final class JdbcSessionEvents implements SessionEventStore {
  private static final Logger LOG = LoggerFactory.getLogger(JdbcSessionEvents.class);
  private static final String COLUMNS = "event_id, type, session_id, user_id, occurred_at, data";

  /** An event to append: everything but its id, which the log assigns. */
  record Pending(String type, String sessionId, String userId, Instant occurredAt, Map<String, Object> data) {}

  private final Jdbc jdbc;
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

  JdbcSessionEvents(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * Appends {@code events} in {@code c}'s transaction. Call it last in the transaction: it takes the log's row lock
   * (held until commit) so that ids are assigned in commit order.
   */
  void append(Connection c, List<Pending> events) throws SQLException {
    if (events.isEmpty()) {
      return;
    }
    // One statement, not an UPDATE and a SELECT: every revoke runs this on SQLite's one committing thread.
    long last = jdbc.query(c, "UPDATE session_event_sequence SET last_id = last_id + ? WHERE singleton = 1 "
        + "RETURNING last_id", rs -> rs.getLong(1), events.size()).get(0);
    long id = last - events.size();
    for (Pending e : events) {
      id++;
      jdbc.update(c, "INSERT INTO session_events (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)", id, e.type(),
          e.sessionId(), e.userId(), e.occurredAt().toEpochMilli(), JsonColumns.write(e.data()));
    }
    jdbc.dialect().notifyChange(c, Stores.SESSION_EVENTS);
  }

  @Override
  public void audit(String type, Map<String, Object> data) {
    jdbc.inTransaction(RowCache.Invalidation.NONE, c -> {
      append(c, List.of(new Pending(type, "", "", Instant.now(), data)));
      return null;
    });
    appended();
  }

  /** After a commit that appended events: wakes this process's readers. */
  void appended() {
    for (Runnable listener : listeners) {
      try {
        listener.run();
      } catch (RuntimeException e) {
        LOG.warn("A session event listener failed: {}", e.getMessage());
      }
    }
  }

  @Override
  public void onAppend(Runnable listener) {
    listeners.add(listener);
  }

  @Override
  public List<SessionEvent> after(long afterId, int limit) {
    return jdbc.query("SELECT " + COLUMNS + " FROM session_events WHERE event_id > ? ORDER BY event_id LIMIT ?",
        JdbcSessionEvents::row, afterId, limit);
  }

  @Override
  public long lastId() {
    return jdbc.query("SELECT last_id FROM session_event_sequence WHERE singleton = 1", rs -> rs.getLong(1)).get(0);
  }

  @Override
  public long prunedThrough() {
    return jdbc.query("SELECT pruned_through FROM session_event_sequence WHERE singleton = 1", rs -> rs.getLong(1))
        .get(0);
  }

  @Override
  public int prune(Instant cutoff) {
    return jdbc.asSoleJob("prune-session-events", 0, RowCache.Invalidation.NONE, c -> {
      long last = jdbc.query(c, "SELECT last_id FROM session_event_sequence WHERE singleton = 1",
          rs -> rs.getLong(1)).get(0);
      List<Long> through = jdbc.query(c, "SELECT MAX(event_id) FROM session_events WHERE occurred_at < ? "
          + "AND event_id < ?", rs -> rs.getLong(1), cutoff.toEpochMilli(), last);
      long max = through.isEmpty() ? 0 : through.get(0);
      // Never past an enabled webhook endpoint's fan-out cursor: its deliveries are made from these rows, so a
      // fan-out that fell behind (every node down for longer than the retention) loses nothing.
      List<Long> cursor = jdbc.query(c, "SELECT MIN(last_event_id) FROM webhook_endpoints WHERE enabled = 1",
          rs -> rs.getObject(1) == null ? Long.MAX_VALUE : rs.getLong(1));
      max = Math.min(max, cursor.isEmpty() ? Long.MAX_VALUE : cursor.get(0));
      if (max == 0) {
        return 0;
      }
      // By id, not by time: the log stays a contiguous suffix even if a node's clock stepped back.
      int deleted = jdbc.update(c, "DELETE FROM session_events WHERE event_id <= ?", max);
      jdbc.update(c, "UPDATE session_event_sequence SET pruned_through = ? WHERE singleton = 1 "
          + "AND pruned_through < ?", max, max);
      return deleted;
    });
  }

  static SessionEvent row(ResultSet rs) throws SQLException {
    return new SessionEvent(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
        Instant.ofEpochMilli(rs.getLong(5)), JsonColumns.readMap(rs.getString(6)));
  }
}
