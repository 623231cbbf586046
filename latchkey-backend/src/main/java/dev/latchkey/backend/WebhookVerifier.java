package dev.latchkey.backend;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies webhook deliveries signed the Standard Webhooks way (https://www.standardwebhooks.com/): the headers
 * {@code webhook-id}, {@code webhook-timestamp} (Unix seconds) and {@code webhook-signature} (space-separated
 * {@code v1,<base64>} entries, each an HMAC-SHA256 of {@code <id>.<timestamp>.<raw body>} keyed by the base64 part of
 * a {@code whsec_...} secret). A delivery is authentic when its timestamp is within the tolerance of now (replays of
 * old deliveries are refused) and any entry matches under any configured secret (give both while a secret is being
 * rotated); every comparison is in constant time.
 *
 * <pre>{@code
 * WebhookVerifier verifier = WebhookVerifier.builder().secret(System.getenv("LATCHKEY_WEBHOOK_SECRET")).build();
 * try {
 *   verifier.verify(request.getHeader("webhook-id"), request.getHeader("webhook-timestamp"),
 *       request.getHeader("webhook-signature"), rawBody);   // the bytes as received, before any JSON parsing
 * } catch (LatchkeyException e) {
 *   response.setStatus(401);                              // e.reason(): WEBHOOK_BAD_SIGNATURE, ...
 * }
 * }</pre>
 *
 * <p>Deduplicate by {@code webhook-id}: a delivery retried after a lost acknowledgement carries the same id.
 */
public final class WebhookVerifier {
  private static final String PREFIX = "whsec_";
  private final List<byte[]> keys;
  private final Duration tolerance;
  private final Clock clock;

  private WebhookVerifier(Builder b) {
    this.keys = List.copyOf(b.keys);
    this.tolerance = b.tolerance;
    this.clock = b.clock;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Options of a {@link WebhookVerifier}; at least one secret is required. */
  public static final class Builder {
    private final List<byte[]> keys = new ArrayList<>();
    private Duration tolerance = Duration.ofMinutes(5);
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /** A {@code whsec_<base64>} secret, as Latchkey shows it when the endpoint is made or its secret rotated. */
    public Builder secret(String secret) {
      keys.add(key(secret));
      return this;
    }

    /** How far {@code webhook-timestamp} may be from now, either way: default 5 minutes, at most 1 hour. */
    public Builder tolerance(Duration tolerance) {
      Objects.requireNonNull(tolerance, "tolerance");
      if (tolerance.isNegative() || tolerance.isZero() || tolerance.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException("tolerance must be more than 0 and at most 1h: " + tolerance);
      }
      this.tolerance = tolerance;
      return this;
    }

    /** The clock the timestamp is checked against (tests). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public WebhookVerifier build() {
      if (keys.isEmpty()) {
        throw new IllegalArgumentException("a WebhookVerifier needs at least one secret (whsec_...)");
      }
      return new WebhookVerifier(this);
    }
  }

  /**
   * Returns quietly when the delivery is authentic; else throws {@link LatchkeyException} with reason
   * {@code WEBHOOK_MISSING_HEADER}, {@code WEBHOOK_BAD_TIMESTAMP} or {@code WEBHOOK_BAD_SIGNATURE} (all rejections:
   * answer 401, and the sender will retry a genuine delivery).
   */
  public void verify(String webhookId, String webhookTimestamp, String webhookSignature, byte[] body) {
    if (isBlank(webhookId) || isBlank(webhookTimestamp) || isBlank(webhookSignature) || body == null) {
      throw LatchkeyException.local(LatchkeyException.Reason.WEBHOOK_MISSING_HEADER,
          "webhook-id, webhook-timestamp and webhook-signature are all required");
    }
    long seconds;
    try {
      seconds = Long.parseLong(webhookTimestamp.trim());
    } catch (NumberFormatException e) {
      throw LatchkeyException.local(LatchkeyException.Reason.WEBHOOK_BAD_TIMESTAMP,
          "webhook-timestamp is not Unix seconds");
    }
    long now = clock.instant().getEpochSecond();
    if (Math.abs(now - seconds) > tolerance.getSeconds()) {
      throw LatchkeyException.local(LatchkeyException.Reason.WEBHOOK_BAD_TIMESTAMP,
          "webhook-timestamp is more than " + tolerance + " from now");
    }
    byte[] content = signedContent(webhookId, webhookTimestamp.trim(), body);
    boolean matched = false;
    for (byte[] key : keys) {
      byte[] expected = hmac(key, content);
      for (String entry : webhookSignature.trim().split(" +")) {
        if (!entry.startsWith("v1,")) {
          continue;
        }
        byte[] given;
        try {
          given = Base64.getDecoder().decode(entry.substring(3));
        } catch (IllegalArgumentException e) {
          continue;
        }
        // Every entry against every key, without stopping early: the time taken says nothing about which matched.
        matched |= MessageDigest.isEqual(expected, given);
      }
    }
    if (!matched) {
      throw LatchkeyException.local(LatchkeyException.Reason.WEBHOOK_BAD_SIGNATURE,
          "no v1 signature matches the body under the configured secrets");
    }
  }

  /** The {@code v1,<base64>} signature of a delivery under {@code secret}: for tests of a receiver. */
  public static String sign(String secret, String webhookId, long webhookTimestamp, byte[] body) {
    return "v1," + Base64.getEncoder().encodeToString(hmac(key(secret),
        signedContent(webhookId, Long.toString(webhookTimestamp), body)));
  }

  private static byte[] signedContent(String id, String timestamp, byte[] body) {
    byte[] head = (id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[head.length + body.length];
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(body, 0, out, head.length, body.length);
    return out;
  }

  private static byte[] key(String secret) {
    Objects.requireNonNull(secret, "secret");
    String b64 = secret.startsWith(PREFIX) ? secret.substring(PREFIX.length()) : null;
    try {
      byte[] key = b64 == null ? null : Base64.getDecoder().decode(b64);
      if (key != null && key.length >= 16) {
        return key;
      }
    } catch (IllegalArgumentException e) {
      // falls through to the message below
    }
    throw new IllegalArgumentException("a webhook secret is whsec_ followed by the base64 of at least 16 bytes");
  }

  private static byte[] hmac(byte[] key, byte[] content) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(content);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable", e);
    }
  }

  private static boolean isBlank(String s) {
    return s == null || s.trim().isEmpty();
  }
}
