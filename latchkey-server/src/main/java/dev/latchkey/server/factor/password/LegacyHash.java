package dev.latchkey.server.factor.password;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.password4j.Argon2Function;
import com.password4j.BcryptFunction;
import com.password4j.types.Argon2;
import dev.latchkey.model.PasswordMigrateRequest;
import dev.latchkey.server.error.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.generators.PKCS5S2ParametersGenerator;
import org.bouncycastle.crypto.generators.SCrypt;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * A password hash made by another system ({@code POST /v1/passwords/migrate}), checked with its own algorithm until
 * the user's first successful sign-in replaces it with Latchkey's Argon2id. The KDFs are libraries' (password4j for
 * bcrypt and Argon2, Bouncy Castle for scrypt and PBKDF2, the JDK for the salted digests); only phpass, for which
 * Maven Central has no maintained library, is a few lines here ({@link Phpass}: iterated MD5 as phpass defines it).
 *
 * <p>Stored in the password's hash column as {@code legacy:<hash_type>:<base64url of the config JSON>:<hash>}, a form
 * no Argon2id PHC string ({@code $argon2id$...}) can take. {@link #toString()} leaves hash and salts out.
 *
 * <pre>{@code
 * LegacyHash legacy = LegacyHash.from(request);          // 400 naming the field when it cannot be used
 * users.setPassword(userId, new StoredPassword(id, legacy.encode(), false));
 * LegacyHash.decode(stored).verify("old password");      // at sign-in
 * }</pre>
 */
public final class LegacyHash {
  /** The prefix of a stored legacy hash. */
  public static final String PREFIX = "legacy:";
  private static final int MAX_HASH_LENGTH = 4096;
  private static final int MAX_SALT = 1024;
  /** Memory a hash may make one sign-in spend (the server runs in a 256 MiB heap by default). */
  private static final long MAX_MEMORY_BYTES = 64L * 1024 * 1024;
  private static final int MAX_PBKDF2_ITERATIONS = 2_000_000;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern BCRYPT = Pattern.compile("\\$2[abxy]?\\$(\\d\\d)\\$[./A-Za-z0-9]{53}");
  private static final Pattern ARGON2 =
      Pattern.compile("\\$(argon2id|argon2i)\\$(?:v=(\\d+)\\$)?m=(\\d{1,9}),t=(\\d{1,9}),p=(\\d{1,9})\\$[A-Za-z0-9+/]+"
          + "\\$[A-Za-z0-9+/]+");
  private static final Pattern SCRYPT_PHC =
      Pattern.compile("\\$scrypt\\$ln=(\\d{1,2}),r=(\\d{1,4}),p=(\\d{1,4})\\$([A-Za-z0-9+/.=-]*)\\$([A-Za-z0-9+/.=-]+)");

  /** Stytch's hash types, by wire name. */
  public enum Type {
    BCRYPT, SCRYPT, ARGON_2I, ARGON_2ID, PBKDF_2, MD_5, SHA_1, SHA_512, PHPASS;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    static Type fromWire(String name) {
      for (Type t : values()) {
        if (t.wireName().equals(name)) {
          return t;
        }
      }
      throw ErrorCode.INVALID_HASH_TYPE.exception();
    }
  }

  private final Type type;
  private final String hash;
  /** The parameters the hash needs besides itself, with canonical names (salts, costs, lengths). */
  private final Map<String, Object> config;

  private LegacyHash(Type type, String hash, Map<String, Object> config) {
    this.type = type;
    this.hash = hash;
    this.config = Map.copyOf(config);
  }

  public Type type() {
    return type;
  }

  /** Whether a stored password hash is one of these (else it is Latchkey's Argon2id). */
  public static boolean isLegacy(String storedHash) {
    return storedHash != null && storedHash.startsWith(PREFIX);
  }

  /**
   * The hash of a migrate request, checked: the type is known, the hash has that type's format, and the config the
   * type needs is there and in range. Anything else is a 400 whose error type and message name the field.
   */
  public static LegacyHash from(PasswordMigrateRequest r) {
    if (r.hashType() == null || r.hashType().isEmpty()) {
      throw ErrorCode.MISSING_REQUIRED_FIELD.exception("hash_type is required.");
    }
    Type type = Type.fromWire(r.hashType());
    if (r.hash() == null || r.hash().isEmpty()) {
      throw ErrorCode.MISSING_REQUIRED_FIELD.exception("hash is required.");
    }
    String hash = r.hash();
    if (hash.length() > MAX_HASH_LENGTH) {
      throw ErrorCode.INVALID_HASH.exception("hash is longer than " + MAX_HASH_LENGTH + " characters.");
    }
    refuseOtherConfigs(r, type);
    Map<String, Object> config = new LinkedHashMap<>();
    switch (type) {
      case BCRYPT -> checkBcrypt(hash);
      case SCRYPT -> checkScrypt(hash, r.scryptConfig(), config);
      case ARGON_2I, ARGON_2ID -> checkArgon2(type, hash, r.argon2Config(), config);
      case PBKDF_2 -> checkPbkdf2(hash, r.pbkdf2Config(), config);
      case MD_5 -> checkDigest(hash, 32, ErrorCode.INVALID_MD_5_HASH, r.md5Config(), config);
      case SHA_1 -> checkDigest(hash, 40, ErrorCode.INVALID_SHA_1_HASH, r.sha1Config(), config);
      case SHA_512 -> checkDigest(hash, 128, ErrorCode.INVALID_SHA_512_HASH, r.sha512Config(), config);
      case PHPASS -> Phpass.check(hash);
      default -> throw new IllegalStateException(type.name());
    }
    String stored = type == Type.MD_5 || type == Type.SHA_1 || type == Type.SHA_512
        ? hash.toLowerCase(Locale.ROOT) : hash;
    return new LegacyHash(type, stored, config);
  }

  /** A config meant for another hash type is a sign of a mix-up: refused rather than ignored. */
  private static void refuseOtherConfigs(PasswordMigrateRequest r, Type type) {
    Object[][] configs = {
        {r.md5Config(), "md_5_config", Type.MD_5}, {r.sha1Config(), "sha_1_config", Type.SHA_1},
        {r.sha512Config(), "sha_512_config", Type.SHA_512}, {r.scryptConfig(), "scrypt_config", Type.SCRYPT},
        {r.pbkdf2Config(), "pbkdf_2_config", Type.PBKDF_2}, {r.argon2Config(), "argon_2_config", Type.ARGON_2ID}};
    for (Object[] c : configs) {
      Type owner = (Type) c[2];
      boolean matches = owner == type || (owner == Type.ARGON_2ID && type == Type.ARGON_2I);
      if (c[0] != null && !matches) {
        throw ErrorCode.INVALID_HASH_TYPE.exception(c[1] + " was given but hash_type is " + type.wireName() + ".");
      }
    }
  }

  private static void checkBcrypt(String hash) {
    Matcher m = BCRYPT.matcher(hash);
    if (!m.matches()) {
      throw ErrorCode.INVALID_BCRYPT_HASH.exception();
    }
    int cost = Integer.parseInt(m.group(1));
    if (cost < 4 || cost > 31) {
      throw ErrorCode.INVALID_BCRYPT_COST.exception();
    }
  }

  private static void checkScrypt(String hash, PasswordMigrateRequest.ScryptConfig c, Map<String, Object> config) {
    Matcher phc = SCRYPT_PHC.matcher(hash);
    byte[] salt;
    byte[] key;
    int n;
    int r;
    int p;
    if (hash.startsWith("$scrypt$")) {
      if (!phc.matches()) {
        throw ErrorCode.INVALID_BASE64_SCRYPT_HASH.exception();
      }
      int ln = Integer.parseInt(phc.group(1));
      if (ln < 1 || ln > 18) {
        throw ErrorCode.INVALID_SCRYPT_N_PARAMETER.exception();
      }
      n = 1 << ln;
      r = Integer.parseInt(phc.group(2));
      p = Integer.parseInt(phc.group(3));
      salt = base64(phc.group(4), ErrorCode.INVALID_BASE64_SCRYPT_SALT);
      key = base64(phc.group(5), ErrorCode.INVALID_BASE64_SCRYPT_HASH);
    } else {
      if (c == null) {
        throw ErrorCode.MISSING_REQUIRED_FIELD.exception(
            "scrypt_config is required when hash is not a PHC string ($scrypt$...).");
      }
      key = base64(hash, ErrorCode.INVALID_BASE64_SCRYPT_HASH);
      if (c.salt() == null || c.salt().isEmpty()) {
        throw ErrorCode.INVALID_BASE64_SCRYPT_SALT.exception("scrypt_config.salt is required: the base64 salt.");
      }
      salt = base64(c.salt(), ErrorCode.INVALID_BASE64_SCRYPT_SALT);
      n = required(c.nParameter(), ErrorCode.INVALID_SCRYPT_N_PARAMETER, "scrypt_config.n_parameter");
      r = required(c.rParameter(), ErrorCode.INVALID_SCRYPT_PARAMETERS, "scrypt_config.r_parameter");
      p = required(c.pParameter(), ErrorCode.INVALID_SCRYPT_PARAMETERS, "scrypt_config.p_parameter");
      int keyLength = required(c.keyLength(), ErrorCode.SCRYPT_KEY_LENGTH_MISMATCH, "scrypt_config.key_length");
      if (keyLength != key.length) {
        throw ErrorCode.SCRYPT_KEY_LENGTH_MISMATCH.exception("scrypt_config.key_length is " + keyLength
            + " but the hash decodes to " + key.length + " bytes.");
      }
    }
    if (n < 2 || n > 262_144 || Integer.bitCount(n) != 1) {
      throw ErrorCode.INVALID_SCRYPT_N_PARAMETER.exception();
    }
    if (r < 1 || p < 1 || p > 16 || 128L * n * r > MAX_MEMORY_BYTES) {
      throw ErrorCode.INVALID_SCRYPT_PARAMETERS.exception();
    }
    if (salt.length < 1 || salt.length > MAX_SALT) {
      throw ErrorCode.INVALID_SCRYPT_SALT_LENGTH.exception();
    }
    if (key.length < 16 || key.length > 1024) {
      throw ErrorCode.SCRYPT_KEY_LENGTH_MISMATCH.exception();
    }
    config.put("salt", Base64.getEncoder().encodeToString(salt));
    config.put("n", n);
    config.put("r", r);
    config.put("p", p);
    config.put("key", Base64.getEncoder().encodeToString(key));
  }

  private static void checkArgon2(Type type, String hash, PasswordMigrateRequest.Argon2Config c,
      Map<String, Object> config) {
    String variant = type == Type.ARGON_2I ? "argon2i" : "argon2id";
    if (hash.startsWith("$")) {
      Matcher m = ARGON2.matcher(hash);
      if (!m.matches() || !m.group(1).equals(variant)) {
        throw ErrorCode.INVALID_HASH.exception("For " + type.wireName() + ", hash must be an encoded $" + variant
            + "$v=19$m=...,t=...,p=...$salt$hash string, or hex with argon_2_config.");
      }
      checkArgon2Costs(Long.parseLong(m.group(3)), Long.parseLong(m.group(4)), Long.parseLong(m.group(5)));
      try {
        Argon2Function.getInstanceFromHash(hash);
      } catch (RuntimeException e) {
        throw ErrorCode.INVALID_HASH.exception("The encoded " + variant + " hash could not be read.");
      }
      return;
    }
    if (c == null) {
      throw ErrorCode.MISSING_REQUIRED_FIELD.exception(
          "argon_2_config is required when hash is hex rather than an encoded $" + variant + "$ string.");
    }
    byte[] key;
    try {
      key = HexFormat.of().parseHex(hash);
    } catch (IllegalArgumentException e) {
      throw ErrorCode.INVALID_HASH.exception("For " + type.wireName() + " with argon_2_config, hash must be hex.");
    }
    if (c.salt() == null || c.salt().length() < 8 || c.salt().length() > MAX_SALT) {
      throw ErrorCode.INVALID_ARGON_2_SALT.exception();
    }
    int iterations = required(c.iterationAmount(), ErrorCode.INVALID_ARGON_2_ITERATION_AMOUNT,
        "argon_2_config.iteration_amount");
    int memory = required(c.memory(), ErrorCode.INVALID_ARGON_2_MEMORY, "argon_2_config.memory");
    int threads = required(c.threads(), ErrorCode.INVALID_ARGON_2_THREADS, "argon_2_config.threads");
    int keyLength = required(c.keyLength(), ErrorCode.INVALID_ARGON_2_KEY_LENGTH, "argon_2_config.key_length");
    checkArgon2Costs(memory, iterations, threads);
    if (keyLength < 4 || keyLength > 1024) {
      throw ErrorCode.INVALID_ARGON_2_KEY_LENGTH.exception();
    }
    if (keyLength != key.length) {
      throw ErrorCode.ARGON_2_KEY_LENGTH_MISMATCH.exception("argon_2_config.key_length is " + keyLength
          + " but the hex hash is " + key.length + " bytes.");
    }
    config.put("salt", c.salt());
    config.put("t", iterations);
    config.put("m", memory);
    config.put("p", threads);
    config.put("key_length", keyLength);
  }

  private static void checkArgon2Costs(long memory, long iterations, long threads) {
    if (threads < 1 || threads > 16) {
      throw ErrorCode.INVALID_ARGON_2_THREADS.exception();
    }
    if (iterations < 1 || iterations > 100) {
      throw ErrorCode.INVALID_ARGON_2_ITERATION_AMOUNT.exception();
    }
    if (memory < 8 * threads || memory * 1024 > MAX_MEMORY_BYTES) {
      throw ErrorCode.INVALID_ARGON_2_MEMORY.exception();
    }
  }

  private static void checkPbkdf2(String hash, PasswordMigrateRequest.Pbkdf2Config c, Map<String, Object> config) {
    if (c == null) {
      throw ErrorCode.MISSING_REQUIRED_FIELD.exception("pbkdf_2_config is required for hash_type pbkdf_2.");
    }
    byte[] key = base64(hash, ErrorCode.INVALID_PBKDF_2_HASH);
    if (key.length < 16 || key.length > 1024) {
      throw ErrorCode.INVALID_PBKDF_2_HASH.exception();
    }
    if (c.salt() == null || c.salt().isEmpty()) {
      throw ErrorCode.INVALID_PBKDF_2_SALT.exception("pbkdf_2_config.salt is required: the base64 salt.");
    }
    byte[] salt = base64(c.salt(), ErrorCode.INVALID_PBKDF_2_SALT);
    if (salt.length < 1 || salt.length > MAX_SALT) {
      throw ErrorCode.INVALID_PBKDF_2_SALT.exception();
    }
    int iterations = required(c.iterationAmount(), ErrorCode.INVALID_PBKDF_2_ITERATION_AMOUNT,
        "pbkdf_2_config.iteration_amount");
    if (iterations < 1 || iterations > MAX_PBKDF2_ITERATIONS) {
      throw ErrorCode.INVALID_PBKDF_2_ITERATION_AMOUNT.exception();
    }
    String algorithm = c.algorithm() == null || c.algorithm().isEmpty() ? "sha256" : c.algorithm();
    if (!algorithm.equals("sha256") && !algorithm.equals("sha512")) {
      throw ErrorCode.INVALID_PBKDF_2_ALGORITHM.exception();
    }
    int keyLength = required(c.keyLength(), ErrorCode.PBKDF_2_KEY_LENGTH_MISMATCH, "pbkdf_2_config.key_length");
    if (keyLength != key.length) {
      throw ErrorCode.PBKDF_2_KEY_LENGTH_MISMATCH.exception("pbkdf_2_config.key_length is " + keyLength
          + " but the hash decodes to " + key.length + " bytes.");
    }
    config.put("salt", Base64.getEncoder().encodeToString(salt));
    config.put("iterations", iterations);
    config.put("algorithm", algorithm);
  }

  private static void checkDigest(String hash, int hexDigits, ErrorCode invalid, PasswordMigrateRequest.SaltConfig c,
      Map<String, Object> config) {
    if (hash.length() != hexDigits || !hash.chars().allMatch(ch -> Character.digit(ch, 16) >= 0)) {
      throw invalid.exception();
    }
    String prepend = c == null || c.prependSalt() == null ? "" : c.prependSalt();
    String append = c == null || c.appendSalt() == null ? "" : c.appendSalt();
    if (prepend.length() > MAX_SALT) {
      throw ErrorCode.INVALID_PREPEND_SALT.exception();
    }
    if (append.length() > MAX_SALT) {
      throw ErrorCode.INVALID_APPEND_SALT.exception();
    }
    config.put("prepend_salt", prepend);
    config.put("append_salt", append);
  }

  private static int required(Integer value, ErrorCode code, String field) {
    if (value == null) {
      throw code.exception(field + " is required.");
    }
    return value;
  }

  private static byte[] base64(String text, ErrorCode code) {
    try {
      String t = text.replace('-', '+').replace('_', '/').replace('.', '+');
      return Base64.getDecoder().decode(t.length() % 4 == 0 ? t : t + "=".repeat(4 - t.length() % 4));
    } catch (IllegalArgumentException e) {
      throw code.exception();
    }
  }

  /** The stored form: {@code legacy:<hash_type>:<base64url of the config JSON>:<hash>}. */
  public String encode() {
    try {
      String json = JSON.writeValueAsString(new java.util.TreeMap<>(config));
      return PREFIX + type.wireName() + ":"
          + Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8)) + ":" + hash;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The fields of a {@code POST /v1/passwords/migrate} body that carry this hash ({@code hash_type}, {@code hash} and
   * the type's config, under Stytch's names), so that an export can be imported again and verify the same
   * passwords. The inverse of {@link #from}.
   */
  public Map<String, Object> migrateFields() {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("hash_type", type.wireName());
    f.put("hash", hash);
    Map<String, Object> c = new LinkedHashMap<>();
    switch (type) {
      case BCRYPT, PHPASS -> {
        return f;
      }
      case SCRYPT -> {
        if (hash.startsWith("$scrypt$")) {
          return f;
        }
        c.put("salt", config.get("salt"));
        c.put("n_parameter", integer("n"));
        c.put("r_parameter", integer("r"));
        c.put("p_parameter", integer("p"));
        c.put("key_length", Base64.getDecoder().decode((String) config.get("key")).length);
        f.put("scrypt_config", c);
      }
      case ARGON_2I, ARGON_2ID -> {
        if (hash.startsWith("$")) {
          return f;
        }
        c.put("salt", config.get("salt"));
        c.put("iteration_amount", integer("t"));
        c.put("memory", integer("m"));
        c.put("threads", integer("p"));
        c.put("key_length", integer("key_length"));
        f.put("argon_2_config", c);
      }
      case PBKDF_2 -> {
        c.put("salt", config.get("salt"));
        c.put("iteration_amount", integer("iterations"));
        c.put("key_length", base64(hash, ErrorCode.INVALID_PBKDF_2_HASH).length);
        c.put("algorithm", config.get("algorithm"));
        f.put("pbkdf_2_config", c);
      }
      case MD_5, SHA_1, SHA_512 -> {
        c.put("prepend_salt", config.get("prepend_salt"));
        c.put("append_salt", config.get("append_salt"));
        f.put(type.wireName() + "_config", c);
      }
      default -> throw new IllegalStateException(type.name());
    }
    return f;
  }

  /** Reads what {@link #encode()} wrote. */
  public static LegacyHash decode(String stored) {
    if (!isLegacy(stored)) {
      throw new IllegalArgumentException("not a legacy hash");
    }
    String[] parts = stored.substring(PREFIX.length()).split(":", 3);
    if (parts.length != 3) {
      throw new IllegalArgumentException("malformed legacy hash");
    }
    try {
      Map<String, Object> config = JSON.readValue(Base64.getUrlDecoder().decode(parts[1]), new TypeReference<>() {});
      return new LegacyHash(Type.fromWire(parts[0]), parts[2], config);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("malformed legacy hash config");
    }
  }

  /** Whether {@code password} is the one this hash was made from; the final comparison is in constant time. */
  public boolean verify(String password) {
    byte[] pw = password.getBytes(StandardCharsets.UTF_8);
    return switch (type) {
      case BCRYPT -> BcryptFunction.getInstanceFromHash(hash).check(password, hash);
      case ARGON_2I, ARGON_2ID -> hash.startsWith("$") ? Argon2Function.getInstanceFromHash(hash).check(password, hash)
          : MessageDigest.isEqual(Argon2Function.getInstance(integer("m"), integer("t"), integer("p"),
              integer("key_length"), type == Type.ARGON_2I ? Argon2.I : Argon2.ID, Argon2Function.ARGON2_VERSION_13)
              .hash(pw, ((String) config.get("salt")).getBytes(StandardCharsets.UTF_8)).getBytes(),
              HexFormat.of().parseHex(hash));
      case SCRYPT -> {
        byte[] key = Base64.getDecoder().decode((String) config.get("key"));
        yield MessageDigest.isEqual(SCrypt.generate(pw, Base64.getDecoder().decode((String) config.get("salt")),
            integer("n"), integer("r"), integer("p"), key.length), key);
      }
      case PBKDF_2 -> {
        byte[] key = base64(hash, ErrorCode.INVALID_PBKDF_2_HASH);
        PKCS5S2ParametersGenerator gen = new PKCS5S2ParametersGenerator(
            "sha512".equals(config.get("algorithm")) ? new SHA512Digest() : new SHA256Digest());
        gen.init(pw, Base64.getDecoder().decode((String) config.get("salt")), integer("iterations"));
        yield MessageDigest.isEqual(((KeyParameter) gen.generateDerivedMacParameters(key.length * 8)).getKey(), key);
      }
      case MD_5 -> salted("MD5", password);
      case SHA_1 -> salted("SHA-1", password);
      case SHA_512 -> salted("SHA-512", password);
      case PHPASS -> Phpass.matches(password, hash);
    };
  }

  private int integer(String key) {
    return ((Number) config.get(key)).intValue();
  }

  private boolean salted(String algorithm, String password) {
    String input = config.get("prepend_salt") + password + config.get("append_salt");
    return MessageDigest.isEqual(digest(algorithm).digest(input.getBytes(StandardCharsets.UTF_8)),
        HexFormat.of().parseHex(hash));
  }

  static MessageDigest digest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LegacyHash other && type == other.type && hash.equals(other.hash)
        && config.equals(other.config);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, hash, config);
  }

  @Override
  public String toString() {
    return "LegacyHash[type=" + type.wireName() + ", hash=<redacted>]";
  }
}
