package dev.latchkey.server.session.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.model.WireJson;
import dev.latchkey.server.crypto.Secrets;
import dev.latchkey.server.store.SessionEvent;
import dev.latchkey.server.store.WebhookStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers session events to webhook endpoints, on every node, once a tick ({@link #runOnce}): a fan-out (one node at
 * a time) gives each new event a delivery row per endpoint that takes its type, then each endpoint's oldest pending
 * delivery that is due is leased, sent, and its outcome recorded. So an endpoint gets its events in order, each
 * delivered before the next is tried (or dead-lettered), and at least once: a 2xx acknowledges; anything else, a
 * timeout or a refused connection is retried with exponential backoff and jitter until the retry window (a day by
 * default) has passed since the event, then the delivery is dead (listed, and replayable with its original id).
 *
 * <p>A delivery is signed the Standard Webhooks way: {@code webhook-id} (the delivery's message id, the same on every
 * attempt), {@code webhook-timestamp} (this attempt, Unix seconds) and {@code webhook-signature} ({@code v1,<base64>}
 * of HMAC-SHA256 over {@code id.timestamp.body}, one entry per signing secret while a rotation overlaps).
 * Redirects are never followed; nothing secret is logged.
 */
public final class WebhookDispatcher {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);
  private static final ObjectMapper JSON = WireJson.mapper();
  private static final int FAN_OUT_PAGE = 500;
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final Duration LEASE = TIMEOUT.plusSeconds(20);

  private final WebhookStore store;
  private final Webhooks webhooks;
  private final Clock clock;
  private final Duration retryBase;
  private final Duration retryMax;
  private final Duration retryWindow;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT)
      .followRedirects(HttpClient.Redirect.NEVER).build();

  public WebhookDispatcher(WebhookStore store, Webhooks webhooks, Clock clock, Duration retryBase, Duration retryMax,
      Duration retryWindow) {
    this.store = store;
    this.webhooks = webhooks;
    this.clock = clock;
    this.retryBase = retryBase;
    this.retryMax = retryMax;
    this.retryWindow = retryWindow;
  }

  /** One tick: fan out new events, then send what is due (each endpoint on its own virtual thread). */
  public void runOnce() {
    // Most projects have no endpoint: one read a second, and no write transaction or job lock, costs them nothing.
    if (store.list().isEmpty()) {
      return;
    }
    Instant now = clock.instant();
    while (store.fanOut(FAN_OUT_PAGE, now, WebhookDispatcher::payload, WebhookDispatcher::messageId)
        >= FAN_OUT_PAGE) {
      now = clock.instant();
    }
    List<Thread> sending = new ArrayList<>();
    for (WebhookStore.Delivery d : store.due(now)) {
      sending.add(Thread.ofVirtual().name("latchkey-webhook").start(() -> deliver(d)));
    }
    for (Thread t : sending) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void deliver(WebhookStore.Delivery d) {
    Instant now = clock.instant();
    if (!store.claim(d.messageId(), now, now.plus(LEASE))) {
      return;
    }
    WebhookStore.Endpoint e = store.find(d.endpointId()).orElse(null);
    if (e == null) {
      return;
    }
    if (!e.enabled()) {
      // Held, not failed: a disabled endpoint's pending deliveries wait for it to be enabled again.
      store.recordAttempt(d.messageId(), WebhookStore.PENDING, d.attempts(), now.plus(retryBase), d.lastError());
      return;
    }
    String error = send(e, d, now);
    int attempts = d.attempts() + 1;
    if (error == null) {
      store.recordAttempt(d.messageId(), WebhookStore.DELIVERED, attempts, now, null);
      return;
    }
    Instant next = now.plus(backoff(attempts));
    boolean dead = !next.isBefore(d.createdAt().plus(retryWindow));
    store.recordAttempt(d.messageId(), dead ? WebhookStore.DEAD : WebhookStore.PENDING, attempts, next, error);
    LOG.warn("Webhook delivery {} to endpoint {} failed (attempt {}): {}{}", d.messageId(), e.endpointId(), attempts,
        error, dead ? "; dead-lettered" : "; next attempt in " + Duration.between(now, next).toSeconds() + " s");
  }

  /** Null when the endpoint answered 2xx; else what went wrong, for the dead-letter list and the log. */
  private String send(WebhookStore.Endpoint e, WebhookStore.Delivery d, Instant now) {
    String timestamp = Long.toString(now.getEpochSecond());
    byte[] body = d.payload().getBytes(StandardCharsets.UTF_8);
    StringBuilder signature = new StringBuilder();
    for (String secret : webhooks.signingSecrets(e, now)) {
      signature.append(signature.length() == 0 ? "" : " ").append(sign(secret, d.messageId(), timestamp, body));
    }
    try {
      HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(e.url())).timeout(TIMEOUT)
          .header("Content-Type", "application/json").header("User-Agent", "Latchkey-Webhooks/1")
          .header("webhook-id", d.messageId()).header("webhook-timestamp", timestamp)
          .header("webhook-signature", signature.toString())
          .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding());
      return r.statusCode() / 100 == 2 ? null : "HTTP " + r.statusCode();
    } catch (java.io.IOException ex) {
      return ex.getClass().getSimpleName() + (ex.getMessage() == null ? "" : ": " + ex.getMessage());
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      return "interrupted";
    } catch (IllegalArgumentException ex) {
      return "bad url";
    }
  }

  /** {@code base * 2^(attempts-1)}, at most {@code max}, minus up to a fifth at random (so retries spread). */
  Duration backoff(int attempts) {
    long base = retryBase.toMillis();
    long millis = attempts >= 40 ? retryMax.toMillis() : Math.min(retryMax.toMillis(), base << (attempts - 1));
    if (millis <= 0 || millis > retryMax.toMillis()) {
      millis = retryMax.toMillis();
    }
    return Duration.ofMillis(millis - ThreadLocalRandom.current().nextLong(millis / 5 + 1));
  }

  static String sign(String secret, String id, String timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring(Webhooks.PREFIX.length())),
          "HmacSHA256"));
      mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
      return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable", e);
    }
  }

  /** The body of a delivery: {@code type}, {@code timestamp} and {@code data} as Standard Webhooks suggests. */
  static String payload(SessionEvent e) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("event_id", e.id());
    data.put("session_id", e.sessionId());
    data.put("user_id", e.userId());
    data.putAll(e.data());
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", e.type());
    body.put("timestamp", e.occurredAt().toString());
    body.put("data", data);
    try {
      return JSON.writeValueAsString(body);
    } catch (JsonProcessingException ex) {
      throw new IllegalStateException(ex);
    }
  }

  private static String messageId() {
    return "msg_" + Secrets.randomToken(18);
  }
}
