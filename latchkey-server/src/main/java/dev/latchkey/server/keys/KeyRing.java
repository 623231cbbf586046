package dev.latchkey.server.keys;

import dev.latchkey.server.crypto.Certificates;
import dev.latchkey.server.crypto.Ids;
import dev.latchkey.server.crypto.KeyEncryption;

import dev.latchkey.server.store.KeyStore;
import dev.latchkey.server.store.KeyRecord;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The signing keys, loaded from the {@link KeyStore} and held as one immutable snapshot. The newest unretired key
 * signs; a retired key still verifies, and stays in the JWKS, for {@code retention} after it stopped signing, which
 * is longer than any JWT it signed can live.
 */
public final class KeyRing {
  private static final int RSA_BITS = 2048;

  private final KeyStore store;
  private final KeyEncryption encryption;
  private final Ids ids;
  private final Clock clock;
  private final Duration retention;
  /**
   * At most one re-read per this interval for a JWT whose kid is unknown: another node may have rotated a moment
   * ago, but a stream of forged kids must not turn into a stream of database reads.
   */
  static final Duration UNKNOWN_KID_RELOAD_INTERVAL = Duration.ofSeconds(1);

  private final AtomicReference<List<SigningKey>> keys = new AtomicReference<>(List.of());
  private final Object refreshLock = new Object();
  private final AtomicReference<Instant> lastUnknownKidReload = new AtomicReference<>(Instant.MIN);

  public KeyRing(KeyStore store, KeyEncryption encryption, Ids ids, Clock clock, Duration retention) {
    this.store = store;
    this.encryption = encryption;
    this.ids = ids;
    this.clock = clock;
    this.retention = retention;
  }

  /** Loads the keys, creating the first one when the store has none. */
  public void start() {
    refresh();
    if (signingKeyOrNull() == null) {
      // Nodes starting together on an empty database race here; the store keeps exactly one first key.
      store.createFirst(newKey(clock.instant()));
      refresh();
    }
  }

  /** Creates a new key, makes it the signing key, and retires the previous one. Returns the new key id. */
  public String rotate() {
    Instant now = clock.instant();
    KeyRecord key = newKey(now);
    store.rotate(key, now);
    refresh();
    return key.kid();
  }

  /** A fresh RSA key with its self-signed certificate, sealed for storage. */
  private KeyRecord newKey(Instant now) {
    String kid = ids.jwk();
    KeyPair pair = generate();
    X509Certificate cert = Certificates.selfSigned(pair, kid, now);
    try {
      return new KeyRecord(kid, encryption.seal(pair.getPrivate().getEncoded(), kid), encryption.scheme(),
          Base64.getEncoder().encodeToString(cert.getEncoded()), now, null);
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Re-reads the keys (another process may have rotated them) and deletes those past retention. */
  public void refresh() {
    // One refresh at a time (the schedule, a NOTIFY from another node and an unknown kid may race): otherwise a
    // slow read that started first could overwrite a newer snapshot.
    synchronized (refreshLock) {
      Instant now = clock.instant();
      store.deleteRetiredBefore(now.minus(retention));
      List<SigningKey> loaded = new ArrayList<>();
      for (KeyRecord k : store.all()) {
        if (k.retiredAt() == null || k.retiredAt().isAfter(now.minus(retention))) {
          loaded.add(load(k));
        }
      }
      keys.set(List.copyOf(loaded));
    }
  }

  /** The key that signs new JWTs. */
  public SigningKey signingKey() {
    SigningKey key = signingKeyOrNull();
    if (key == null) {
      throw new IllegalStateException("no signing key: start() was not called");
    }
    return key;
  }

  /** Keys that may have signed a JWT that is still in use: the signing key first, then retired ones. */
  public List<SigningKey> verificationKeys() {
    Instant cutoff = clock.instant().minus(retention);
    return keys.get().stream().filter(k -> k.retiredAt() == null || k.retiredAt().isAfter(cutoff)).toList();
  }

  public Optional<SigningKey> find(String kid) {
    return verificationKeys().stream().filter(k -> k.kid().equals(kid)).findFirst();
  }

  /**
   * {@link #find}, and when the kid is unknown, re-reads the keys first (at most once per
   * {@link #UNKNOWN_KID_RELOAD_INTERVAL}): a node that has not yet heard of another node's rotation still verifies
   * the JWTs signed with the new key.
   */
  public Optional<SigningKey> findOrReload(String kid) {
    Optional<SigningKey> found = find(kid);
    if (found.isPresent()) {
      return found;
    }
    Instant now = clock.instant();
    Instant last = lastUnknownKidReload.get();
    if (now.isBefore(last.plus(UNKNOWN_KID_RELOAD_INTERVAL)) || !lastUnknownKidReload.compareAndSet(last, now)) {
      return found;
    }
    refresh();
    return find(kid);
  }

  private SigningKey signingKeyOrNull() {
    // A loop, not a stream: every JWT signed asks.
    for (SigningKey k : keys.get()) {
      if (k.retiredAt() == null) {
        return k;
      }
    }
    return null;
  }

  private SigningKey load(KeyRecord k) {
    try {
      byte[] pkcs8 = encryption.open(k.privateKey(), k.keyEncryption(), k.kid());
      RSAPrivateKey priv = (RSAPrivateKey) KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
      X509Certificate cert = Certificates.parseBase64(k.certificate());
      return new SigningKey(k.kid(), priv, (RSAPublicKey) cert.getPublicKey(), cert, k.createdAt(), k.retiredAt());
    } catch (NoSuchAlgorithmException | InvalidKeySpecException e) {
      throw new KeyEncryption.KeyUnavailableException("Signing key " + k.kid() + " is corrupt: " + e.getMessage());
    }
  }

  private static KeyPair generate() {
    try {
      KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
      gen.initialize(RSA_BITS);
      return gen.generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has RSA", e);
    }
  }
}
