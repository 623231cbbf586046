package dev.latchkey.server.api;

import dev.latchkey.server.store.jdbc.JdbcStores;

import static dev.latchkey.server.api.Wire.assertError;
import static dev.latchkey.server.api.Wire.body;
import static dev.latchkey.server.api.Wire.payload;
import static dev.latchkey.server.api.Wire.signUp;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.latchkey.server.session.SessionPurger;
import dev.latchkey.server.store.Stores;
import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.ApiClient.Reply;
import dev.latchkey.server.testing.MutableClock;
import dev.latchkey.server.testing.TestServer;
import dev.latchkey.server.testing.TotpCodes;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * {@code /v1/totps} against a real server: an authenticator app (the tests' own RFC 6238 code) registers, signs in,
 * is refused replays and guesses, and falls back on recovery codes. Time steps move with a hand-moved clock.
 */
class TotpApiTest {
  private MutableClock clock;
  private TestServer server;
  private ApiClient api;

  @BeforeEach
  void startServer() {
    clock = new MutableClock();
    // Start in the middle of a 30-second step, so "the current step" is unambiguous for the whole test.
    Instant now = Instant.now();
    clock.set(Instant.ofEpochSecond(now.getEpochSecond() - now.getEpochSecond() % 30 + 15));
    // Purging runs on a real timer; a day keeps it away from the hand-moved clock (tests purge explicitly).
    server = TestServer.start(Map.of("LATCHKEY_PURGE_INTERVAL", "1d"), clock);
    api = server.api();
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  /** A new user with a password session of an hour; returns the sign-up reply. */
  private Reply newUser() {
    return signUp(api, 60);
  }

  private Reply create(String userId) {
    Reply r = api.post("/v1/totps", body("user_id", userId));
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    return r;
  }

  private Reply authenticate(String userId, String code, Object... more) {
    List<Object> fields = new ArrayList<>(List.of("user_id", userId, "totp_code", code));
    fields.addAll(List.of(more));
    return api.post("/v1/totps/authenticate", body(fields.toArray()));
  }

  /** A user whose TOTP has accepted its first code (so it is verified); returns the create reply. */
  private Reply verifiedTotp(String userId) {
    Reply created = create(userId);
    Reply first = authenticate(userId, TotpCodes.at(created.text("secret"), clock.instant()));
    assertThat(first.status()).as(first.text()).isEqualTo(200);
    // The next code of the app comes with the next step.
    clock.advance(Duration.ofSeconds(30));
    return created;
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  @Nested
  class Create {
    @Test
    void returnsABase32SecretAQrCodeOfTheOtpauthLinkAndTenRecoveryCodes() throws Exception {
      Reply user = newUser();
      String userId = user.text("user_id");
      String email = user.json().path("user").path("emails").path(0).path("email").asText();

      Reply r = create(userId);

      JsonNode j = r.json();
      String secret = j.path("secret").asText();
      assertThat(j.path("totp_id").asText()).matches("totp-test-[0-9a-f-]{36}");
      assertThat(j.path("user_id").asText()).isEqualTo(userId);
      assertThat(secret).matches("[A-Z2-7]{32}");
      List<String> codes = strings(j.path("recovery_codes"));
      assertThat(codes).hasSize(10).doesNotHaveDuplicates()
          .allSatisfy(c -> assertThat(c).matches("[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}"));
      assertThat(j.path("user").path("totps")).hasSize(1);
      assertThat(j.path("user").path("totps").path(0).path("totp_id").asText()).isEqualTo(j.path("totp_id").asText());
      assertThat(j.path("user").path("totps").path(0).path("verified").asBoolean()).isFalse();
      JsonNode read = api.get("/v1/users/" + userId).json();
      assertThat(read.path("totps")).hasSize(1);
      assertThat(read.path("totps").path(0).path("totp_id").asText()).isEqualTo(j.path("totp_id").asText());

      String qr = j.path("qr_code").asText();
      assertThat(qr).startsWith("data:image/png;base64, ");
      BufferedImage image = ImageIO.read(new ByteArrayInputStream(
          Base64.getDecoder().decode(qr.substring("data:image/png;base64, ".length()))));
      assertThat(image).as("the qr_code is a PNG image").isNotNull();
      assertThat(image.getWidth()).isEqualTo(image.getHeight()).isGreaterThan(100);
      String link = readQr(image);
      assertThat(link).isEqualTo("otpauth://totp/Latchkey:" + email.replace("@", "%40") + "?secret=" + secret
          + "&issuer=Latchkey&algorithm=SHA1&digits=6&period=30");
    }

    @Test
    void theIssuerComesFromTheSetting() throws Exception {
      server.close();
      server = TestServer.start(Map.of("LATCHKEY_TOTP_ISSUER", "Acme Corp"), clock);
      api = server.api();
      Reply r = create(newUser().text("user_id"));

      String qr = r.text("qr_code");
      BufferedImage image = ImageIO.read(new ByteArrayInputStream(
          Base64.getDecoder().decode(qr.substring(qr.indexOf(',') + 1).strip())));
      String link = readQr(image);
      assertThat(link).startsWith("otpauth://totp/Acme%20Corp:").contains("&issuer=Acme%20Corp&");
    }

    @Test
    void aSecondTotpWhileTheFirstAwaitsItsFirstCodeIsAPendingTotp() {
      String userId = newUser().text("user_id");
      create(userId);

      assertError(api.post("/v1/totps", body("user_id", userId)), 409, "pending_totp_exists");
    }

    @Test
    void aSecondTotpAfterTheFirstIsVerifiedIsAnActiveTotpAndDeletingTheFirstAllowsIt() {
      String userId = newUser().text("user_id");
      String totpId = verifiedTotp(userId).text("totp_id");

      assertError(api.post("/v1/totps", body("user_id", userId)), 409, "active_totp_exists");

      Reply deleted = api.delete("/v1/users/totps/" + totpId);
      assertThat(deleted.status()).as(deleted.text()).isEqualTo(200);
      assertThat(deleted.text("user_id")).isEqualTo(userId);
      assertThat(deleted.json().path("user").path("totps")).isEmpty();
      assertThat(create(userId).text("totp_id")).isNotEqualTo(totpId);
    }

    @Test
    void anUnverifiedTotpIsUnusableAfterItsExpirationAndMayThenBeReplaced() {
      String userId = newUser().text("user_id");
      Reply created = api.post("/v1/totps", body("user_id", userId, "expiration_minutes", 5));
      assertThat(created.status()).as(created.text()).isEqualTo(200);
      clock.advance(Duration.ofMinutes(5));

      assertError(authenticate(userId, TotpCodes.at(created.text("secret"), clock.instant())), 404,
          "expired_totp");
      Reply replacement = create(userId);
      assertThat(replacement.text("totp_id")).isNotEqualTo(created.text("totp_id"));
      assertThat(authenticate(userId, TotpCodes.at(replacement.text("secret"), clock.instant())).status())
          .isEqualTo(200);
    }

    @Test
    void thePurgerDeletesUnverifiedTotpsPastTheirExpirationAndKeepsVerifiedOnes() {
      String pendingUser = newUser().text("user_id");
      String verifiedUser = newUser().text("user_id");
      String pendingId = api.post("/v1/totps", body("user_id", pendingUser, "expiration_minutes", 5))
          .text("totp_id");
      String verifiedId = verifiedTotp(verifiedUser).text("totp_id");
      clock.advance(Duration.ofMinutes(5));
      server.stop();

      try (Stores stores = JdbcStores.open("jdbc:sqlite:" + server.dataDir().resolve("latchkey.db"),
          Duration.ofSeconds(10))) {
        assertThat(stores.totps().findById(pendingId)).isPresent();

        assertThat(new SessionPurger(stores.sessions(), stores.totps()).runOnce(clock.instant())).isEqualTo(1);

        assertThat(stores.totps().findById(pendingId)).isEmpty();
        assertThat(stores.totps().findById(verifiedId)).isPresent();
        assertThat(stores.users().find(pendingUser).orElseThrow().totps()).isEmpty();
      }
    }

    @Test
    void deletingTheUserDeletesItsTotpAndRecoveryCodes() {
      String userId = newUser().text("user_id");
      String totpId = verifiedTotp(userId).text("totp_id");

      assertThat(api.delete("/v1/users/" + userId).status()).isEqualTo(200);

      assertError(api.delete("/v1/users/totps/" + totpId), 404, "totp_not_found");
      assertError(api.post("/v1/totps/recovery_codes", body("user_id", userId)), 404, "user_not_found");
    }

    @Test
    void theSecretIsEncryptedAtRestAndRecoveryCodesAreStoredAsSha256Hashes() throws Exception {
      server.close();
      server = TestServer.start(Map.of("LATCHKEY_KEY_ENCRYPTION_KEY",
          Base64.getEncoder().encodeToString(new byte[32])), clock);
      api = server.api();
      String userId = newUser().text("user_id");
      Reply created = create(userId);
      String secret = created.text("secret");
      List<String> codes = strings(created.json().path("recovery_codes"));
      server.stop();

      try (Stores stores = JdbcStores.open("jdbc:sqlite:" + server.dataDir().resolve("latchkey.db"),
          Duration.ofSeconds(10))) {
        var stored = stores.totps().findByUser(userId).orElseThrow();
        assertThat(stored.secretEncryption()).isEqualTo("aes-256-gcm");
        byte[] sealed = Base64.getDecoder().decode(stored.sealedSecret());
        assertThat(indexOf(sealed, TotpCodes.base32(secret))).as("the raw key inside the sealed text").isNegative();
        assertThat(stored.sealedSecret()).doesNotContain(secret);
        assertThat(stored.recoveryCodes()).hasSize(10);
        for (int i = 0; i < codes.size(); i++) {
          var code = stored.recoveryCodes().get(i);
          assertThat(code.codeHash()).isEqualTo(sha256(codes.get(i)));
          assertThat(code.codeEncryption()).isEqualTo("aes-256-gcm");
          assertThat(code.sealedCode()).doesNotContain(codes.get(i));
        }
      }
    }
  }

  @Nested
  class Authenticate {
    @Test
    void theCodesOfThePreviousCurrentAndNextStepAreAcceptedInTurn() {
      String userId = newUser().text("user_id");
      String secret = create(userId).text("secret");
      Instant now = clock.instant();

      for (int offset : new int[] {-1, 0, 1}) {
        Reply r = authenticate(userId, TotpCodes.at(secret, now, offset));
        assertThat(r.status()).as("step %+d: %s", offset, r.text()).isEqualTo(200);
      }
    }

    @Test
    void aFirstCodeVerifiesTheTotpAndWithoutADurationNoSessionIsMade() {
      String userId = newUser().text("user_id");
      Reply created = create(userId);

      Reply r = authenticate(userId, TotpCodes.at(created.text("secret"), clock.instant()));

      JsonNode j = ApiAssertions.assertOk(r);
      assertThat(j.path("totp_id").asText()).isEqualTo(created.text("totp_id"));
      assertThat(j.path("user_id").asText()).isEqualTo(userId);
      assertThat(j.path("session_token").asText()).isEmpty();
      assertThat(j.path("session_jwt").asText()).isEmpty();
      assertThat(j.path("session").isNull()).isTrue();
      assertThat(j.path("user").path("totps").path(0).path("verified").asBoolean()).isTrue();
    }

    @Test
    void codesTwoStepsAwayAreRefused() {
      String userId = newUser().text("user_id");
      String secret = create(userId).text("secret");

      assertError(authenticate(userId, TotpCodes.at(secret, clock.instant(), -2)), 401,
          "unable_to_authenticate_totp");
      assertError(authenticate(userId, TotpCodes.at(secret, clock.instant(), 2)), 401,
          "unable_to_authenticate_totp");
    }

    @Test
    void aCodeAcceptedOnceIsRefusedAgainAndSoAreCodesOfEarlierSteps() {
      String userId = newUser().text("user_id");
      String secret = create(userId).text("secret");
      String code = TotpCodes.at(secret, clock.instant());
      assertThat(authenticate(userId, code).status()).isEqualTo(200);

      assertError(authenticate(userId, code), 401, "totp_code_already_authenticated");
      assertError(authenticate(userId, TotpCodes.at(secret, clock.instant(), -1)), 401,
          "totp_code_already_authenticated");

      clock.advance(Duration.ofSeconds(30));
      assertThat(authenticate(userId, TotpCodes.at(secret, clock.instant())).status()).isEqualTo(200);
    }

    @Test
    void ofConcurrentUsesOfOneCodeExactlyOneSucceeds() throws Exception {
      String userId = newUser().text("user_id");
      String code = TotpCodes.at(verifiedTotp(userId).text("secret"), clock.instant());
      // Fewer callers than the attempt limit, so every loser is refused for the replay, none for the lock.
      int callers = 4;
      CountDownLatch start = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(callers);
      try {
        List<Future<Reply>> results = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
          results.add(pool.submit((Callable<Reply>) () -> {
            start.await();
            return authenticate(userId, code);
          }));
        }
        start.countDown();
        List<Reply> replies = new ArrayList<>();
        for (Future<Reply> f : results) {
          replies.add(f.get());
        }
        assertThat(replies).filteredOn(r -> r.status() == 200).hasSize(1);
        replies.stream().filter(r -> r.status() != 200)
            .forEach(r -> assertError(r, 401, "totp_code_already_authenticated"));
      } finally {
        pool.shutdownNow();
      }
    }

    @Test
    void withADurationACodeStartsASessionWhoseFactorIsTheAuthenticatorApp() {
      String userId = newUser().text("user_id");
      Reply created = create(userId);

      Reply r = authenticate(userId, TotpCodes.at(created.text("secret"), clock.instant()),
          "session_duration_minutes", 30);

      JsonNode j = ApiAssertions.assertOk(r);
      assertThat(j.path("session_token").asText()).hasSize(44);
      JsonNode factors = j.path("session").path("authentication_factors");
      assertThat(factors).hasSize(1);
      assertThat(factors.path(0).path("type").asText()).isEqualTo("totp");
      assertThat(factors.path(0).path("delivery_method").asText()).isEqualTo("authenticator_app");
      assertThat(factors.path(0).path("authenticator_app_factor").path("totp_id").asText())
          .isEqualTo(created.text("totp_id"));
    }
  }

  @Nested
  class StepUp {
    @Test
    void aPasswordSessionSteppedUpWithTotpKeepsItsIdAndCarriesBothFactorsInAFreshVerifiedJwt() throws Exception {
      Reply signedUp = newUser();
      String userId = signedUp.text("user_id");
      String token = signedUp.text("session_token");
      String sessionId = signedUp.json().path("session").path("session_id").asText();
      Reply created = create(userId);

      Reply r = authenticate(userId, TotpCodes.at(created.text("secret"), clock.instant()), "session_token", token);

      JsonNode j = ApiAssertions.assertOk(r);
      assertThat(j.path("session").path("session_id").asText()).isEqualTo(sessionId);
      assertThat(j.path("session_token").asText()).isEqualTo(token);
      JsonNode factors = j.path("session").path("authentication_factors");
      assertThat(factors).hasSize(2);
      assertThat(factors.path(0).path("type").asText()).isEqualTo("password");
      assertThat(factors.path(1).path("type").asText()).isEqualTo("totp");
      String jwt = j.path("session_jwt").asText();
      assertThat(jwt).isNotEqualTo(signedUp.text("session_jwt"));

      JWTClaimsSet claims = SessionJwtTest.verifier(server, SessionJwtTest.jwks(server)).process(jwt, null);
      assertThat(claims.getSubject()).isEqualTo(userId);
      JsonNode claimed = payload(jwt).path("https://stytch.com/session");
      assertThat(claimed.path("id").asText()).isEqualTo(sessionId);
      JsonNode jwtFactors = claimed.path("authentication_factors");
      assertThat(jwtFactors).hasSize(2);
      assertThat(jwtFactors.path(0).path("type").asText()).isEqualTo("password");
      assertThat(jwtFactors.path(1).path("type").asText()).isEqualTo("totp");
      assertThat(jwtFactors.path(1).path("delivery_method").asText()).isEqualTo("authenticator_app");
      assertThat(jwtFactors.path(1).path("authenticator_app_factor").path("totp_id").asText())
          .isEqualTo(created.text("totp_id"));

      Reply later = Wire.authenticateToken(api, token);
      assertThat(later.json().path("session").path("authentication_factors")).hasSize(2);
    }

    @Test
    void aStepUpIntoAnotherUsersSessionIsRefusedAndDoesNotSpendTheCode() {
      String userId = newUser().text("user_id");
      String otherToken = newUser().text("session_token");
      String code = TotpCodes.at(create(userId).text("secret"), clock.instant());

      assertError(authenticate(userId, code, "session_token", otherToken), 400, "user_id_mismatch");

      assertThat(authenticate(userId, code).status()).isEqualTo(200);
      assertThat(Wire.authenticateToken(api, otherToken).json().path("session").path("authentication_factors"))
          .hasSize(1);
    }

    @Test
    void aStepUpNamedByItsJwtAddsTheFactorToo() {
      Reply signedUp = newUser();
      String userId = signedUp.text("user_id");
      Reply created = create(userId);

      Reply r = authenticate(userId, TotpCodes.at(created.text("secret"), clock.instant()), "session_jwt",
          signedUp.text("session_jwt"));

      JsonNode j = ApiAssertions.assertOk(r);
      assertThat(j.path("session_token").asText()).isEmpty();
      assertThat(j.path("session").path("authentication_factors")).hasSize(2);
    }
  }

  @Nested
  class Lockout {
    @Test
    void fiveWrongCodesLockTheTotpEvenForTheRightCodeUntilTheLockoutEnds() {
      String userId = newUser().text("user_id");
      String secret = verifiedTotp(userId).text("secret");
      String right = TotpCodes.at(secret, clock.instant());
      String wrong = TotpCodes.wrongAt(secret, clock.instant());
      for (int i = 0; i < 5; i++) {
        assertError(authenticate(userId, wrong), 401, "unable_to_authenticate_totp");
      }

      Reply locked = authenticate(userId, right);
      assertError(locked, 429, "too_many_requests");
      assertThat(locked.header("Retry-After")).as("seconds left of the lock").isEqualTo("900");
      clock.advance(Duration.ofMinutes(10));
      assertThat(authenticate(userId, right).header("Retry-After")).isEqualTo("300");
      assertError(api.post("/v1/totps/recover", body("user_id", userId, "recovery_code", "aaaa-bbbb-cccc")), 429,
          "too_many_requests");

      clock.advance(Duration.ofMinutes(5));
      assertThat(authenticate(userId, TotpCodes.at(secret, clock.instant())).status()).isEqualTo(200);
    }

    @Test
    void aRightCodeResetsTheCountOfWrongOnes() {
      String userId = newUser().text("user_id");
      String secret = verifiedTotp(userId).text("secret");
      String wrong = TotpCodes.wrongAt(secret, clock.instant());
      for (int i = 0; i < 4; i++) {
        assertError(authenticate(userId, wrong), 401, "unable_to_authenticate_totp");
      }
      assertThat(authenticate(userId, TotpCodes.at(secret, clock.instant())).status()).isEqualTo(200);
      clock.advance(Duration.ofSeconds(30));
      for (int i = 0; i < 4; i++) {
        assertError(authenticate(userId, TotpCodes.wrongAt(secret, clock.instant())), 401,
            "unable_to_authenticate_totp");
      }

      assertThat(authenticate(userId, TotpCodes.at(secret, clock.instant())).status()).isEqualTo(200);
    }

    @Test
    void theLimitIsASetting() {
      server.close();
      server = TestServer.start(Map.of("LATCHKEY_TOTP_MAX_FAILED_ATTEMPTS", "2", "LATCHKEY_TOTP_LOCKOUT", "1m"),
          clock);
      api = server.api();
      String userId = newUser().text("user_id");
      String secret = verifiedTotp(userId).text("secret");
      String wrong = TotpCodes.wrongAt(secret, clock.instant());
      assertError(authenticate(userId, wrong), 401, "unable_to_authenticate_totp");
      assertError(authenticate(userId, wrong), 401, "unable_to_authenticate_totp");

      assertError(authenticate(userId, TotpCodes.at(secret, clock.instant())), 429, "too_many_requests");
      clock.advance(Duration.ofMinutes(1));
      assertThat(authenticate(userId, TotpCodes.at(secret, clock.instant())).status()).isEqualTo(200);
    }
  }

  @Nested
  class RecoveryCodes {
    @Test
    void aRecoveryCodeSignsInOnceWithTheRecoveryCodeFactor() {
      String userId = newUser().text("user_id");
      Reply created = verifiedTotp(userId);
      String code = created.json().path("recovery_codes").path(3).asText();

      Reply r = api.post("/v1/totps/recover", body("user_id", userId, "recovery_code", code,
          "session_duration_minutes", 60));

      JsonNode j = ApiAssertions.assertOk(r);
      assertThat(j.path("totp_id").asText()).isEqualTo(created.text("totp_id"));
      JsonNode factor = j.path("session").path("authentication_factors").path(0);
      assertThat(factor.path("type").asText()).isEqualTo("recovery_codes");
      assertThat(factor.path("delivery_method").asText()).isEqualTo("recovery_code");
      assertThat(factor.path("recovery_code_factor").path("totp_recovery_code_id").asText())
          .matches("totp-recovery-code-test-[0-9a-f-]{36}");
      assertError(api.post("/v1/totps/recover", body("user_id", userId, "recovery_code", code)), 401,
          "unable_to_authenticate_recovery_code");
    }

    @Test
    void theListingShowsTheUnusedCodesOnly() {
      String userId = newUser().text("user_id");
      Reply created = verifiedTotp(userId);
      List<String> codes = strings(created.json().path("recovery_codes"));
      assertThat(api.post("/v1/totps/recover", body("user_id", userId, "recovery_code", codes.get(0).toUpperCase()))
          .status()).isEqualTo(200);

      Reply r = api.post("/v1/totps/recovery_codes", body("user_id", userId));

      JsonNode j = ApiAssertions.assertOk(r);
      assertThat(j.path("user_id").asText()).isEqualTo(userId);
      assertThat(j.path("totps")).hasSize(1);
      assertThat(j.path("totps").path(0).path("totp_id").asText()).isEqualTo(created.text("totp_id"));
      assertThat(j.path("totps").path(0).path("verified").asBoolean()).isTrue();
      assertThat(strings(j.path("totps").path(0).path("recovery_codes"))).isEqualTo(codes.subList(1, 10));
    }

    @Test
    void aUserWithoutATotpHasNoRecoveryCodesAndCannotRecover() {
      String userId = newUser().text("user_id");

      assertThat(ApiAssertions.assertOk(api.post("/v1/totps/recovery_codes", body("user_id", userId)))
          .path("totps")).isEmpty();
      assertError(api.post("/v1/totps/recover", body("user_id", userId, "recovery_code", "aaaa-bbbb-cccc")), 404,
          "totp_not_found");
    }

    @Test
    void recoveryCodesOfAnUnverifiedTotpDoNotSignIn() {
      String userId = newUser().text("user_id");
      String code = create(userId).json().path("recovery_codes").path(0).asText();

      assertError(api.post("/v1/totps/recover", body("user_id", userId, "recovery_code", code)), 404,
          "totp_not_found");
    }

    @Test
    void aRecoveryCodeStepsUpAPasswordSession() {
      Reply signedUp = newUser();
      String userId = signedUp.text("user_id");
      String code = verifiedTotp(userId).json().path("recovery_codes").path(0).asText();

      Reply r = api.post("/v1/totps/recover", body("user_id", userId, "recovery_code", code, "session_token",
          signedUp.text("session_token")));

      JsonNode j = ApiAssertions.assertOk(r);
      assertThat(j.path("session").path("session_id").asText())
          .isEqualTo(signedUp.json().path("session").path("session_id").asText());
      assertThat(j.path("session").path("authentication_factors")).hasSize(2);
      assertThat(payload(j.path("session_jwt").asText()).path("https://stytch.com/session")
          .path("authentication_factors").path(1).path("type").asText()).isEqualTo("recovery_codes");
    }
  }

  @Nested
  class BadInput {
    @Test
    void missingFieldsAreNamed() {
      assertError(api.post("/v1/totps", "{}"), 400, "missing_required_field", "user_id is required.");
      String userId = newUser().text("user_id");
      assertError(api.post("/v1/totps/authenticate", body("user_id", userId)), 400, "missing_required_field",
          "totp_code is required.");
      assertError(api.post("/v1/totps/recover", body("user_id", userId)), 400, "missing_required_field",
          "recovery_code is required.");
      assertError(api.post("/v1/totps/recovery_codes", "{}"), 400, "missing_required_field", "user_id is required.");
    }

    @Test
    void wrongTypesAreRefusedWithoutCoercion() {
      String userId = newUser().text("user_id");
      assertError(api.post("/v1/totps/authenticate", "{\"user_id\":\"" + userId + "\",\"totp_code\":123456}"), 400,
          "invalid_field_type", "Field 'totp_code' must be a string.");
      assertError(api.post("/v1/totps", "{\"user_id\":\"" + userId + "\",\"expiration_minutes\":\"60\"}"), 400,
          "invalid_field_type", "Field 'expiration_minutes' must be an integer.");
      assertError(api.post("/v1/totps", "{\"user_id\":42}"), 400, "invalid_field_type",
          "Field 'user_id' must be a string.");
    }

    @Test
    void unknownAndMalformedUsersAreTheUsualErrors() {
      String unknown = "user-test-00000000-0000-4000-8000-000000000000";
      assertError(api.post("/v1/totps", body("user_id", unknown)), 404, "user_not_found");
      assertError(authenticate(unknown, "123456"), 404, "user_not_found");
      assertError(api.post("/v1/totps/recovery_codes", body("user_id", unknown)), 404, "user_not_found");
      assertError(api.post("/v1/totps", body("user_id", "ada")), 400, "invalid_user_id");
    }

    @Test
    void badCodesExpirationsAndMissingTotpsHaveTheirOwnErrors() {
      String userId = newUser().text("user_id");
      assertError(authenticate(userId, "123456"), 404, "totp_not_found");
      for (String code : new String[] {"12345", "1234567", "12345a", " 123456"}) {
        assertError(authenticate(userId, code), 400, "invalid_totp_code");
      }
      assertError(api.post("/v1/totps/recover", body("user_id", userId, "recovery_code", "not-a-code")), 400,
          "invalid_recovery_code");
      assertError(api.post("/v1/totps", body("user_id", userId, "expiration_minutes", 4)), 400,
          "invalid_totp_expiration_minutes");
      assertError(api.post("/v1/totps", body("user_id", userId, "expiration_minutes", 1441)), 400,
          "invalid_totp_expiration_minutes");
      assertError(api.delete("/v1/users/totps/totp-test-00000000-0000-4000-8000-000000000000"), 404,
          "totp_not_found");
      String code = TotpCodes.at(create(userId).text("secret"), clock.instant());
      assertError(authenticate(userId, code, "session_duration_minutes", 4), 400,
          "invalid_session_duration_minutes");
      assertError(authenticate(userId, code, "session_token", "a", "session_jwt", "b"), 400,
          "too_many_session_arguments");
      assertError(authenticate(userId, code, "session_token", "no-such-token"), 404, "session_not_found");
      // None of the refusals above spent the code.
      assertThat(authenticate(userId, code).status()).isEqualTo(200);
    }
  }

  /** What a phone camera would read: the text of the QR code in the image. */
  private static String readQr(BufferedImage image) throws Exception {
    return new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(new BufferedImageLuminanceSource(image))),
        Map.of(DecodeHintType.PURE_BARCODE, Boolean.TRUE)).getText();
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static String sha256(String text) throws Exception {
    byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
        .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
  }
}
