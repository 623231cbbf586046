package dev.latchkey.server.store.jdbc;

import dev.latchkey.server.store.SessionEvent;
import dev.latchkey.server.store.WebhookStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

final class JdbcWebhookStore implements WebhookStore {
  private static final String ENDPOINT = "endpoint_id, url, event_types, secret, previous_secret, previous_expires_at, "
      + "secret_scheme, enabled, created_at, last_event_id";
  private static final String DELIVERY = "message_id, endpoint_id, event_id, payload, status, attempts, "
      + "next_attempt_at, last_error, created_at";
  private final Jdbc jdbc;

  JdbcWebhookStore(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public void create(Endpoint e) {
    jdbc.update(RowCache.Invalidation.NONE, "INSERT INTO webhook_endpoints (" + ENDPOINT + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        e.endpointId(), e.url(), JsonColumns.write(e.eventTypes()), e.secret(), e.previousSecret(),
        e.previousExpiresAt() == null ? null : e.previousExpiresAt().toEpochMilli(), e.secretScheme(),
        e.enabled() ? 1 : 0, e.createdAt().toEpochMilli(), e.lastEventId());
  }

  @Override
  public List<Endpoint> list() {
    return jdbc.query("SELECT " + ENDPOINT + " FROM webhook_endpoints ORDER BY created_at, endpoint_id",
        JdbcWebhookStore::endpoint);
  }

  @Override
  public Optional<Endpoint> find(String endpointId) {
    return jdbc.queryOne("SELECT " + ENDPOINT + " FROM webhook_endpoints WHERE endpoint_id = ?",
        JdbcWebhookStore::endpoint, endpointId);
  }

  @Override
  public boolean update(Endpoint e) {
    return jdbc.update(RowCache.Invalidation.NONE, "UPDATE webhook_endpoints SET url = ?, event_types = ?, secret = ?, previous_secret = ?, "
        + "previous_expires_at = ?, secret_scheme = ?, enabled = ?, last_event_id = ? WHERE endpoint_id = ?", e.url(),
        JsonColumns.write(e.eventTypes()), e.secret(), e.previousSecret(),
        e.previousExpiresAt() == null ? null : e.previousExpiresAt().toEpochMilli(), e.secretScheme(),
        e.enabled() ? 1 : 0, e.lastEventId(), e.endpointId()) == 1;
  }

  @Override
  public boolean delete(String endpointId) {
    return jdbc.inTransaction(RowCache.Invalidation.NONE, c -> {
      jdbc.update(c, "DELETE FROM webhook_deliveries WHERE endpoint_id = ?", endpointId);
      return jdbc.update(c, "DELETE FROM webhook_endpoints WHERE endpoint_id = ?", endpointId) == 1;
    });
  }

  @Override
  public int fanOut(int limit, Instant now, Function<SessionEvent, String> payload, Supplier<String> messageIds) {
    return jdbc.asSoleJob("webhook-fan-out", 0, RowCache.Invalidation.NONE, c -> {
      int added = 0;
      for (Endpoint e : jdbc.query(c, "SELECT " + ENDPOINT + " FROM webhook_endpoints WHERE enabled = 1",
          JdbcWebhookStore::endpoint)) {
        List<SessionEvent> events = jdbc.query(c, "SELECT event_id, type, session_id, user_id, occurred_at, data "
            + "FROM session_events WHERE event_id > ? ORDER BY event_id LIMIT ?", JdbcSessionEvents::row,
            e.lastEventId(), limit);
        for (SessionEvent event : events) {
          if (e.eventTypes().isEmpty() || e.eventTypes().contains(event.type())) {
            added += jdbc.update(c, "INSERT INTO webhook_deliveries (message_id, endpoint_id, event_id, payload, "
                + "status, attempts, next_attempt_at, lease_until, last_error, created_at) "
                + "VALUES (?, ?, ?, ?, ?, 0, ?, 0, NULL, ?) ON CONFLICT (endpoint_id, event_id) DO NOTHING",
                messageIds.get(), e.endpointId(), event.id(), payload.apply(event), PENDING, now.toEpochMilli(),
                now.toEpochMilli());
          }
        }
        if (!events.isEmpty()) {
          jdbc.update(c, "UPDATE webhook_endpoints SET last_event_id = ? WHERE endpoint_id = ? AND last_event_id < ?",
              events.get(events.size() - 1).id(), e.endpointId(), events.get(events.size() - 1).id());
        }
      }
      return added;
    });
  }

  @Override
  public List<Delivery> due(Instant now) {
    return jdbc.query("SELECT " + DELIVERY + " FROM webhook_deliveries d WHERE d.status = ? AND d.event_id = "
        + "(SELECT MIN(p.event_id) FROM webhook_deliveries p WHERE p.endpoint_id = d.endpoint_id AND p.status = ?) "
        + "AND d.next_attempt_at <= ? AND d.lease_until <= ?", JdbcWebhookStore::delivery, PENDING, PENDING,
        now.toEpochMilli(), now.toEpochMilli());
  }

  @Override
  public boolean claim(String messageId, Instant now, Instant leaseUntil) {
    return jdbc.update(RowCache.Invalidation.NONE, "UPDATE webhook_deliveries SET lease_until = ? WHERE message_id = ? AND status = ? "
        + "AND lease_until <= ?", leaseUntil.toEpochMilli(), messageId, PENDING, now.toEpochMilli()) == 1;
  }

  @Override
  public void recordAttempt(String messageId, String status, int attempts, Instant nextAttemptAt, String lastError) {
    jdbc.update(RowCache.Invalidation.NONE, "UPDATE webhook_deliveries SET status = ?, attempts = ?, next_attempt_at = ?, lease_until = 0, "
        + "last_error = ? WHERE message_id = ?", status, attempts, nextAttemptAt.toEpochMilli(), lastError, messageId);
  }

  @Override
  public List<Delivery> deadLetters(String endpointId) {
    return jdbc.query("SELECT " + DELIVERY + " FROM webhook_deliveries WHERE endpoint_id = ? AND status = ? "
        + "ORDER BY event_id", JdbcWebhookStore::delivery, endpointId, DEAD);
  }

  @Override
  public int replay(String endpointId, String messageId, Instant now) {
    if (messageId == null) {
      return jdbc.update(RowCache.Invalidation.NONE, "UPDATE webhook_deliveries SET status = ?, next_attempt_at = ?, lease_until = 0 "
          + "WHERE endpoint_id = ? AND status = ?", PENDING, now.toEpochMilli(), endpointId, DEAD);
    }
    return jdbc.update(RowCache.Invalidation.NONE, "UPDATE webhook_deliveries SET status = ?, next_attempt_at = ?, lease_until = 0 "
        + "WHERE endpoint_id = ? AND message_id = ? AND status = ?", PENDING, now.toEpochMilli(), endpointId,
        messageId, DEAD);
  }

  @Override
  public int purgeDelivered(Instant before) {
    return jdbc.update(RowCache.Invalidation.NONE, "DELETE FROM webhook_deliveries WHERE status = ? AND created_at < ?", DELIVERED,
        before.toEpochMilli());
  }

  @Override
  public List<Delivery> deliveries(String endpointId) {
    return jdbc.query("SELECT " + DELIVERY + " FROM webhook_deliveries WHERE endpoint_id = ? ORDER BY event_id",
        JdbcWebhookStore::delivery, endpointId);
  }

  private static Endpoint endpoint(ResultSet rs) throws SQLException {
    long previousExpires = rs.getLong(6);
    boolean noPrevious = rs.wasNull();
    return new Endpoint(rs.getString(1), rs.getString(2), JsonColumns.readStrings(rs.getString(3)), rs.getString(4),
        rs.getString(5), noPrevious ? null : Instant.ofEpochMilli(previousExpires), rs.getString(7),
        rs.getInt(8) == 1, Instant.ofEpochMilli(rs.getLong(9)), rs.getLong(10));
  }

  private static Delivery delivery(ResultSet rs) throws SQLException {
    return new Delivery(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4), rs.getString(5),
        rs.getInt(6), Instant.ofEpochMilli(rs.getLong(7)), rs.getString(8), Instant.ofEpochMilli(rs.getLong(9)));
  }

}
