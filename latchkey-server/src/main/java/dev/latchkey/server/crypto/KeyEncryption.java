package dev.latchkey.server.crypto;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts private signing keys (and TOTP secrets) at rest with AES-256-GCM under
 * {@code LATCHKEY_KEY_ENCRYPTION_KEY}. Without that setting they are stored unencrypted (marked {@code none}) and
 * the server logs a warning at start-up.
 */
public final class KeyEncryption {
  public static final String AES_GCM = "aes-256-gcm";
  public static final String NONE = "none";
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final SecretKeySpec key;

  /** {@code key} is 32 bytes, or null for no encryption. */
  public KeyEncryption(byte[] key) {
    this.key = key == null ? null : new SecretKeySpec(key.clone(), "AES");
  }

  public boolean enabled() {
    return key != null;
  }

  public String scheme() {
    return enabled() ? AES_GCM : NONE;
  }

  /** Returns base64 text: nonce followed by ciphertext and tag, or the plain bytes when encryption is off. */
  public String seal(byte[] plain, String aad) {
    if (!enabled()) {
      return Base64.getEncoder().encodeToString(plain);
    }
    try {
      byte[] nonce = Secrets.randomBytes(NONCE_BYTES);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(aad.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      byte[] sealed = cipher.doFinal(plain);
      return Base64.getEncoder().encodeToString(ByteBuffer.allocate(nonce.length + sealed.length).put(nonce)
          .put(sealed).array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is unavailable", e);
    }
  }

  /** Reverses {@link #seal}; {@code scheme} is what was stored beside the text. */
  public byte[] open(String text, String scheme, String aad) {
    byte[] bytes = Base64.getDecoder().decode(text);
    if (NONE.equals(scheme)) {
      return bytes;
    }
    if (!AES_GCM.equals(scheme)) {
      throw new KeyUnavailableException("A signing key is stored with an unknown scheme '" + scheme + "'");
    }
    if (!enabled()) {
      throw new KeyUnavailableException("Signing keys in the database are encrypted, but LATCHKEY_KEY_ENCRYPTION_KEY "
          + "is not set: set it to the key they were encrypted with");
    }
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, bytes, 0, NONCE_BYTES));
      cipher.updateAAD(aad.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return cipher.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES);
    } catch (GeneralSecurityException e) {
      throw new KeyUnavailableException("A signing key cannot be decrypted: LATCHKEY_KEY_ENCRYPTION_KEY is not the "
          + "key it was encrypted with");
    }
  }

  /** The stored keys cannot be used with this configuration; start-up fails with this message. */
  public static final class KeyUnavailableException extends RuntimeException {
    public KeyUnavailableException(String message) {
      super(message);
    }
  }
}
