package dev.latchkey.server.keys;

import dev.latchkey.model.Jwk;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/** An RS256 key pair with its self-signed certificate (for {@code x5c}); {@code retiredAt} is null while it signs. */
public record SigningKey(
    String kid, RSAPrivateKey privateKey, RSAPublicKey publicKey, X509Certificate certificate, Instant createdAt,
    Instant retiredAt) {

  public Jwk toJwk() {
    try {
      byte[] der = certificate.getEncoded();
      String thumbprint = Base64.getUrlEncoder().withoutPadding()
          .encodeToString(MessageDigest.getInstance("SHA-256").digest(der));
      return new Jwk("RSA", "sig", List.of("verify"), "RS256", kid, List.of(Base64.getEncoder().encodeToString(der)),
          thumbprint, b64u(publicKey.getModulus()), b64u(publicKey.getPublicExponent()));
    } catch (CertificateEncodingException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("cannot encode the certificate of " + kid, e);
    }
  }

  private static String b64u(BigInteger value) {
    byte[] bytes = value.toByteArray();
    if (bytes.length > 1 && bytes[0] == 0) {
      bytes = java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
    }
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  @Override
  public String toString() {
    return "SigningKey[kid=" + kid + ", createdAt=" + createdAt + ", retiredAt=" + retiredAt + "]";
  }
}
