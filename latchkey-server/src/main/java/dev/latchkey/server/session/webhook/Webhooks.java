package dev.latchkey.server.session.webhook;

import dev.latchkey.server.crypto.KeyEncryption;
import dev.latchkey.server.crypto.Secrets;
import dev.latchkey.server.error.ErrorCode;
import dev.latchkey.server.store.SessionEvent;
import dev.latchkey.server.store.SessionEventStore;
import dev.latchkey.server.store.WebhookStore;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Webhook endpoints, managed through the API: each gets a Standard Webhooks secret ({@code whsec_} and the base64 of
 * 32 random bytes), shown once when the endpoint is made or its secret rotated and kept sealed at rest (HMAC needs
 * the secret itself, so it cannot be hashed). A rotation keeps the previous secret signing beside the new one for
 * an overlap, so receivers can switch without a gap. A new endpoint receives the events that happen after it is
 * made, as does an endpoint enabled again.
 */
public final class Webhooks {
  /** The event types an endpoint may ask for (empty: all). */
  public static final Set<String> EVENT_TYPES = Set.of(SessionEvent.CREATED, SessionEvent.EXTENDED,
      SessionEvent.UPDATED, SessionEvent.REVOKED, SessionEvent.EXPIRED, SessionEvent.USER_DELETED,
      SessionEvent.BULK_REVOKE);
  static final String PREFIX = "whsec_";
  private static final int SECRET_BYTES = 32;
  private static final Duration MAX_OVERLAP = Duration.ofDays(7);

  private final WebhookStore store;
  private final SessionEventStore events;
  private final KeyEncryption sealing;
  private final Clock clock;

  public Webhooks(WebhookStore store, SessionEventStore events, KeyEncryption sealing, Clock clock) {
    this.store = store;
    this.events = events;
    this.sealing = sealing;
    this.clock = clock;
  }

  /** An endpoint as the API shows it (never a secret). */
  public record View(String endpointId, String url, List<String> eventTypes, boolean enabled, Instant createdAt,
      Instant previousSecretExpiresAt) {}

  /** A new endpoint, or a rotated secret: the only time the secret is shown. */
  public record WithSecret(View endpoint, String secret) {}

  public WithSecret create(String url, List<String> eventTypes, Boolean enabled) {
    String checkedUrl = checkUrl(url);
    List<String> types = checkTypes(eventTypes);
    String secret = newSecret();
    String id = "webhook-endpoint-" + UUID.randomUUID();
    WebhookStore.Endpoint e = new WebhookStore.Endpoint(id, checkedUrl, types, seal(secret, id), null, null,
        sealing.scheme(), enabled == null || enabled, clock.instant(), events.lastId());
    store.create(e);
    return new WithSecret(view(e), secret);
  }

  public List<View> list() {
    return store.list().stream().map(Webhooks::view).toList();
  }

  public View get(String endpointId) {
    return view(find(endpointId));
  }

  /** Changes what is given; enabling a disabled endpoint starts it at the events that happen from now on. */
  public View update(String endpointId, String url, List<String> eventTypes, Boolean enabled) {
    WebhookStore.Endpoint e = find(endpointId);
    boolean enabling = enabled != null && enabled && !e.enabled();
    WebhookStore.Endpoint next = new WebhookStore.Endpoint(e.endpointId(), url == null ? e.url() : checkUrl(url),
        eventTypes == null ? e.eventTypes() : checkTypes(eventTypes), e.secret(), e.previousSecret(),
        e.previousExpiresAt(), e.secretScheme(), enabled == null ? e.enabled() : enabled, e.createdAt(),
        enabling ? Math.max(e.lastEventId(), events.lastId()) : e.lastEventId());
    if (!store.update(next)) {
      throw notFound();
    }
    return view(next);
  }

  public void delete(String endpointId) {
    if (!store.delete(checkId(endpointId))) {
      throw notFound();
    }
  }

  /** A new secret; the current one keeps signing too for {@code overlap} (default 24 h, at most 7 days). */
  public WithSecret rotate(String endpointId, Integer overlapMinutes) {
    Duration overlap = overlapMinutes == null ? Duration.ofHours(24) : Duration.ofMinutes(overlapMinutes);
    if (overlap.isNegative() || overlap.compareTo(MAX_OVERLAP) > 0) {
      throw ErrorCode.INVALID_FIELD_TYPE.exception("Field 'overlap_minutes' must be from 0 to 10080 (7 days).");
    }
    WebhookStore.Endpoint e = find(endpointId);
    String secret = newSecret();
    // Both secrets are sealed again with today's key setting, which the stored scheme then names.
    WebhookStore.Endpoint next = new WebhookStore.Endpoint(e.endpointId(), e.url(), e.eventTypes(),
        seal(secret, e.endpointId()), overlap.isZero() ? null : seal(unseal(e.secret(), e), e.endpointId()),
        overlap.isZero() ? null : clock.instant().plus(overlap), sealing.scheme(), e.enabled(), e.createdAt(),
        e.lastEventId());
    if (!store.update(next)) {
      throw notFound();
    }
    return new WithSecret(view(next), secret);
  }

  public List<WebhookStore.Delivery> deadLetters(String endpointId) {
    return store.deadLetters(find(endpointId).endpointId());
  }

  /** Sends dead letters again (all of the endpoint's, or one), with their original {@code webhook-id}s. */
  public int replay(String endpointId, String messageId) {
    int replayed = store.replay(find(endpointId).endpointId(), messageId, clock.instant());
    if (messageId != null && replayed == 0) {
      throw ErrorCode.WEBHOOK_DELIVERY_NOT_FOUND.exception("No dead letter " + messageId + " of this endpoint.");
    }
    return replayed;
  }

  /** The secrets that sign now (the current one first), unsealed: for the dispatcher only. */
  List<String> signingSecrets(WebhookStore.Endpoint e, Instant now) {
    String current = unseal(e.secret(), e);
    if (e.previousSecret() == null || e.previousExpiresAt() == null || !now.isBefore(e.previousExpiresAt())) {
      return List.of(current);
    }
    return List.of(current, unseal(e.previousSecret(), e));
  }

  private WebhookStore.Endpoint find(String endpointId) {
    return store.find(checkId(endpointId)).orElseThrow(Webhooks::notFound);
  }

  private static String checkId(String endpointId) {
    if (endpointId == null || !endpointId.startsWith("webhook-endpoint-") || endpointId.length() > 64) {
      throw notFound();
    }
    return endpointId;
  }

  private static RuntimeException notFound() {
    return ErrorCode.WEBHOOK_ENDPOINT_NOT_FOUND.exception();
  }

  /**
   * An absolute https URL, or http to a loopback host (for local receivers), without credentials or a fragment;
   * else {@code 400 invalid_webhook_url}. Deliveries never follow redirects.
   */
  static String checkUrl(String url) {
    if (url == null || url.isEmpty()) {
      throw ErrorCode.MISSING_REQUIRED_FIELD.exception("url is required.");
    }
    try {
      URI u = new URI(url);
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(java.util.Locale.ROOT);
      boolean loopback = u.getHost() != null && (u.getHost().equals("localhost") || isLoopbackLiteral(u.getHost()));
      if (url.length() <= 2048 && u.isAbsolute() && u.getHost() != null && u.getUserInfo() == null
          && u.getFragment() == null && (scheme.equals("https") || (scheme.equals("http") && loopback))) {
        return url;
      }
    } catch (URISyntaxException e) {
      // refused below
    }
    throw ErrorCode.INVALID_WEBHOOK_URL.exception();
  }

  private static boolean isLoopbackLiteral(String host) {
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    if (!h.matches("[0-9.]+|[0-9a-fA-F:]+")) {
      return false;
    }
    try {
      return InetAddress.getByName(h).isLoopbackAddress();
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  private static List<String> checkTypes(List<String> types) {
    if (types == null) {
      return List.of();
    }
    for (String t : types) {
      if (t == null || !EVENT_TYPES.contains(t)) {
        throw ErrorCode.INVALID_FIELD_TYPE.exception("Field 'event_types' may hold only "
            + new java.util.TreeSet<>(EVENT_TYPES) + ".");
      }
    }
    return List.copyOf(new java.util.LinkedHashSet<>(types));
  }

  private static String newSecret() {
    return PREFIX + Base64.getEncoder().encodeToString(Secrets.randomBytes(SECRET_BYTES));
  }

  private String seal(String secret, String endpointId) {
    return sealing.seal(secret.getBytes(StandardCharsets.UTF_8), endpointId);
  }

  private String unseal(String sealed, WebhookStore.Endpoint e) {
    return new String(sealing.open(sealed, e.secretScheme(), e.endpointId()), StandardCharsets.UTF_8);
  }

  private static View view(WebhookStore.Endpoint e) {
    return new View(e.endpointId(), e.url(), e.eventTypes(), e.enabled(), e.createdAt(), e.previousExpiresAt());
  }
}
