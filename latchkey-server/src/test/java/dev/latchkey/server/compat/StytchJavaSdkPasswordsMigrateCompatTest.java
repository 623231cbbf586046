package dev.latchkey.server.compat;

import static dev.latchkey.server.compat.SdkCalls.error;
import static dev.latchkey.server.compat.SdkCalls.get;
import static dev.latchkey.server.compat.SdkCalls.success;
import static org.assertj.core.api.Assertions.assertThat;

import com.stytch.java.common.ErrorResponse;
import com.stytch.java.common.OptionalClientConfig;
import com.stytch.java.consumer.StytchClient;
import com.stytch.java.consumer.models.passwords.AuthenticateRequest;
import com.stytch.java.consumer.models.passwords.AuthenticateResponse;
import com.stytch.java.consumer.models.passwords.MD5Config;
import com.stytch.java.consumer.models.passwords.MigrateRequest;
import com.stytch.java.consumer.models.passwords.MigrateRequestHashType;
import com.stytch.java.consumer.models.passwords.MigrateResponse;
import com.stytch.java.consumer.models.passwords.PBKDF2Config;
import com.stytch.java.consumer.models.passwords.ScryptConfig;
import com.stytch.java.consumer.models.users.GetRequest;
import com.stytch.java.consumer.models.users.GetResponse;
import com.stytch.java.consumer.models.users.Name;
import dev.latchkey.server.testing.LegacyHashes;
import dev.latchkey.server.testing.TestServer;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The official Stytch Java SDK's {@code passwords.migrate} against a real Latchkey server: the request it builds is
 * accepted for every hash type it names, its reply deserializes, the migrated user signs in through the SDK, and a
 * bad config is an SDK error response with Stytch's error type.
 */
class StytchJavaSdkPasswordsMigrateCompatTest {
  private static TestServer server;
  private static StytchClient stytch;

  @BeforeAll
  static void startServerAndClient() {
    server = TestServer.start();
    stytch = new StytchClient(server.projectId, server.secret, new OptionalClientConfig(server.baseUrl()));
  }

  @AfterAll
  static void stopServerAndClient() {
    stytch.close();
    server.close();
  }

  @Test
  void migrateWithEveryFieldTheSdkSendsCreatesAUserWhoSignsInThroughTheSdk() {
    String email = "sdk-migrate-" + UUID.randomUUID() + "@example.com";
    Map<String, Object> md5 = LegacyHashes.of("md_5", "the old one");
    String external = "sdk-legacy-" + UUID.randomUUID().toString().substring(0, 8);

    MigrateResponse migrated = success(stytch.getPasswords().migrateCompletable(new MigrateRequest(email,
        (String) md5.get("hash"), MigrateRequestHashType.MD_5, new MD5Config("pre-", "-post"), null, null, null, null,
        null, Map.of("plan", "gold"), Map.of(), true, new Name("Ada", null, "Lovelace"), null, null, external,
        List.of("stytch_user"))));

    assertThat(migrated.getStatusCode()).isEqualTo(200);
    assertThat(migrated.getUserCreated()).isTrue();
    assertThat(migrated.getUserId()).startsWith("user-test-");
    assertThat(migrated.getEmailId()).startsWith("email-test-");
    assertThat(migrated.getUser().getExternalId()).isEqualTo(external);
    assertThat(migrated.getUser().getPassword()).isNotNull();
    assertThat(migrated.getUser().getEmails()).singleElement().satisfies(e -> assertThat(e.getVerified()).isTrue());
    AuthenticateResponse signedIn = success(stytch.getPasswords().authenticateCompletable(
        new AuthenticateRequest(email, "the old one", null, 30)));
    assertThat(signedIn.getUserId()).isEqualTo(migrated.getUserId());
    assertThat(signedIn.getSessionToken()).hasSize(44);
    GetResponse byExternalId = success(stytch.getUsers().getCompletable(new GetRequest(external)));
    assertThat(byExternalId.getUserId()).isEqualTo(migrated.getUserId());

    // The same email again: the hash is attached to the existing user.
    MigrateResponse again = success(stytch.getPasswords().migrateCompletable(new MigrateRequest(email,
        (String) LegacyHashes.of("bcrypt", "newer").get("hash"), MigrateRequestHashType.BCRYPT)));
    assertThat(again.getUserCreated()).isFalse();
    assertThat(again.getUserId()).isEqualTo(migrated.getUserId());
    success(stytch.getPasswords().authenticateCompletable(new AuthenticateRequest(email, "newer")));
  }

  @Test
  void everyHashTypeTheSdkNamesIsAccepted() {
    for (String kind : LegacyHashes.KINDS) {
      Map<String, Object> f = LegacyHashes.of(kind, kind.equals("phpass") ? "test12345" : "pw " + kind);
      String type = (String) f.get("hash_type");
      @SuppressWarnings("unchecked")
      Map<String, Object> scrypt = (Map<String, Object>) f.get("scrypt_config");
      @SuppressWarnings("unchecked")
      Map<String, Object> pbkdf2 = (Map<String, Object>) f.get("pbkdf_2_config");
      @SuppressWarnings("unchecked")
      Map<String, Object> argon = (Map<String, Object>) f.get("argon_2_config");
      @SuppressWarnings("unchecked")
      Map<String, Object> sha1 = (Map<String, Object>) f.get("sha_1_config");
      @SuppressWarnings("unchecked")
      Map<String, Object> md5 = (Map<String, Object>) f.get("md_5_config");
      MigrateRequest request = new MigrateRequest("sdk-" + kind.replace('_', '-') + "-" + UUID.randomUUID()
          + "@example.com", (String) f.get("hash"), MigrateRequestHashType.valueOf(type.toUpperCase()),
          md5 == null ? null : new MD5Config((String) md5.get("prepend_salt"), (String) md5.get("append_salt")),
          argon == null ? null : new com.stytch.java.consumer.models.passwords.Argon2Config(
              (String) argon.get("salt"), (int) argon.get("iteration_amount"), (int) argon.get("memory"),
              (int) argon.get("threads"), (int) argon.get("key_length")),
          sha1 == null ? null : new com.stytch.java.consumer.models.passwords.SHA1Config(
              (String) sha1.get("prepend_salt"), (String) sha1.get("append_salt")),
          null,
          scrypt == null ? null : new ScryptConfig((String) scrypt.get("salt"), (int) scrypt.get("n_parameter"),
              (int) scrypt.get("r_parameter"), (int) scrypt.get("p_parameter"), (int) scrypt.get("key_length")),
          pbkdf2 == null ? null : new PBKDF2Config((String) pbkdf2.get("salt"), (int) pbkdf2.get("iteration_amount"),
              (int) pbkdf2.get("key_length"), (String) pbkdf2.get("algorithm")));

      MigrateResponse r = success(stytch.getPasswords().migrateCompletable(request));

      assertThat(r.getUserCreated()).as(kind).isTrue();
    }
  }

  @Test
  void aPbkdf2ConfigWithoutItsSaltIsAnSdkErrorResponse() {
    ErrorResponse refused = error(stytch.getPasswords().migrateCompletable(new MigrateRequest(
        "sdk-nosalt-" + UUID.randomUUID() + "@example.com", "tfrk2NO4AkBsmLpQpZQvl/0kNf7Rg3ev8ao2VqnP4J0=",
        MigrateRequestHashType.PBKDF_2, null, null, null, null, null, new PBKDF2Config("", 1000, 32, "sha256"))));

    assertThat(refused.getStatusCode()).isEqualTo(400);
    assertThat(refused.getErrorType()).isEqualTo("invalid_pbkdf_2_salt");
  }


}
