package dev.latchkey.server.factor;

import dev.latchkey.server.crypto.Secrets;
import dev.latchkey.server.error.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * PKCE (RFC 7636, S256) as every sign-in method that hands the app a one-time token uses it (magic links, password
 * resets, OAuth): the app binds the token to a {@code code_challenge} when it starts, and must show the verifier whose
 * base64url SHA-256 that challenge is when it spends the token. Checked before the token is spent, so a wrong verifier
 * does not burn it.
 */
public final class Pkce {
  private static final Pattern CHALLENGE = Pattern.compile("[A-Za-z0-9_-]{43}");

  private Pkce() {}

  /** A challenge as sent (null or empty: none); 400 unless it has the shape of a SHA-256 in base64url. */
  public static String challenge(String challenge) {
    if (challenge == null || challenge.isEmpty()) {
      return null;
    }
    if (!CHALLENGE.matcher(challenge).matches()) {
      throw ErrorCode.INVALID_PKCE_CODE_CHALLENGE.exception();
    }
    return challenge;
  }

  /** A token bound to {@code challenge} needs its verifier; a token without one (null) takes no verifier. */
  public static void check(String challenge, String verifier) {
    boolean given = verifier != null && !verifier.isEmpty();
    if (challenge == null) {
      if (given) {
        throw ErrorCode.PKCE_DID_NOT_EXPECT_CODE_VERIFIER.exception();
      }
      return;
    }
    if (!given) {
      throw ErrorCode.PKCE_EXPECTED_CODE_VERIFIER.exception();
    }
    if (!Secrets.constantTimeEquals(s256(verifier), challenge)) {
      throw ErrorCode.PKCE_MISMATCH.exception();
    }
  }

  /** The S256 challenge of {@code verifier}: base64url (no padding) of its SHA-256. */
  public static String s256(String verifier) {
    try {
      return Base64.getUrlEncoder().withoutPadding().encodeToString(
          MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
