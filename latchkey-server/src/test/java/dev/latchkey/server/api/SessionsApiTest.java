package dev.latchkey.server.api;

import dev.latchkey.server.store.jdbc.JdbcStores;

import static dev.latchkey.server.api.Wire.assertError;
import static dev.latchkey.server.api.Wire.authenticateJwt;
import static dev.latchkey.server.api.Wire.authenticateToken;
import static dev.latchkey.server.api.Wire.body;
import static dev.latchkey.server.api.Wire.payload;
import static dev.latchkey.server.api.Wire.signIn;
import static dev.latchkey.server.api.Wire.signUp;
import static dev.latchkey.server.api.Wire.tree;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.latchkey.server.session.SessionPurger;
import dev.latchkey.server.store.Stores;
import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.ApiClient.Reply;
import dev.latchkey.server.testing.MutableClock;
import dev.latchkey.server.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code /v1/sessions}: authenticate, revoke, list and purge, against a real server over a real database. */
class SessionsApiTest {
  private MutableClock clock;
  private TestServer server;
  private ApiClient api;

  @BeforeEach
  void startServer() {
    clock = new MutableClock();
    // Purging runs in the background on a real timer; a day keeps it out of the way of the hand-moved clock.
    server = TestServer.start(Map.of("LATCHKEY_PURGE_INTERVAL", "1d"), clock);
    api = server.api();
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  /** What the server calls now: the store keeps milliseconds. */
  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  private static Instant instant(JsonNode node) {
    return Instant.parse(node.asText());
  }

  @Nested
  class AuthenticateBySessionToken {
    @Test
    void aLiveTokenReturnsTheSessionTheUserAndAFreshJwt() {
      Reply created = signUp(api, 60);
      String token = created.text("session_token");

      Reply r = authenticateToken(api, token);

      assertThat(r.status()).as(r.text()).isEqualTo(200);
      assertThat(r.json().path("status_code").asInt()).isEqualTo(200);
      assertThat(r.text("request_id")).startsWith("request-id-test-");
      assertThat(r.text("user_id")).isEqualTo(created.text("user_id"));
      assertThat(r.text("session_token")).isEqualTo(token);
      assertThat(r.text("session_jwt")).isNotEmpty();
      assertThat(r.json().path("session").path("session_id").asText())
          .isEqualTo(created.json().path("session").path("session_id").asText());
      assertThat(r.json().path("session").path("user_id").asText()).isEqualTo(created.text("user_id"));
      assertThat(r.json().path("user").path("user_id").asText()).isEqualTo(created.text("user_id"));
      assertThat(payload(r.text("session_jwt")).path("https://stytch.com/session").path("id").asText())
          .isEqualTo(created.json().path("session").path("session_id").asText());
    }

    @Test
    void anUnknownTokenIsNotFound() {
      signUp(api, 60);

      assertError(authenticateToken(api, "unknown-" + UUID.randomUUID()), 404, "session_not_found",
          "Session could not be found.");
    }

    @Test
    void aTruncatedTokenIsNotFound() {
      String token = signUp(api, 60).text("session_token");

      assertError(authenticateToken(api, token.substring(0, token.length() - 1)), 404, "session_not_found");
    }

    @Test
    void anExtendedTokenIsNotFound() {
      String token = signUp(api, 60).text("session_token");

      assertError(authenticateToken(api, token + "A"), 404, "session_not_found");
    }

    @Test
    void anExpiredSessionIsNotFoundByToken() {
      String token = signUp(api, 5).text("session_token");
      clock.advance(Duration.ofMinutes(5).plusSeconds(1));

      assertError(authenticateToken(api, token), 404, "session_not_found");
    }

    @Test
    void aSessionIsGoneAtTheInstantItExpires() {
      String token = signUp(api, 5).text("session_token");
      clock.advance(Duration.ofMinutes(5));

      assertError(authenticateToken(api, token), 404, "session_not_found");
    }

    @Test
    void aSessionIsStillLiveJustBeforeItExpires() {
      String token = signUp(api, 5).text("session_token");
      clock.advance(Duration.ofMinutes(5).minusSeconds(1));

      assertThat(authenticateToken(api, token).status()).isEqualTo(200);
    }
  }

  @Nested
  class AuthenticateBySessionJwt {
    @Test
    void aValidJwtAuthenticatesAndReturnsAnEmptySessionToken() {
      Reply created = signUp(api, 60);

      Reply r = authenticateJwt(api, created.text("session_jwt"));

      assertThat(r.status()).as(r.text()).isEqualTo(200);
      assertThat(r.json().has("session_token")).isTrue();
      assertThat(r.text("session_token")).isEqualTo("");
      assertThat(r.text("session_jwt")).isNotEmpty();
      assertThat(r.json().path("session").path("session_id").asText())
          .isEqualTo(created.json().path("session").path("session_id").asText());
      assertThat(r.text("user_id")).isEqualTo(created.text("user_id"));
    }

    @Test
    void neitherTokenNorJwtIsRefused() {
      assertError(api.post("/v1/sessions/authenticate", "{}"), 400, "no_session_arguments",
          "Please include one of session_token or session_jwt.");
    }

    @Test
    void emptyStringsCountAsAbsent() {
      assertError(api.post("/v1/sessions/authenticate", body("session_token", "", "session_jwt", "")), 400,
          "no_session_arguments");
    }

    @Test
    void bothTokenAndJwtAreRefused() {
      Reply created = signUp(api, 60);

      assertError(api.post("/v1/sessions/authenticate", body("session_token", created.text("session_token"),
          "session_jwt", created.text("session_jwt"))), 400, "too_many_session_arguments",
          "Please include at most one of session_token or session_jwt in an authenticate request, not both.");
    }

    @ParameterizedTest
    @ValueSource(strings = {"garbage", "a.b.c", "eyJhbGciOiJSUzI1NiJ9", "...."})
    void aJwtThatCannotBeParsedIsRefused(String jwt) {
      assertError(authenticateJwt(api, jwt), 400, "unable_to_parse_session_jwt");
    }

    @Test
    void aJwtSignedByAnotherKeyWithTheSameKidAndClaimsIsRejected() throws Exception {
      String jwt = signUp(api, 60).text("session_jwt");
      JWSObject genuine = JWSObject.parse(jwt);
      RSAKey attacker = new RSAKeyGenerator(2048).keyID(genuine.getHeader().getKeyID()).generate();
      JWSObject forged = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(attacker.getKeyID())
          .type(JOSEObjectType.JWT).build(), new Payload(genuine.getPayload().toString()));
      forged.sign(new RSASSASigner(attacker));

      assertError(authenticateJwt(api, forged.serialize()), 401, "invalid_session_jwt");
    }

    @Test
    void aJwtWithATamperedPayloadIsRejected() {
      String jwt = signUp(api, 60).text("session_jwt");
      String[] parts = jwt.split("\\.");
      var claims = payload(jwt);
      claims.put("sub", "user-test-" + UUID.randomUUID());
      String tampered = parts[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding()
          .encodeToString(Wire.write(claims).getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "." + parts[2];

      assertError(authenticateJwt(api, tampered), 401, "invalid_session_jwt");
    }

    @Test
    void aJwtPastItsExpIsAcceptedWhileTheSessionLivesAndAFreshJwtIsReturned() {
      String old = signUp(api, 60).text("session_jwt");
      long oldExp = payload(old).path("exp").asLong();
      clock.advance(Duration.ofMinutes(6));
      assertThat(clock.instant().getEpochSecond()).isGreaterThan(oldExp);

      Reply r = authenticateJwt(api, old);

      assertThat(r.status()).as(r.text()).isEqualTo(200);
      JsonNode fresh = payload(r.text("session_jwt"));
      assertThat(fresh.path("iat").asLong()).isEqualTo(clock.instant().getEpochSecond());
      assertThat(fresh.path("exp").asLong()).isEqualTo(clock.instant().getEpochSecond() + 300);
    }

    @Test
    void anExpiredSessionIsNotFoundByJwt() {
      String jwt = signUp(api, 5).text("session_jwt");
      clock.advance(Duration.ofMinutes(6));

      assertError(authenticateJwt(api, jwt), 404, "session_not_found");
    }
  }

  @Nested
  class SessionDuration {
    @Test
    void aDurationSetsExpiryToNowPlusNMinutesRatherThanAddingToIt() {
      String token = signUp(api, 60).text("session_token");
      clock.advance(Duration.ofMinutes(10));

      Reply r = authenticateToken(api, token, "session_duration_minutes", 30);

      assertThat(r.status()).as(r.text()).isEqualTo(200);
      assertThat(instant(r.json().path("session").path("expires_at"))).isEqualTo(now().plus(Duration.ofMinutes(30)));
    }

    @Test
    void aSmallerDurationShortensTheSession() {
      Reply created = signUp(api, 600);
      String token = created.text("session_token");
      Instant before = instant(created.json().path("session").path("expires_at"));

      Reply r = authenticateToken(api, token, "session_duration_minutes", 5);

      Instant after = instant(r.json().path("session").path("expires_at"));
      assertThat(after).isEqualTo(now().plus(Duration.ofMinutes(5)));
      assertThat(after).isBefore(before);
      clock.advance(Duration.ofMinutes(5));
      assertError(authenticateToken(api, token), 404, "session_not_found");
    }

    @Test
    void withoutADurationTheExpiryIsUnchanged() {
      Reply created = signUp(api, 60);
      Instant expires = instant(created.json().path("session").path("expires_at"));
      clock.advance(Duration.ofMinutes(10));

      Reply r = authenticateToken(api, created.text("session_token"));

      assertThat(instant(r.json().path("session").path("expires_at"))).isEqualTo(expires);
      assertThat(instant(payload(r.text("session_jwt")).path("https://stytch.com/session").path("expires_at")))
          .isEqualTo(expires);
    }

    @ParameterizedTest
    @ValueSource(ints = {4, 527041, 0, -1})
    void aDurationOutsideFiveMinutesTo366DaysIsRefused(int minutes) {
      String token = signUp(api, 60).text("session_token");

      assertError(authenticateToken(api, token, "session_duration_minutes", minutes), 400,
          "invalid_session_duration_minutes");
    }

    @Test
    void aDurationGivenAsAStringIsRefusedAsAWrongType() {
      String token = signUp(api, 60).text("session_token");

      assertError(authenticateToken(api, token, "session_duration_minutes", "60"), 400, "invalid_field_type");
    }

    @ParameterizedTest
    @ValueSource(ints = {5, 527040})
    void theBoundsThemselvesAreAccepted(int minutes) {
      String token = signUp(api, 60).text("session_token");

      Reply r = authenticateToken(api, token, "session_duration_minutes", minutes);

      assertThat(r.status()).as(r.text()).isEqualTo(200);
      assertThat(instant(r.json().path("session").path("expires_at")))
          .isEqualTo(now().plus(Duration.ofMinutes(minutes)));
    }

    @Test
    void aRefusedDurationLeavesTheSessionUnchanged() {
      Reply created = signUp(api, 60);
      Instant expires = instant(created.json().path("session").path("expires_at"));

      authenticateToken(api, created.text("session_token"), "session_duration_minutes", 4);

      assertThat(instant(authenticateToken(api, created.text("session_token")).json().path("session")
          .path("expires_at"))).isEqualTo(expires);
    }

    @Test
    void authenticatingUpdatesLastAccessedAtButNotStartedAt() {
      Reply created = signUp(api, 60);
      Instant started = instant(created.json().path("session").path("started_at"));
      clock.advance(Duration.ofMinutes(3));

      Reply r = authenticateToken(api, created.text("session_token"));

      assertThat(instant(r.json().path("session").path("last_accessed_at"))).isEqualTo(now());
      assertThat(instant(r.json().path("session").path("started_at"))).isEqualTo(started);
      JsonNode claim = payload(r.text("session_jwt")).path("https://stytch.com/session");
      assertThat(instant(claim.path("last_accessed_at"))).isEqualTo(now());
    }
  }

  @Nested
  class CustomClaims {
    private String token;

    @BeforeEach
    void signUpUser() {
      token = signUp(api, 60).text("session_token");
    }

    private Reply patch(Object claims) {
      return authenticateToken(api, token, "session_custom_claims", claims);
    }

    private JsonNode claimsNow() {
      Reply r = authenticateToken(api, token);
      assertThat(r.status()).as(r.text()).isEqualTo(200);
      return r.json().path("session").path("custom_claims");
    }

    @Test
    void aNewSessionHasEmptyCustomClaims() {
      assertThat(claimsNow()).isEqualTo(tree("{}"));
    }

    @Test
    void claimsAreAddedAndShowInTheSessionAndAtTheTopLevelOfTheJwt() {
      Reply r = patch(Map.of("team", "blue", "level", 3));

      assertThat(r.status()).as(r.text()).isEqualTo(200);
      assertThat(r.json().path("session").path("custom_claims")).isEqualTo(tree("{\"team\":\"blue\",\"level\":3}"));
      JsonNode jwt = payload(r.text("session_jwt"));
      assertThat(jwt.path("team").asText()).isEqualTo("blue");
      assertThat(jwt.path("level").asInt()).isEqualTo(3);
      assertThat(claimsNow()).isEqualTo(tree("{\"team\":\"blue\",\"level\":3}"));
    }

    @Test
    void aClaimIsUpdatedAndOthersAreKept() {
      patch(Map.of("team", "blue", "level", 3));

      Reply r = patch(Map.of("team", "red"));

      assertThat(r.json().path("session").path("custom_claims")).isEqualTo(tree("{\"team\":\"red\",\"level\":3}"));
      assertThat(payload(r.text("session_jwt")).path("team").asText()).isEqualTo("red");
    }

    @Test
    void nullDeletesAClaim() {
      patch(Map.of("team", "blue", "level", 3));
      Map<String, Object> delete = new HashMap<>();
      delete.put("team", null);

      Reply r = patch(delete);

      assertThat(r.json().path("session").path("custom_claims")).isEqualTo(tree("{\"level\":3}"));
      assertThat(payload(r.text("session_jwt")).has("team")).isFalse();
      assertThat(claimsNow()).isEqualTo(tree("{\"level\":3}"));
    }

    @Test
    void nestedObjectsMergeRecursively() {
      patch(tree("{\"org\":{\"id\":\"o1\",\"name\":\"Acme\",\"limits\":{\"seats\":5}}}"));

      Reply r = patch(tree("{\"org\":{\"name\":\"Acme Inc\",\"plan\":\"pro\",\"limits\":{\"storage\":10}}}"));

      JsonNode expected = tree("{\"org\":{\"id\":\"o1\",\"name\":\"Acme Inc\",\"limits\":{\"seats\":5,"
          + "\"storage\":10},\"plan\":\"pro\"}}");
      assertThat(r.json().path("session").path("custom_claims")).isEqualTo(expected);
      assertThat(payload(r.text("session_jwt")).path("org")).isEqualTo(expected.path("org"));
    }

    @Test
    void aNestedNullDeletesOnlyTheNestedKey() {
      patch(tree("{\"org\":{\"id\":\"o1\",\"name\":\"Acme\"}}"));

      Reply r = patch(tree("{\"org\":{\"id\":null}}"));

      assertThat(r.json().path("session").path("custom_claims")).isEqualTo(tree("{\"org\":{\"name\":\"Acme\"}}"));
      assertThat(claimsNow()).isEqualTo(tree("{\"org\":{\"name\":\"Acme\"}}"));
    }

    @Test
    void anEmptyPatchChangesNothing() {
      patch(Map.of("team", "blue"));

      Reply r = patch(Map.of());

      assertThat(r.status()).as(r.text()).isEqualTo(200);
      assertThat(r.json().path("session").path("custom_claims")).isEqualTo(tree("{\"team\":\"blue\"}"));
      assertThat(payload(r.text("session_jwt")).path("team").asText()).isEqualTo("blue");
    }

    @ParameterizedTest
    @ValueSource(strings = {"iss", "sub", "aud", "exp", "nbf", "iat", "jti"})
    void registeredJwtClaimNamesAreRefused(String name) {
      patch(Map.of("team", "blue"));

      assertError(patch(Map.of(name, "x")), 400, "reserved_claims_in_custom_claims");
      assertThat(claimsNow()).isEqualTo(tree("{\"team\":\"blue\"}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://stytch.com/x", "https://stytch.com/session"})
    void namesUnderStytchAreRefused(String name) {
      assertError(patch(Map.of(name, "x")), 400, "stytch_claims_in_custom_claims");
      assertThat(claimsNow()).isEqualTo(tree("{}"));
    }

    @Test
    void claimsOfExactly4096BytesAreAcceptedAndOneByteMoreIsRefused() {
      // {"a":"<n chars>"} is n + 8 bytes of JSON.
      Reply fits = patch(Map.of("a", "x".repeat(4096 - 8)));
      assertThat(fits.status()).as(fits.text()).isEqualTo(200);

      assertError(patch(Map.of("a", "x".repeat(4096 - 7))), 400, "custom_claims_too_large");
      assertThat(claimsNow().path("a").asText()).hasSize(4096 - 8);
    }

    @Test
    void theLimitCountsUtf8BytesNotCharacters() {
      // Each "é" is two bytes of UTF-8: 2044 of them plus {"a":""} is exactly 4096 bytes.
      Reply fits = patch(Map.of("a", "é".repeat(2044)));
      assertThat(fits.status()).as(fits.text()).isEqualTo(200);

      assertError(patch(Map.of("a", "é".repeat(2045))), 400, "custom_claims_too_large");
    }

    @Test
    void claimsThatAreNotAnObjectAreRefusedAsAWrongType() {
      assertError(patch("team=blue"), 400, "invalid_field_type");
      assertError(patch(java.util.List.of("a")), 400, "invalid_field_type");
    }

    @Test
    void aSingleLargePatchIsRefused() {
      assertError(patch(Map.of("big", "x".repeat(5000))), 400, "custom_claims_too_large");
      assertThat(claimsNow()).isEqualTo(tree("{}"));
    }

    @Test
    void smallPatchesWhoseMergeExceeds4KbAreRefusedAndTheFirstIsKept() {
      Reply first = patch(Map.of("a", "x".repeat(2500)));
      assertThat(first.status()).as(first.text()).isEqualTo(200);

      assertError(patch(Map.of("b", "y".repeat(2500))), 400, "custom_claims_too_large");
      JsonNode kept = claimsNow();
      assertThat(kept.path("a").asText()).hasSize(2500);
      assertThat(kept.has("b")).isFalse();
    }

    @Test
    void aPatchLargerThan4KbThatMostlyDeletesIsAcceptedWhenTheResultFits() {
      patch(Map.of("a", "x".repeat(4000)));
      Map<String, Object> replace = new HashMap<>();
      replace.put("a", null);
      replace.put("b", "y".repeat(4000));
      for (int i = 0; i < 20; i++) {
        replace.put("absent" + i, null);
      }
      assertThat(Wire.write(replace).length()).isGreaterThan(4096);

      Reply r = patch(replace);

      assertThat(r.status()).as(r.text()).isEqualTo(200);
      assertThat(r.json().path("session").path("custom_claims").path("b").asText()).hasSize(4000);
      assertThat(r.json().path("session").path("custom_claims").has("a")).isFalse();
    }

    @Test
    void signUpWithOversizedClaimsIsRefusedWithoutCreatingTheUser() {
      String email = Wire.uniqueEmail();

      assertError(api.post("/v1/passwords", body("email", email, "password", Wire.PASSWORD,
          "session_duration_minutes", 60, "session_custom_claims", Map.of("a", "x".repeat(5000)))), 400,
          "custom_claims_too_large");

      // The email is still free: the refused call created nothing.
      assertThat(signUp(api, email, 60).json().path("session").path("custom_claims")).isEqualTo(tree("{}"));
    }

    @Test
    void claimsSetAtSignUpAreOnTheSessionAndInTheJwt() {
      Reply r = api.post("/v1/passwords", body("email", Wire.uniqueEmail(), "password", Wire.PASSWORD,
          "session_duration_minutes", 60, "session_custom_claims", Map.of("tier", "gold")));

      assertThat(r.status()).as(r.text()).isEqualTo(200);
      assertThat(r.json().path("session").path("custom_claims")).isEqualTo(tree("{\"tier\":\"gold\"}"));
      assertThat(payload(r.text("session_jwt")).path("tier").asText()).isEqualTo("gold");
    }
  }

  @Nested
  class Revoke {
    private Reply created;

    @BeforeEach
    void signUpUser() {
      created = signUp(api, 60);
    }

    private Reply revoke(Object... body) {
      return api.post("/v1/sessions/revoke", body(body));
    }

    private String sessionId() {
      return created.json().path("session").path("session_id").asText();
    }

    private void assertRevokedOk(Reply r) {
      assertThat(r.status()).as(r.text()).isEqualTo(200);
      assertThat(r.json().path("status_code").asInt()).isEqualTo(200);
      assertThat(r.text("request_id")).startsWith("request-id-test-");
      assertError(authenticateToken(api, created.text("session_token")), 404, "session_not_found");
      assertError(authenticateJwt(api, created.text("session_jwt")), 404, "session_not_found");
    }

    @Test
    void bySessionIdEndsTheSession() {
      assertRevokedOk(revoke("session_id", sessionId()));
    }

    @Test
    void bySessionTokenEndsTheSession() {
      assertRevokedOk(revoke("session_token", created.text("session_token")));
    }

    @Test
    void bySessionJwtEndsTheSession() {
      assertRevokedOk(revoke("session_jwt", created.text("session_jwt")));
    }

    @Test
    void revokingOneSessionLeavesTheUsersOtherSessionsAlone() {
      Reply other = signIn(api, created.json().path("user").path("emails").path(0).path("email").asText(), 60);

      revoke("session_id", sessionId());

      assertThat(authenticateToken(api, other.text("session_token")).status()).isEqualTo(200);
    }

    @Test
    void nothingToRevokeIsRefused() {
      assertError(api.post("/v1/sessions/revoke", "{}"), 400, "no_session_revoke_arguments",
          "Please include one of session_id, session_token or session_jwt.");
    }

    @Test
    void twoArgumentsAreRefusedAndTheSessionLives() {
      assertError(revoke("session_id", sessionId(), "session_token", created.text("session_token")), 400,
          "too_many_session_revoke_arguments", "Please include exactly one of session_id, session_token or "
              + "session_jwt.");
      assertError(revoke("session_token", created.text("session_token"), "session_jwt", created.text("session_jwt")),
          400, "too_many_session_revoke_arguments");
      assertThat(authenticateToken(api, created.text("session_token")).status()).isEqualTo(200);
    }

    @Test
    void aJwtPastItsExpStillRevokesALiveSession() {
      clock.advance(Duration.ofMinutes(6));

      assertRevokedOk(revoke("session_jwt", created.text("session_jwt")));
    }

    @Test
    void anExpiredSessionCannotBeRevokedByToken() {
      clock.advance(Duration.ofMinutes(61));

      assertError(revoke("session_token", created.text("session_token")), 404, "session_not_found");
    }

    @Test
    void anExpiredSessionCannotBeRevokedById() {
      clock.advance(Duration.ofMinutes(61));

      assertError(revoke("session_id", sessionId()), 404, "session_not_found");
    }

    @Test
    void aMalformedSessionIdIsRefused() {
      assertError(revoke("session_id", "not-a-session-id"), 400, "invalid_session_id");
    }

    @Test
    void anUnknownSessionIdIsNotFound() {
      assertError(revoke("session_id", "session-test-" + UUID.randomUUID()), 404, "session_not_found");
    }

    @Test
    void revokingTwiceIsNotFoundTheSecondTime() {
      assertThat(revoke("session_id", sessionId()).status()).isEqualTo(200);

      assertError(revoke("session_id", sessionId()), 404, "session_not_found");
      assertError(revoke("session_token", created.text("session_token")), 404, "session_not_found");
      assertError(revoke("session_jwt", created.text("session_jwt")), 404, "session_not_found");
    }
  }

  @Nested
  class ListSessions {
    @Test
    void onlyActiveSessionsAreListed() {
      String email = Wire.uniqueEmail();
      Reply first = signUp(api, email, 60);
      String userId = first.text("user_id");
      Reply second = signIn(api, email, 60);
      Reply third = signIn(api, email, 60);
      Reply revoked = signIn(api, email, 60);
      Reply shortLived = signIn(api, email, 5);
      assertThat(api.post("/v1/sessions/revoke", body("session_token", revoked.text("session_token"))).status())
          .isEqualTo(200);
      clock.advance(Duration.ofMinutes(6));

      Reply r = api.get("/v1/sessions?user_id=" + userId);

      assertThat(r.status()).as(r.text()).isEqualTo(200);
      assertThat(r.json().path("status_code").asInt()).isEqualTo(200);
      assertThat(r.text("request_id")).startsWith("request-id-test-");
      List<String> ids = new ArrayList<>();
      r.json().path("sessions").forEach(s -> ids.add(s.path("session_id").asText()));
      assertThat(ids).containsExactlyInAnyOrder(sessionIdOf(first), sessionIdOf(second), sessionIdOf(third));
      assertThat(ids).doesNotContain(sessionIdOf(revoked), sessionIdOf(shortLived));
      r.json().path("sessions").forEach(s -> {
        assertThat(s.path("user_id").asText()).isEqualTo(userId);
        assertThat(s.path("roles")).isEqualTo(tree("[\"stytch_user\"]"));
        assertThat(s.path("authentication_factors").path(0).path("type").asText()).isEqualTo("password");
      });
    }

    @Test
    void anotherUsersSessionsAreNotListed() {
      Reply mine = signUp(api, 60);
      signUp(api, 60);

      Reply r = api.get("/v1/sessions?user_id=" + mine.text("user_id"));

      assertThat(r.json().path("sessions").size()).isEqualTo(1);
      assertThat(r.json().path("sessions").path(0).path("session_id").asText()).isEqualTo(sessionIdOf(mine));
    }

    @Test
    void aUserWithoutSessionsHasAnEmptyList() {
      Reply mine = signUp(api, 60);
      api.post("/v1/sessions/revoke", body("session_token", mine.text("session_token")));

      Reply r = api.get("/v1/sessions?user_id=" + mine.text("user_id"));

      assertThat(r.status()).isEqualTo(200);
      assertThat(r.json().path("sessions")).isEqualTo(tree("[]"));
    }

    @Test
    void aMissingUserIdIsRefused() {
      assertError(api.get("/v1/sessions"), 400, "missing_required_field");
      assertError(api.get("/v1/sessions?user_id="), 400, "missing_required_field");
    }

    @Test
    void anUnknownUserIsNotFound() {
      assertError(api.get("/v1/sessions?user_id=user-test-" + UUID.randomUUID()), 404, "user_not_found");
    }

    private String sessionIdOf(Reply r) {
      return r.json().path("session").path("session_id").asText();
    }
  }

  @Nested
  class Purge {
    @Test
    void runOnceDeletesExpiredSessionsAndKeepsLiveOnes() {
      Reply shortLived = signUp(api, 5);
      Reply longLived = signUp(api, 60);
      String shortId = shortLived.json().path("session").path("session_id").asText();
      String longId = longLived.json().path("session").path("session_id").asText();
      clock.advance(Duration.ofMinutes(5));
      server.stop();

      try (Stores stores = JdbcStores.open("jdbc:sqlite:" + server.dataDir().resolve("latchkey.db"),
          Duration.ofSeconds(10))) {
        assertThat(stores.sessions().findById(shortId)).isPresent();

        int purged = new SessionPurger(stores.sessions(), stores.totps()).runOnce(clock.instant());

        assertThat(purged).isEqualTo(1);
        assertThat(stores.sessions().findById(shortId)).isEmpty();
        assertThat(stores.sessions().findById(longId)).isPresent();
        assertThat(new SessionPurger(stores.sessions(), stores.totps()).runOnce(clock.instant())).isEqualTo(0);
      }
    }
  }
}
