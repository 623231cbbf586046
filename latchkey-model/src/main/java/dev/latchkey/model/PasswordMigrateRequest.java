package dev.latchkey.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /v1/passwords/migrate}: a user with the password hash of another system, as Stytch's request has it.
 * {@code hashType} is one of {@code bcrypt}, {@code scrypt}, {@code argon_2i}, {@code argon_2id}, {@code pbkdf_2},
 * {@code md_5}, {@code sha_1}, {@code sha_512} or {@code phpass}; the config of that type says how the hash was made.
 * The hash and its salts are secrets: {@link #toString()} leaves them out.
 */
public record PasswordMigrateRequest(
    String email,
    String hash,
    String hashType,
    @JsonProperty("md_5_config") SaltConfig md5Config,
    @JsonProperty("argon_2_config") Argon2Config argon2Config,
    @JsonProperty("sha_1_config") SaltConfig sha1Config,
    @JsonProperty("sha_512_config") SaltConfig sha512Config,
    ScryptConfig scryptConfig,
    @JsonProperty("pbkdf_2_config") Pbkdf2Config pbkdf2Config,
    Map<String, Object> trustedMetadata,
    Map<String, Object> untrustedMetadata,
    Boolean setEmailVerified,
    User.Name name,
    String phoneNumber,
    Boolean setPhoneNumberVerified,
    String externalId,
    List<String> roles,
    Boolean preserveExistingSessions) {

  /** MD-5, SHA-1 and SHA-512: the salts put before and after the password before it was digested. */
  public record SaltConfig(String prependSalt, String appendSalt) {}

  /** Argon2 when the hash is given as hex rather than in its encoded ({@code $argon2id$...}) form. */
  public record Argon2Config(String salt, Integer iterationAmount, Integer memory, Integer threads,
      Integer keyLength) {}

  /** Scrypt when the hash is given as base64 rather than in PHC form; the salt is base64 too. */
  public record ScryptConfig(String salt, Integer nParameter, Integer rParameter, Integer pParameter,
      Integer keyLength) {}

  /** PBKDF2 (HMAC-SHA256 or HMAC-SHA512); hash and salt are base64. */
  public record Pbkdf2Config(String salt, Integer iterationAmount, Integer keyLength, String algorithm) {}

  @Override
  public String toString() {
    return "PasswordMigrateRequest[email=" + email + ", hashType=" + hashType + ", hash=<redacted>]";
  }
}
