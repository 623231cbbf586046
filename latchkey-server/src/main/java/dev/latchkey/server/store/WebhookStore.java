package dev.latchkey.server.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/** Webhook endpoints and the deliveries of session events to them. */
public interface WebhookStore {
  /**
   * An endpoint. {@code secret} and {@code previousSecret} are sealed (see {@code secretScheme}); {@code eventTypes}
   * empty means every type; {@code lastEventId} is the fan-out cursor.
   */
  record Endpoint(String endpointId, String url, List<String> eventTypes, String secret, String previousSecret,
      Instant previousExpiresAt, String secretScheme, boolean enabled, Instant createdAt, long lastEventId) {
    public Endpoint {
      eventTypes = List.copyOf(eventTypes);
    }

    @Override
    public String toString() {
      return "Endpoint[" + endpointId + ", " + url + ", " + eventTypes + ", enabled=" + enabled + "]";
    }
  }

  /** A delivery: {@code status} is {@link #PENDING}, {@link #DELIVERED} or {@link #DEAD}. */
  record Delivery(String messageId, String endpointId, long eventId, String payload, String status, int attempts,
      Instant nextAttemptAt, String lastError, Instant createdAt) {}

  String PENDING = "pending";
  String DELIVERED = "delivered";
  String DEAD = "dead";

  void create(Endpoint endpoint);

  List<Endpoint> list();

  Optional<Endpoint> find(String endpointId);

  /** Writes url, event types, secrets and enabled; false when there is no such endpoint. */
  boolean update(Endpoint endpoint);

  /** Deletes the endpoint and its deliveries; false when there was none. */
  boolean delete(String endpointId);

  /**
   * One fan-out pass (one node at a time; the others return 0 at once): for each enabled endpoint, the session
   * events after its cursor (up to {@code limit}) get a pending delivery each when their type is one it takes, with
   * {@code payload} of the event and an id from {@code messageIds}, and the cursor moves past them. Returns how many
   * deliveries were added.
   */
  int fanOut(int limit, Instant now, Function<SessionEvent, String> payload, Supplier<String> messageIds);

  /**
   * The deliveries to send now: of each endpoint, its oldest pending delivery (so each endpoint gets its events in
   * order), when its attempt is due and no node holds its lease.
   */
  List<Delivery> due(Instant now);

  /** Takes the lease of a due delivery until {@code leaseUntil}; false when another node took it first. */
  boolean claim(String messageId, Instant now, Instant leaseUntil);

  /** Records an attempt's outcome: delivered, or failed with the next attempt's time, or dead (no more attempts). */
  void recordAttempt(String messageId, String status, int attempts, Instant nextAttemptAt, String lastError);

  /** The endpoint's dead letters, oldest first. */
  List<Delivery> deadLetters(String endpointId);

  /** Puts dead letters ({@code messageId} null: all of the endpoint's) back to pending, due now; how many. */
  int replay(String endpointId, String messageId, Instant now);

  /** Deletes delivered deliveries made before {@code before} (dead letters stay until replayed or deleted); how many. */
  int purgeDelivered(Instant before);

  /** Every delivery of the endpoint, oldest first (for tests and the admin). */
  List<Delivery> deliveries(String endpointId);
}
