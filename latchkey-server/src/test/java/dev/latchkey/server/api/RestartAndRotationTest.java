package dev.latchkey.server.api;

import dev.latchkey.server.store.jdbc.JdbcStores;

import static dev.latchkey.server.api.Wire.assertError;
import static dev.latchkey.server.api.Wire.authenticateJwt;
import static dev.latchkey.server.api.Wire.authenticateToken;
import static dev.latchkey.server.api.Wire.header;
import static dev.latchkey.server.api.Wire.signIn;
import static dev.latchkey.server.api.Wire.signUp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.latchkey.server.LatchkeyServer;
import dev.latchkey.server.config.Settings;
import dev.latchkey.server.crypto.Ids;
import dev.latchkey.server.crypto.KeyEncryption;
import dev.latchkey.server.keys.KeyRing;
import dev.latchkey.server.store.KeyRecord;
import dev.latchkey.server.store.Stores;
import dev.latchkey.server.testing.ApiClient.Reply;
import dev.latchkey.server.testing.MutableClock;
import dev.latchkey.server.testing.TestServer;
import java.security.KeyFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** What survives a stop and start on the same data directory, and how signing keys rotate across one. */
class RestartAndRotationTest {
  private static final String KEK = base64Of32Bytes(1);
  private static final String OTHER_KEK = base64Of32Bytes(2);

  private static String base64Of32Bytes(long seed) {
    byte[] key = new byte[32];
    new Random(seed).nextBytes(key);
    return Base64.getEncoder().encodeToString(key);
  }

  private static Stores openStores(TestServer server) {
    return JdbcStores.open("jdbc:sqlite:" + server.dataDir().resolve("latchkey.db"), Duration.ofSeconds(10));
  }

  /** What {@code bin/latchkey keys rotate} does, against the stopped server's database. */
  private static String rotateWhileStopped(TestServer server, Clock clock, byte[] kek) {
    server.stop();
    try (Stores stores = openStores(server)) {
      KeyRing keys = new KeyRing(stores.keys(), new KeyEncryption(kek), Ids.forProject(server.projectId), clock,
          Duration.ofHours(1));
      keys.refresh();
      return keys.rotate();
    }
  }

  private static List<String> servedKids(TestServer server) throws Exception {
    return SessionJwtTest.jwks(server).getKeys().stream().map(JWK::getKeyID).toList();
  }

  private static String kidOf(String jwt) {
    return header(jwt).path("kid").asText();
  }

  private static boolean isPlainPkcs8RsaKey(String storedPrivateKey) {
    try {
      KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder()
          .decode(storedPrivateKey)));
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  @Test
  void usersSessionsAndKeysSurviveARestart() throws Exception {
    try (TestServer server = TestServer.start()) {
      String email = Wire.uniqueEmail();
      Reply created = signUp(server.api(), email, 60);
      String jwt = created.text("session_jwt");
      List<String> kidsBefore = servedKids(server);

      server.restart();

      assertThat(servedKids(server)).isEqualTo(kidsBefore);
      JWTClaimsSet claims = SessionJwtTest.verifier(server, SessionJwtTest.jwks(server)).process(jwt, null);
      assertThat(claims.getSubject()).isEqualTo(created.text("user_id"));
      Reply byToken = authenticateToken(server.api(), created.text("session_token"));
      assertThat(byToken.status()).as(byToken.text()).isEqualTo(200);
      assertThat(byToken.json().path("session").path("session_id"))
          .isEqualTo(created.json().path("session").path("session_id"));
      assertThat(kidOf(byToken.text("session_jwt"))).isEqualTo(kidOf(jwt));
      assertThat(authenticateJwt(server.api(), jwt).status()).isEqualTo(200);
      assertThat(signIn(server.api(), email, 60).text("user_id")).isEqualTo(created.text("user_id"));
    }
  }

  @Test
  void afterRotationNewJwtsCarryTheNewKidAndOldJwtsStillVerify() throws Exception {
    try (TestServer server = TestServer.start()) {
      Reply created = signUp(server.api(), 60);
      String oldJwt = created.text("session_jwt");
      String oldKid = kidOf(oldJwt);

      String newKid = rotateWhileStopped(server, Clock.systemUTC(), null);
      server.restart();

      assertThat(newKid).isNotEqualTo(oldKid).startsWith("jwk-test-");
      assertThat(servedKids(server)).containsExactlyInAnyOrder(oldKid, newKid);
      JWKSet served = SessionJwtTest.jwks(server);
      assertThat(SessionJwtTest.verifier(server, served).process(oldJwt, null).getSubject())
          .isEqualTo(created.text("user_id"));
      Reply byToken = authenticateToken(server.api(), created.text("session_token"));
      assertThat(kidOf(byToken.text("session_jwt"))).isEqualTo(newKid);
      assertThat(SessionJwtTest.verifier(server, served).process(byToken.text("session_jwt"), null).getSubject())
          .isEqualTo(created.text("user_id"));
      Reply byOldJwt = authenticateJwt(server.api(), oldJwt);
      assertThat(byOldJwt.status()).as(byOldJwt.text()).isEqualTo(200);
      assertThat(kidOf(byOldJwt.text("session_jwt"))).isEqualTo(newKid);
      assertThat(kidOf(signUp(server.api(), 60).text("session_jwt"))).isEqualTo(newKid);
    }
  }

  @Test
  void aKeyRetiredLongerThanTheRetentionLeavesTheJwksAndItsJwtsAreRejected() throws Exception {
    MutableClock clock = new MutableClock();
    try (TestServer server = TestServer.start(Map.of("LATCHKEY_KEY_RETENTION", "1h",
        "LATCHKEY_PURGE_INTERVAL", "1d"), clock)) {
      Reply created = signUp(server.api(), 600);
      String oldJwt = created.text("session_jwt");
      String oldKid = kidOf(oldJwt);
      String newKid = rotateWhileStopped(server, clock, null);
      clock.advance(Duration.ofHours(1).plusMinutes(1));

      server.restart();

      assertThat(servedKids(server)).containsExactly(newKid);
      assertThat(servedKids(server)).doesNotContain(oldKid);
      assertError(authenticateJwt(server.api(), oldJwt), 401, "invalid_session_jwt");
      Reply byToken = authenticateToken(server.api(), created.text("session_token"));
      assertThat(byToken.status()).as(byToken.text()).isEqualTo(200);
      assertThat(kidOf(byToken.text("session_jwt"))).isEqualTo(newKid);
    }
  }

  @Test
  void withAKeyEncryptionKeyTheServerRestartsAndStoresNoPlainPrivateKey() throws Exception {
    try (TestServer server = TestServer.start(Map.of("LATCHKEY_KEY_ENCRYPTION_KEY", KEK), Clock.systemUTC())) {
      Reply created = signUp(server.api(), 60);
      String jwt = created.text("session_jwt");

      server.restart();

      assertThat(authenticateToken(server.api(), created.text("session_token")).status()).isEqualTo(200);
      assertThat(SessionJwtTest.verifier(server, SessionJwtTest.jwks(server)).process(jwt, null).getSubject())
          .isEqualTo(created.text("user_id"));
      server.stop();
      try (Stores stores = openStores(server)) {
        List<KeyRecord> keys = stores.keys().all();
        assertThat(keys).hasSize(1);
        for (KeyRecord k : keys) {
          assertThat(k.keyEncryption()).isEqualTo("aes-256-gcm");
          assertThat(isPlainPkcs8RsaKey(k.privateKey())).as("stored private key of " + k.kid()).isFalse();
        }
      }
    }
  }

  @Test
  void withoutAKeyEncryptionKeyThePrivateKeyIsStoredPlainAndMarkedNone() throws Exception {
    // The control for the test above: the check recognises a plain key when there is one.
    try (TestServer server = TestServer.start()) {
      server.stop();
      try (Stores stores = openStores(server)) {
        KeyRecord k = stores.keys().all().get(0);
        assertThat(k.keyEncryption()).isEqualTo("none");
        assertThat(isPlainPkcs8RsaKey(k.privateKey())).isTrue();
      }
    }
  }

  @Test
  void rotatingWithTheKeyEncryptionKeyKeepsEveryKeyEncrypted() throws Exception {
    try (TestServer server = TestServer.start(Map.of("LATCHKEY_KEY_ENCRYPTION_KEY", KEK), Clock.systemUTC())) {
      String oldJwt = signUp(server.api(), 60).text("session_jwt");
      String newKid = rotateWhileStopped(server, Clock.systemUTC(), Base64.getDecoder().decode(KEK));

      server.restart();

      assertThat(servedKids(server)).containsExactlyInAnyOrder(kidOf(oldJwt), newKid);
      assertThat(authenticateJwt(server.api(), oldJwt).status()).isEqualTo(200);
      server.stop();
      try (Stores stores = openStores(server)) {
        assertThat(stores.keys().all()).hasSize(2).allSatisfy(k -> {
          assertThat(k.keyEncryption()).isEqualTo("aes-256-gcm");
          assertThat(isPlainPkcs8RsaKey(k.privateKey())).isFalse();
        });
      }
    }
  }

  @Test
  void restartingWithADifferentKeyEncryptionKeyFailsNamingTheSetting() {
    try (TestServer server = TestServer.start(Map.of("LATCHKEY_KEY_ENCRYPTION_KEY", KEK), Clock.systemUTC())) {
      String token = signUp(server.api(), 60).text("session_token");
      server.stop();
      Map<String, String> env = new java.util.HashMap<>(server.environment());
      env.put("LATCHKEY_KEY_ENCRYPTION_KEY", OTHER_KEK);

      assertThatThrownBy(() -> LatchkeyServer.start(Settings.load(env), Clock.systemUTC()).stop())
          .hasMessageContaining("LATCHKEY_KEY_ENCRYPTION_KEY");

      // The refused start damaged nothing: the right key still opens everything.
      server.restart();
      assertThat(authenticateToken(server.api(), token).status()).isEqualTo(200);
    }
  }

  @Test
  void restartingWithoutTheKeyEncryptionKeyFailsNamingTheSetting() {
    try (TestServer server = TestServer.start(Map.of("LATCHKEY_KEY_ENCRYPTION_KEY", KEK), Clock.systemUTC())) {
      server.stop();
      Map<String, String> env = new java.util.HashMap<>(server.environment());
      env.remove("LATCHKEY_KEY_ENCRYPTION_KEY");

      assertThatThrownBy(() -> LatchkeyServer.start(Settings.load(env), Clock.systemUTC()).stop())
          .hasMessageContaining("LATCHKEY_KEY_ENCRYPTION_KEY");
    }
  }
}
