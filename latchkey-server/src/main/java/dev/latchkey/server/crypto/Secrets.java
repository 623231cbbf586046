package dev.latchkey.server.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/** Random tokens, their hashes at rest, and constant-time comparison. */
public final class Secrets {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

  /** 33 random bytes: 264 bits, which base64url-encode to Stytch's 44-character opaque session token. */
  public static final int SESSION_TOKEN_BYTES = 33;

  private Secrets() {}

  /** {@code bytes} bytes from the CSPRNG, base64url without padding. */
  public static String randomToken(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return B64URL.encodeToString(b);
  }

  public static byte[] randomBytes(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return b;
  }

  /** SHA-256 of the UTF-8 text, base64url: what the store keeps instead of a token or secret. */
  public static String sha256(String text) {
    MessageDigest d = DIGESTS.take();
    try {
      return B64URL.encodeToString(d.digest(text.getBytes(StandardCharsets.UTF_8)));
    } finally {
      DIGESTS.give(d);
    }
  }

  /**
   * Compares two strings in time that depends only on their lengths, never on where they differ. Char by char
   * rather than through {@link MessageDigest#isEqual} on their bytes: every session check compares two, and the
   * byte copies were a tenth of what one allocated.
   */
  public static boolean constantTimeEquals(String a, String b) {
    if (a == null || b == null || a.length() != b.length()) {
      return false;
    }
    int diff = 0;
    for (int i = 0; i < a.length(); i++) {
      diff |= a.charAt(i) ^ b.charAt(i);
    }
    return diff == 0;
  }

  private static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /**
   * SHA-256 instances for reuse. {@code MessageDigest.getInstance} looks the provider up and builds a new state
   * (~600 bytes) per call, and a thread-local would not help: every request runs on a new virtual thread. A few
   * slots picked by thread id; a taken slot means a new instance, so nobody ever waits.
   */
  private static final class DigestPool {
    private final java.util.concurrent.atomic.AtomicReferenceArray<MessageDigest> slots =
        new java.util.concurrent.atomic.AtomicReferenceArray<>(16);

    MessageDigest take() {
      MessageDigest d = slots.getAndSet(slot(), null);
      return d != null ? d : newDigest();
    }

    void give(MessageDigest d) {
      d.reset();
      slots.lazySet(slot(), d);
    }

    private int slot() {
      return (int) (Thread.currentThread().threadId() & (slots.length() - 1));
    }
  }

  private static final DigestPool DIGESTS = new DigestPool();
}
