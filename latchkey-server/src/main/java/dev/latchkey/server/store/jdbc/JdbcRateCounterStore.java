package dev.latchkey.server.store.jdbc;

import dev.latchkey.server.store.RateCounterStore;

import java.time.Instant;
import java.util.List;

final class JdbcRateCounterStore implements RateCounterStore {
  private final Jdbc jdbc;

  JdbcRateCounterStore(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public int increment(String key, Instant windowStart, Instant windowEnd) {
    return jdbc.inTransaction(RowCache.Invalidation.NONE, c -> {
      // One portable upsert (SQLite 3.24+ and PostgreSQL): concurrent increments never lose a hit.
      jdbc.update(c, "INSERT INTO rate_counters (counter_key, window_start, hits, expires_at) VALUES (?, ?, 1, ?) "
          + "ON CONFLICT (counter_key, window_start) DO UPDATE SET hits = rate_counters.hits + 1", key,
          windowStart.toEpochMilli(), windowEnd.toEpochMilli());
      List<Integer> hits = jdbc.query(c, "SELECT hits FROM rate_counters WHERE counter_key = ? AND window_start = ?",
          rs -> rs.getInt(1), key, windowStart.toEpochMilli());
      return hits.get(0);
    });
  }

  @Override
  public void decrement(String key, Instant windowStart) {
    jdbc.update(RowCache.Invalidation.NONE, "UPDATE rate_counters SET hits = hits - 1 WHERE counter_key = ? AND window_start = ? AND hits > 0",
        key, windowStart.toEpochMilli());
  }

  @Override
  public int count(String key, Instant windowStart) {
    return jdbc.queryOne("SELECT hits FROM rate_counters WHERE counter_key = ? AND window_start = ?",
        rs -> rs.getInt(1), key, windowStart.toEpochMilli()).orElse(0);
  }

  @Override
  public int purgeExpired(Instant now) {
    return jdbc.update(RowCache.Invalidation.NONE, "DELETE FROM rate_counters WHERE expires_at <= ?", now.toEpochMilli());
  }
}
