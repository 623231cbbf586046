package dev.latchkey.server.store;

import java.time.Instant;

/**
 * A signing key row: the PKCS#8 private key (encrypted when {@code keyEncryption} is not {@code none}), the
 * self-signed certificate (base64 DER) that carries the public key, and when it stopped signing.
 */
public record KeyRecord(
    String kid, String privateKey, String keyEncryption, String certificate, Instant createdAt, Instant retiredAt) {

  @Override
  public String toString() {
    return "KeyRecord[kid=" + kid + ", privateKey=<redacted>, keyEncryption=" + keyEncryption + ", createdAt="
        + createdAt + ", retiredAt=" + retiredAt + "]";
  }
}
