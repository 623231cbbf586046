package dev.latchkey.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A software WebAuthn authenticator for tests: it answers the options the server returns with real attestation and
 * assertion objects (CBOR, COSE keys, signatures made with the JDK's crypto), as a browser would hand them back as
 * JSON. One instance holds one credential. {@code none} and {@code packed} (self) attestation, ES256 and RS256 keys,
 * discoverable (the assertion carries the user handle) or not.
 *
 * <p>Every part a hostile client could change is a field or parameter, so security tests can produce a credential
 * that is wrong in exactly one way: another origin or RP ID, user verification not done, a counter that goes back,
 * a signature by another key.
 */
public final class SoftwareAuthenticator {
  public enum Alg { ES256, RS256 }

  public enum Attestation { NONE, PACKED }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final byte UP = 0x01;
  private static final byte UV = 0x04;
  private static final byte AT = 0x40;

  private final Alg alg;
  private final Attestation attestation;
  private final boolean discoverable;
  private final KeyPair keys;
  private final byte[] credentialId = new byte[32];
  private byte[] userHandle;
  /** Whether the user is verified (biometrics, PIN) on the next ceremony. */
  public boolean userVerified = true;
  /** The signature counter the next ceremony reports; each assertion adds one first. */
  public long signCount;
  /** When set, assertions are signed with this key instead of the credential's own. */
  public PrivateKey signWith;

  public SoftwareAuthenticator(Alg alg, Attestation attestation, boolean discoverable) {
    this.alg = alg;
    this.attestation = attestation;
    this.discoverable = discoverable;
    this.keys = newKeyPair(alg);
    RANDOM.nextBytes(credentialId);
  }

  /** A passkey: ES256, no attestation, discoverable. */
  public static SoftwareAuthenticator passkey() {
    return new SoftwareAuthenticator(Alg.ES256, Attestation.NONE, true);
  }

  public String credentialId() {
    return b64url(credentialId);
  }

  /** Another key of the same kind, for "a signature by another key". */
  public PrivateKey otherKey() {
    return newKeyPair(alg).getPrivate();
  }

  /** {@code navigator.credentials.create} for {@code optionsJson} (the server's options), at {@code origin}. */
  public String register(String optionsJson, String origin) {
    JsonNode options = read(optionsJson);
    return register(optionsJson, origin, options.path("rp").path("id").asText());
  }

  /** As {@link #register(String, String)}, with the RP ID the authenticator hashes into its data chosen. */
  public String register(String optionsJson, String origin, String rpId) {
    JsonNode options = read(optionsJson);
    userHandle = decode(options.path("user").path("id").asText());
    byte[] clientData = clientData("webauthn.create", options.path("challenge").asText(), origin);
    ByteArrayOutputStream authData = authData(rpId, (byte) (UP | (userVerified ? UV : 0) | AT), signCount);
    authData.writeBytes(new byte[16]); // AAGUID: all zero for a software authenticator
    authData.writeBytes(new byte[] {(byte) (credentialId.length >> 8), (byte) credentialId.length});
    authData.writeBytes(credentialId);
    authData.writeBytes(coseKey());
    byte[] data = authData.toByteArray();
    Cbor attStmt = new Cbor().map(0);
    String fmt = "none";
    if (attestation == Attestation.PACKED) {
      fmt = "packed";
      byte[] sig = sign(keys.getPrivate(), concat(data, sha256(clientData)));
      attStmt = new Cbor().map(2).text("alg").integer(coseAlg()).text("sig").bytes(sig);
    }
    byte[] attestationObject = new Cbor().map(3).text("fmt").text(fmt).text("attStmt").raw(attStmt.toBytes())
        .text("authData").bytes(data).toBytes();
    Map<String, Object> response = new LinkedHashMap<>();
    response.put("clientDataJSON", b64url(clientData));
    response.put("attestationObject", b64url(attestationObject));
    response.put("transports", new String[] {"internal"});
    return credential(response);
  }

  /** {@code navigator.credentials.get} for {@code optionsJson}, at {@code origin}. */
  public String authenticate(String optionsJson, String origin) {
    JsonNode options = read(optionsJson);
    return authenticate(optionsJson, origin, options.path("rpId").asText());
  }

  public String authenticate(String optionsJson, String origin, String rpId) {
    JsonNode options = read(optionsJson);
    byte[] clientData = clientData("webauthn.get", options.path("challenge").asText(), origin);
    signCount++;
    byte[] data = authData(rpId, (byte) (UP | (userVerified ? UV : 0)), signCount).toByteArray();
    byte[] sig = sign(signWith != null ? signWith : keys.getPrivate(), concat(data, sha256(clientData)));
    Map<String, Object> response = new LinkedHashMap<>();
    response.put("clientDataJSON", b64url(clientData));
    response.put("authenticatorData", b64url(data));
    response.put("signature", b64url(sig));
    if (discoverable && userHandle != null) {
      response.put("userHandle", b64url(userHandle));
    }
    return credential(response);
  }

  /**
   * {@code credentialJson} with one member of its {@code response} replaced by {@code bytes} (base64url), for a
   * tampered client data or authenticator data.
   */
  public static String withResponseBytes(String credentialJson, String member, byte[] bytes) {
    ObjectNode node = (ObjectNode) read(credentialJson);
    ((ObjectNode) node.get("response")).put(member, b64url(bytes));
    return node.toString();
  }

  /** The decoded bytes of one member of a credential's {@code response}. */
  public static byte[] responseBytes(String credentialJson, String member) {
    return decode(read(credentialJson).path("response").path(member).asText());
  }

  private String credential(Map<String, Object> response) {
    Map<String, Object> credential = new LinkedHashMap<>();
    credential.put("type", "public-key");
    credential.put("id", b64url(credentialId));
    credential.put("rawId", b64url(credentialId));
    credential.put("authenticatorAttachment", "platform");
    credential.put("response", response);
    credential.put("clientExtensionResults", Map.of());
    try {
      return JSON.writeValueAsString(credential);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] clientData(String type, String challenge, String origin) {
    String json = "{\"type\":\"" + type + "\",\"challenge\":\"" + b64url(decode(challenge)) + "\",\"origin\":\""
        + origin + "\",\"crossOrigin\":false}";
    return json.getBytes(StandardCharsets.UTF_8);
  }

  private static ByteArrayOutputStream authData(String rpId, byte flags, long count) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(sha256(rpId.getBytes(StandardCharsets.UTF_8)));
    out.write(flags);
    out.writeBytes(ByteBuffer.allocate(4).putInt((int) count).array());
    return out;
  }

  private long coseAlg() {
    return alg == Alg.ES256 ? -7 : -257;
  }

  private byte[] coseKey() {
    if (alg == Alg.ES256) {
      ECPublicKey pub = (ECPublicKey) keys.getPublic();
      return new Cbor().map(5).integer(1).integer(2).integer(3).integer(-7).integer(-1).integer(1)
          .integer(-2).bytes(unsigned(pub.getW().getAffineX(), 32))
          .integer(-3).bytes(unsigned(pub.getW().getAffineY(), 32)).toBytes();
    }
    RSAPublicKey pub = (RSAPublicKey) keys.getPublic();
    return new Cbor().map(4).integer(1).integer(3).integer(3).integer(-257)
        .integer(-1).bytes(unsigned(pub.getModulus(), pub.getModulus().bitLength() / 8))
        .integer(-2).bytes(unsigned(pub.getPublicExponent(), 3)).toBytes();
  }

  private byte[] sign(PrivateKey key, byte[] data) {
    try {
      Signature s = Signature.getInstance(alg == Alg.ES256 ? "SHA256withECDSA" : "SHA256withRSA");
      s.initSign(key);
      s.update(data);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyPair newKeyPair(Alg alg) {
    try {
      if (alg == Alg.ES256) {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
      }
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] unsigned(BigInteger n, int length) {
    byte[] raw = n.toByteArray();
    if (raw.length == length) {
      return raw;
    }
    byte[] out = new byte[length];
    int copy = Math.min(raw.length, length);
    System.arraycopy(raw, raw.length - copy, out, length - copy, copy);
    return out;
  }

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static JsonNode read(String json) {
    try {
      return JSON.readTree(json);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("not JSON: " + json, e);
    }
  }

  public static String b64url(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** Either base64 or base64url, as the server may send either. */
  public static byte[] decode(String text) {
    return Base64.getUrlDecoder().decode(text.replace('+', '-').replace('/', '_').replace("=", ""));
  }

  /** Just enough definite-length CBOR (RFC 8949) for attestation objects and COSE keys. */
  static final class Cbor {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Cbor map(int entries) {
      head(5, entries);
      return this;
    }

    Cbor text(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      head(3, b.length);
      out.writeBytes(b);
      return this;
    }

    Cbor bytes(byte[] b) {
      head(2, b.length);
      out.writeBytes(b);
      return this;
    }

    Cbor integer(long n) {
      if (n >= 0) {
        head(0, n);
      } else {
        head(1, -1 - n);
      }
      return this;
    }

    Cbor raw(byte[] encoded) {
      out.writeBytes(encoded);
      return this;
    }

    byte[] toBytes() {
      return out.toByteArray();
    }

    private void head(int major, long value) {
      int m = major << 5;
      if (value < 24) {
        out.write(m | (int) value);
      } else if (value < 0x100) {
        out.write(m | 24);
        out.write((int) value);
      } else if (value < 0x10000) {
        out.write(m | 25);
        out.writeBytes(new byte[] {(byte) (value >> 8), (byte) value});
      } else {
        out.write(m | 26);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) value).array());
      }
    }
  }
}
