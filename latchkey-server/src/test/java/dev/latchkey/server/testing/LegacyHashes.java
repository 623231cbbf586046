package dev.latchkey.server.testing;

import com.password4j.PBKDF2Function;
import com.password4j.ScryptFunction;
import com.password4j.types.Hmac;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Password hashes as other systems make them, for migration tests: each made by a library other than the one
 * Latchkey verifies it with where two exist (bcrypt and Argon2 by Bouncy Castle, verified by password4j; scrypt
 * and PBKDF2 by password4j, verified by Bouncy Castle; digests by the JDK). Each method returns the fields of a
 * {@code POST /v1/passwords/migrate} body besides email: {@code hash}, {@code hash_type} and the config.
 *
 * <pre>{@code
 * Map<String, Object> fields = LegacyHashes.of("bcrypt", "old password");
 * }</pre>
 */
public final class LegacyHashes {
  /** Every hash type Stytch's migrate accepts, in two forms where it has two (encoded and config). */
  public static final String[] KINDS = {"bcrypt", "scrypt", "scrypt_phc", "argon_2i", "argon_2id", "argon_2id_hex",
      "pbkdf_2_sha256", "pbkdf_2_sha512", "md_5", "sha_1", "sha_512", "phpass"};

  private static final byte[] SALT = "sixteen byte slt".getBytes(StandardCharsets.US_ASCII);

  private LegacyHashes() {}

  public static Map<String, Object> of(String kind, String password) {
    byte[] pw = password.getBytes(StandardCharsets.UTF_8);
    Map<String, Object> f = new LinkedHashMap<>();
    switch (kind) {
      case "bcrypt" -> put(f, "bcrypt", OpenBSDBCrypt.generate("2b", password.toCharArray(), SALT, 4));
      case "scrypt" -> {
        put(f, "scrypt", b64(scrypt(pw, 1024, 8, 1, 32)));
        f.put("scrypt_config", Map.of("salt", b64(SALT), "n_parameter", 1024, "r_parameter", 8, "p_parameter", 1,
            "key_length", 32));
      }
      case "scrypt_phc" -> put(f, "scrypt", "$scrypt$ln=10,r=8,p=1$" + b64(SALT).replace("=", "") + "$"
          + b64(scrypt(pw, 1024, 8, 1, 32)).replace("=", ""));
      case "argon_2i", "argon_2id" -> {
        int type = kind.equals("argon_2i") ? Argon2Parameters.ARGON2_i : Argon2Parameters.ARGON2_id;
        byte[] key = argon2(type, pw, SALT, 3, 4096, 1, 32);
        put(f, kind, "$" + kind.replace("_", "") + "$v=19$m=4096,t=3,p=1$" + b64(SALT).replace("=", "") + "$"
            + b64(key).replace("=", ""));
      }
      case "argon_2id_hex" -> {
        String salt = "a salt of text";
        put(f, "argon_2id", HexFormat.of().formatHex(argon2(Argon2Parameters.ARGON2_id, pw,
            salt.getBytes(StandardCharsets.UTF_8), 2, 1024, 2, 24)));
        f.put("argon_2_config", Map.of("salt", salt, "iteration_amount", 2, "memory", 1024, "threads", 2,
            "key_length", 24));
      }
      case "pbkdf_2_sha256", "pbkdf_2_sha512" -> {
        boolean sha512 = kind.endsWith("512");
        byte[] key = PBKDF2Function.getInstance(sha512 ? Hmac.SHA512 : Hmac.SHA256, 1000, sha512 ? 512 : 256)
            .hash(pw, SALT).getBytes();
        put(f, "pbkdf_2", b64(key));
        f.put("pbkdf_2_config", Map.of("salt", b64(SALT), "iteration_amount", 1000, "key_length", key.length,
            "algorithm", sha512 ? "sha512" : "sha256"));
      }
      case "md_5" -> {
        put(f, "md_5", hex("MD5", "pre-" + password + "-post"));
        f.put("md_5_config", Map.of("prepend_salt", "pre-", "append_salt", "-post"));
      }
      case "sha_1" -> {
        put(f, "sha_1", hex("SHA-1", "s1" + password));
        f.put("sha_1_config", Map.of("prepend_salt", "s1", "append_salt", ""));
      }
      case "sha_512" -> put(f, "sha_512", hex("SHA-512", password));
      case "phpass" -> {
        if (!password.equals("test12345")) {
          throw new IllegalArgumentException("phpass vectors come from phpass itself: use test12345");
        }
        put(f, "phpass", "$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0");
      }
      default -> throw new IllegalArgumentException(kind);
    }
    return f;
  }

  private static void put(Map<String, Object> f, String type, String hash) {
    f.put("hash", hash);
    f.put("hash_type", type);
  }

  private static byte[] scrypt(byte[] pw, int n, int r, int p, int length) {
    try {
      return ScryptFunction.getInstance(n, r, p, length).scrypt(pw, SALT, length);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] argon2(int type, byte[] pw, byte[] salt, int t, int m, int p, int length) {
    Argon2BytesGenerator g = new Argon2BytesGenerator();
    g.init(new Argon2Parameters.Builder(type).withVersion(Argon2Parameters.ARGON2_VERSION_13).withSalt(salt)
        .withIterations(t).withMemoryAsKB(m).withParallelism(p).build());
    byte[] out = new byte[length];
    g.generateBytes(pw, out);
    return out;
  }

  private static String hex(String algorithm, String input) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm)
          .digest(input.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String b64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }
}
