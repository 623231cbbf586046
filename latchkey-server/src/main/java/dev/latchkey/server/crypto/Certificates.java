package dev.latchkey.server.crypto;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Self-signed certificates that carry a signing key's public half in the JWKS ({@code x5c}, {@code x5tS256}). Nobody
 * is asked to trust them; the official Java SDK only requires the fields to be present.
 */
public final class Certificates {
  /** Longer than any key is kept: rotation, not certificate expiry, ends a key's life. */
  private static final Duration VALIDITY = Duration.ofDays(3650);

  private Certificates() {}

  public static X509Certificate selfSigned(KeyPair pair, String kid, Instant now) {
    try {
      X500Name subject = new X500Name("CN=" + kid);
      var builder = new JcaX509v3CertificateBuilder(subject, new BigInteger(64, new java.security.SecureRandom()),
          Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(VALIDITY)), subject, pair.getPublic());
      var signer = new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate());
      return parse(builder.build(signer).getEncoded());
    } catch (OperatorCreationException | java.io.IOException e) {
      throw new IllegalStateException("cannot create a certificate for " + kid, e);
    }
  }

  public static X509Certificate parse(byte[] der) {
    try {
      return (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(der));
    } catch (CertificateException e) {
      throw new IllegalStateException("a stored certificate is corrupt", e);
    }
  }

  public static X509Certificate parseBase64(String text) {
    return parse(Base64.getDecoder().decode(text));
  }
}
