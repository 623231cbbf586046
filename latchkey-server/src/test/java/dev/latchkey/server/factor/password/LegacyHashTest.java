package dev.latchkey.server.factor.password;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.model.PasswordMigrateRequest;
import dev.latchkey.model.WireJson;
import dev.latchkey.server.error.ApiException;
import dev.latchkey.server.testing.LegacyHashes;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Migrated hashes of every type: known vectors, the stored form, and the 400s of unusable ones. */
class LegacyHashTest {
  private static final ObjectMapper JSON = WireJson.mapper();
  /** Made with Python's hashlib (OpenSSL), an implementation independent of the ones Latchkey uses. */
  private static final String PW = "correct horse \u2603";
  private static final String SALT_B64 = "TmFDbC1zYWx0LTE2Ynl0ZQ==";

  private static PasswordMigrateRequest request(Map<String, Object> fields) {
    Map<String, Object> body = new HashMap<>(fields);
    body.put("email", "legacy@example.com");
    return JSON.convertValue(body, PasswordMigrateRequest.class);
  }

  private static LegacyHash roundTrip(Map<String, Object> fields) {
    LegacyHash h = LegacyHash.from(request(fields));
    String stored = h.encode();
    assertThat(stored).startsWith("legacy:");
    LegacyHash back = LegacyHash.decode(stored);
    assertThat(back).isEqualTo(h);
    return back;
  }

  private static String errorType(Map<String, Object> fields) {
    try {
      LegacyHash.from(request(fields));
    } catch (ApiException e) {
      return e.code().type();
    }
    throw new AssertionError("accepted: " + fields);
  }

  @ParameterizedTest
  @ValueSource(strings = {"bcrypt", "scrypt", "scrypt_phc", "argon_2i", "argon_2id", "argon_2id_hex",
      "pbkdf_2_sha256", "pbkdf_2_sha512", "md_5", "sha_1", "sha_512"})
  void everyTypeMadeByAnotherLibraryVerifiesItsPasswordAndNoOther(String kind) {
    LegacyHash h = roundTrip(LegacyHashes.of(kind, "old p\u00e4ssword"));

    assertThat(h.verify("old p\u00e4ssword")).isTrue();
    assertThat(h.verify("old password")).isFalse();
    assertThat(h.verify("")).isFalse();
  }

  @Test
  void hashlibVectorsOfScryptPbkdf2AndTheSaltedDigestsVerify() {
    assertThat(roundTrip(Map.of("hash_type", "scrypt", "hash", "luFjd4aTHJczP4b99wXRTxxdVv8qhHzvYAVM5h1TbsE=",
        "scrypt_config", Map.of("salt", SALT_B64, "n_parameter", 16384, "r_parameter", 8, "p_parameter", 1,
            "key_length", 32))).verify(PW)).isTrue();
    assertThat(roundTrip(Map.of("hash_type", "pbkdf_2", "hash", "tfrk2NO4AkBsmLpQpZQvl/0kNf7Rg3ev8ao2VqnP4J0=",
        "pbkdf_2_config", Map.of("salt", SALT_B64, "iteration_amount", 10000, "key_length", 32, "algorithm",
            "sha256"))).verify(PW)).isTrue();
    assertThat(roundTrip(Map.of("hash_type", "pbkdf_2", "hash",
        "jMSCx0jJNq0DaXp9Yoh/GzI1vLzzl1K5w3Ra/RnKfvcOYJj4jrVAkxc2DtlWJ6yqhlpCHJW+yr/ZVWlzfoeGCg==",
        "pbkdf_2_config", Map.of("salt", SALT_B64, "iteration_amount", 10000, "key_length", 64, "algorithm",
            "sha512"))).verify(PW)).isTrue();
    assertThat(roundTrip(Map.of("hash_type", "md_5", "hash", "C9D54333F80E1C6FFF0185A4B3966C72", "md_5_config",
        Map.of("prepend_salt", "pre", "append_salt", "post"))).verify(PW)).isTrue();
    assertThat(roundTrip(Map.of("hash_type", "sha_1", "hash", "51f2b1c6888b70946636beab1c81c3d233056e0f",
        "sha_1_config", Map.of("prepend_salt", "pre", "append_salt", ""))).verify(PW)).isTrue();
    assertThat(roundTrip(Map.of("hash_type", "sha_512", "hash", "32dde19910ca38c5dbff5a6379f5fc3047cf08746b6c8cd48e0f7a"
        + "6f59822f3f513812d1c2620b971d52b25999f5ab9c1c260dbc25fa13dc5c678e502371440b", "sha_512_config",
        Map.of("append_salt", "post"))).verify(PW)).isTrue();
  }

  /** phpass's own test vectors (phpass test.php, and passlib's copy of them), WordPress $P$ and phpBB $H$. */
  @ParameterizedTest
  @CsvSource(delimiter = ' ', value = {
      "test12345 $P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0",
      "test1 $H$9aaaaaSXBjgypwqm.JsMssPLiS8YQ00",
      "123456 $H$9PE8jEklgZhgLmZl5.HYJAzfGCQtzi1",
      "123456 $H$9pdx7dbOW3Nnt32sikrjAxYFjX8XoK1",
      "thisisalongertestPW $P$912345678LIjjb6PhecupozNBmDndU0",
      "JohnRipper $P$612345678si5M0DDyPpmRCmcltU/YW/",
      "JohnRipper $H$712345678WhEyvy1YWzT4647jzeOmo0",
      "JohnRipper $P$B12345678L6Lpt4BxNotVIMILOa9u81",
      "compL3X! $P$FiS0N5L672xzQx1rt1vgdJQRYKnQM9/",
      "123456 $P$BVaXtDXwf/ceSVp8VpLKx8bS2Y4O5F/"})
  void phpassKnownVectorsVerify(String password, String hash) {
    LegacyHash h = roundTrip(Map.of("hash_type", "phpass", "hash", hash));

    assertThat(h.verify(password)).isTrue();
    assertThat(h.verify(password + "x")).isFalse();
  }

  @Test
  void phpassOfTheEmptyPasswordVerifies() {
    assertThat(Phpass.matches("", "$P$7JaFQsPzJSuenezefD/3jHgt5hVfNH0")).isTrue();
  }

  @Test
  void unusableHashesAndConfigsAreRefusedWithTheErrorTypeNamingTheField() {
    assertThat(errorType(Map.of("hash_type", "sha256", "hash", "ab"))).isEqualTo("invalid_hash_type");
    assertThat(errorType(Map.of("hash", "ab"))).isEqualTo("missing_required_field");
    assertThat(errorType(Map.of("hash_type", "md_5"))).isEqualTo("missing_required_field");
    assertThat(errorType(Map.of("hash_type", "bcrypt", "hash", "$2b$10$short"))).isEqualTo("invalid_bcrypt_hash");
    assertThat(errorType(Map.of("hash_type", "bcrypt", "hash", "$2b$03$" + "a".repeat(53))))
        .isEqualTo("invalid_bcrypt_cost");
    assertThat(errorType(Map.of("hash_type", "md_5", "hash", "xyz"))).isEqualTo("invalid_md_5_hash");
    assertThat(errorType(Map.of("hash_type", "sha_1", "hash", "a".repeat(32)))).isEqualTo("invalid_sha_1_hash");
    assertThat(errorType(Map.of("hash_type", "sha_512", "hash", "a".repeat(40)))).isEqualTo("invalid_sha_512_hash");
    assertThat(errorType(Map.of("hash_type", "md_5", "hash", "a".repeat(32), "md_5_config",
        Map.of("prepend_salt", "x".repeat(2000))))).isEqualTo("invalid_prepend_salt");
    assertThat(errorType(Map.of("hash_type", "phpass", "hash", "$X$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0")))
        .isEqualTo("invalid_phpass_hash_prefix");
    assertThat(errorType(Map.of("hash_type", "phpass", "hash", "$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r!L0")))
        .isEqualTo("invalid_phpass_hash_format");
    // pbkdf_2: no config, no salt, a salt that is not base64, iterations, algorithm, key length.
    String key = "tfrk2NO4AkBsmLpQpZQvl/0kNf7Rg3ev8ao2VqnP4J0=";
    assertThat(errorType(Map.of("hash_type", "pbkdf_2", "hash", key))).isEqualTo("missing_required_field");
    assertThat(errorType(Map.of("hash_type", "pbkdf_2", "hash", key, "pbkdf_2_config",
        Map.of("iteration_amount", 1000, "key_length", 32)))).isEqualTo("invalid_pbkdf_2_salt");
    assertThat(errorType(Map.of("hash_type", "pbkdf_2", "hash", key, "pbkdf_2_config",
        Map.of("salt", "%%%", "iteration_amount", 1000, "key_length", 32)))).isEqualTo("invalid_pbkdf_2_salt");
    assertThat(errorType(Map.of("hash_type", "pbkdf_2", "hash", key, "pbkdf_2_config",
        Map.of("salt", SALT_B64, "iteration_amount", 0, "key_length", 32)))).isEqualTo(
            "invalid_pbkdf_2_iteration_amount");
    assertThat(errorType(Map.of("hash_type", "pbkdf_2", "hash", key, "pbkdf_2_config",
        Map.of("salt", SALT_B64, "iteration_amount", 1000, "key_length", 32, "algorithm", "md5")))).isEqualTo(
            "invalid_pbkdf_2_algorithm");
    assertThat(errorType(Map.of("hash_type", "pbkdf_2", "hash", key, "pbkdf_2_config",
        Map.of("salt", SALT_B64, "iteration_amount", 1000, "key_length", 64)))).isEqualTo(
            "pbkdf_2_key_length_mismatch");
    assertThat(errorType(Map.of("hash_type", "pbkdf_2", "hash", "not base64!", "pbkdf_2_config",
        Map.of("salt", SALT_B64, "iteration_amount", 1000, "key_length", 32)))).isEqualTo("invalid_pbkdf_2_hash");
    // scrypt
    Map<String, Object> scrypt = new HashMap<>(Map.of("salt", SALT_B64, "n_parameter", 16384, "r_parameter", 8,
        "p_parameter", 1, "key_length", 32));
    assertThat(errorType(Map.of("hash_type", "scrypt", "hash", key))).isEqualTo("missing_required_field");
    assertThat(errorType(Map.of("hash_type", "scrypt", "hash", "***", "scrypt_config", scrypt)))
        .isEqualTo("invalid_base64_scrypt_hash");
    scrypt.put("n_parameter", 1000);
    assertThat(errorType(Map.of("hash_type", "scrypt", "hash", key, "scrypt_config", scrypt)))
        .isEqualTo("invalid_scrypt_n_parameter");
    scrypt.put("n_parameter", 262144);
    assertThat(errorType(Map.of("hash_type", "scrypt", "hash", key, "scrypt_config", scrypt)))
        .isEqualTo("invalid_scrypt_parameters");
    scrypt.put("n_parameter", 16384);
    scrypt.put("key_length", 16);
    assertThat(errorType(Map.of("hash_type", "scrypt", "hash", key, "scrypt_config", scrypt)))
        .isEqualTo("scrypt_key_length_mismatch");
    scrypt.put("key_length", 32);
    scrypt.put("salt", "!!");
    assertThat(errorType(Map.of("hash_type", "scrypt", "hash", key, "scrypt_config", scrypt)))
        .isEqualTo("invalid_base64_scrypt_salt");
    // argon2
    assertThat(errorType(Map.of("hash_type", "argon_2id", "hash", "$argon2i$v=19$m=4096,t=3,p=1$c2FsdHNhbHQ$aGFzaA")))
        .isEqualTo("invalid_hash");
    assertThat(errorType(Map.of("hash_type", "argon_2id", "hash", "$argon2id$v=19$m=1048576,t=3,p=1$c2FsdHNhbHQ$aGFzaA")))
        .isEqualTo("invalid_argon_2_memory");
    assertThat(errorType(Map.of("hash_type", "argon_2id", "hash", "abcd"))).isEqualTo("missing_required_field");
    Map<String, Object> argon = new HashMap<>(Map.of("salt", "saltsalt", "iteration_amount", 2, "memory", 1024,
        "threads", 1, "key_length", 2));
    assertThat(errorType(Map.of("hash_type", "argon_2id", "hash", "abcd", "argon_2_config", argon)))
        .isEqualTo("invalid_argon_2_key_length");
    argon.put("key_length", 8);
    assertThat(errorType(Map.of("hash_type", "argon_2id", "hash", "abcd", "argon_2_config", argon)))
        .isEqualTo("argon_2_key_length_mismatch");
    argon.put("salt", "short");
    assertThat(errorType(Map.of("hash_type", "argon_2id", "hash", "abcd", "argon_2_config", argon)))
        .isEqualTo("invalid_argon_2_salt");
    argon.put("salt", "saltsalt");
    argon.put("threads", 0);
    assertThat(errorType(Map.of("hash_type", "argon_2id", "hash", "abcd", "argon_2_config", argon)))
        .isEqualTo("invalid_argon_2_threads");
    argon.put("threads", 1);
    argon.put("iteration_amount", 0);
    assertThat(errorType(Map.of("hash_type", "argon_2id", "hash", "abcd", "argon_2_config", argon)))
        .isEqualTo("invalid_argon_2_iteration_amount");
    // a config of another type is a mix-up
    assertThat(errorType(Map.of("hash_type", "bcrypt", "hash", "x", "md_5_config", Map.of("prepend_salt", "a"))))
        .isEqualTo("invalid_hash_type");
  }

  @Test
  void toStringLeavesTheHashOut() {
    LegacyHash h = LegacyHash.from(request(LegacyHashes.of("md_5", "secret")));
    assertThat(h.toString()).doesNotContain((String) LegacyHashes.of("md_5", "secret").get("hash"));
    assertThat(request(LegacyHashes.of("md_5", "secret")).toString()).doesNotContain("pre-");
  }

  @Test
  void anUnknownStoredFormIsNotDecoded() {
    assertThatThrownBy(() -> LegacyHash.decode("$argon2id$v=19$m=8192,t=1,p=1$x$y"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
