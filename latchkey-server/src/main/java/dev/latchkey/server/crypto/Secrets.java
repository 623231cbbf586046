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
    return B64URL.encodeToString(digest().digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  /** Compares two strings in time that depends only on their lengths, never on where they differ. */
  public static boolean constantTimeEquals(String a, String b) {
    if (a == null || b == null) {
      return false;
    }
    return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  private static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
