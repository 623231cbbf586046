package dev.latchkey.server.api;

import dev.latchkey.server.store.jdbc.JdbcStores;

import static dev.latchkey.server.api.Wire.assertError;
import static dev.latchkey.server.api.Wire.authenticateJwt;
import static dev.latchkey.server.api.Wire.authenticateToken;
import static dev.latchkey.server.api.Wire.body;
import static dev.latchkey.server.api.Wire.header;
import static dev.latchkey.server.api.Wire.payload;
import static dev.latchkey.server.api.Wire.signUp;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.server.crypto.Ids;
import dev.latchkey.server.crypto.KeyEncryption;
import dev.latchkey.server.keys.KeyRing;
import dev.latchkey.server.session.SessionJwts;
import dev.latchkey.server.session.SessionService;
import dev.latchkey.server.store.SessionRecord;
import dev.latchkey.server.store.Stores;
import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.ApiClient.Reply;
import dev.latchkey.server.testing.MutableClock;
import dev.latchkey.server.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The authenticate hot path (issue 7): a still-fresh JWT is returned again while the session is unchanged, and
 * {@code last_accessed_at} is written at most once per {@code LATCHKEY_LAST_ACCESSED_WRITE_INTERVAL}; extensions,
 * claim changes and revocations are durable before the reply and always get a new JWT. Time moves by hand.
 */
class SessionHotPathTest {
  private final MutableClock clock = new MutableClock();
  private TestServer server;
  private ApiClient api;

  private void start(Map<String, String> env) {
    // The store keeps milliseconds; so does the clock here, so that expected instants compare equal.
    clock.set(clock.instant().truncatedTo(ChronoUnit.MILLIS));
    server = TestServer.start(env, clock);
    api = server.api();
  }

  private void start() {
    // Purging and key refresh run on real timers; a day keeps them out of the way of the hand-moved clock.
    start(Map.of("LATCHKEY_PURGE_INTERVAL", "1d"));
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static Instant iat(String jwt) {
    return Instant.ofEpochSecond(payload(jwt).path("iat").asLong());
  }

  private static Instant instant(JsonNode node) {
    return Instant.parse(node.asText());
  }

  private static JsonNode ok(Reply r) {
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    return r.json();
  }

  @Test
  void anAuthenticateThatChangesNothingReturnsTheSameJwtWhileLessThanAFifthOfItsLifeHasPassed() {
    start();
    Reply created = signUp(api, 60);
    String jwt = created.text("session_jwt");
    Duration window = SessionService.jwtReuseWindow(created.json().path("session").path("session_id").asText());
    assertThat(window).isBetween(Duration.ofSeconds(40), Duration.ofSeconds(60));
    clock.set(iat(jwt).plus(window).minusMillis(1));

    JsonNode byToken = ok(authenticateToken(api, created.text("session_token")));
    JsonNode byJwt = ok(authenticateJwt(api, jwt));

    assertThat(byToken.path("session_jwt").asText()).isEqualTo(jwt);
    assertThat(byJwt.path("session_jwt").asText()).isEqualTo(jwt);
    // The reused JWT describes the session exactly as the reply does.
    JsonNode claim = payload(jwt).path("https://stytch.com/session");
    assertThat(instant(claim.path("last_accessed_at")))
        .isEqualTo(instant(byToken.path("session").path("last_accessed_at")));
    assertThat(instant(claim.path("expires_at"))).isEqualTo(instant(byToken.path("session").path("expires_at")));
  }

  @Test
  void aNewJwtIsMintedOnceAFifthOfTheJwtsLifeHasPassed() {
    start();
    Reply created = signUp(api, 60);
    String first = created.text("session_jwt");
    clock.set(iat(first).plus(Duration.ofSeconds(60)));

    String second = ok(authenticateToken(api, created.text("session_token"))).path("session_jwt").asText();

    assertThat(second).isNotEqualTo(first);
    assertThat(iat(second)).isEqualTo(iat(first).plusSeconds(60));
    // ...and that one is reused in its turn.
    clock.advance(Duration.ofSeconds(30));
    assertThat(ok(authenticateToken(api, created.text("session_token"))).path("session_jwt").asText())
        .isEqualTo(second);
  }

  @Test
  void extendingTheSessionMintsANewJwtAndIsDurableBeforeTheReply() {
    start();
    Reply created = signUp(api, 60);
    String token = created.text("session_token");
    clock.advance(Duration.ofSeconds(5));
    Instant now = clock.instant();

    JsonNode extended = ok(authenticateToken(api, token, "session_duration_minutes", 120));

    String jwt = extended.path("session_jwt").asText();
    assertThat(jwt).isNotEqualTo(created.text("session_jwt"));
    assertThat(instant(extended.path("session").path("expires_at"))).isEqualTo(now.plus(Duration.ofMinutes(120)));
    assertThat(instant(payload(jwt).path("https://stytch.com/session").path("expires_at")))
        .isEqualTo(now.plus(Duration.ofMinutes(120)));
    // Durable: a restarted server (empty memory, same database) sees the extension.
    server.restart();
    api = server.api();
    assertThat(instant(ok(authenticateToken(api, token)).path("session").path("expires_at")))
        .isEqualTo(now.plus(Duration.ofMinutes(120)));
  }

  @Test
  void changingCustomClaimsMintsANewJwtWhichIsThenTheOneReused() {
    start();
    Reply created = signUp(api, 60);
    String token = created.text("session_token");

    JsonNode changed = ok(api.post("/v1/sessions/authenticate", body("session_token", token,
        "session_custom_claims", Map.of("tier", "gold"))));

    String jwt = changed.path("session_jwt").asText();
    assertThat(jwt).isNotEqualTo(created.text("session_jwt"));
    assertThat(payload(jwt).path("tier").asText()).isEqualTo("gold");
    assertThat(ok(authenticateToken(api, token)).path("session_jwt").asText()).isEqualTo(jwt);
  }

  @Test
  void aJwtSignedByAKeyThatHasSinceBeenRotatedOutIsNotReused() {
    start();
    Reply created = signUp(api, 60);
    String oldJwt = created.text("session_jwt");
    String sessionId = created.json().path("session").path("session_id").asText();
    String oldKid = header(oldJwt).path("kid").asText();

    // Another process rotates the key in the shared database (what `latchkey keys rotate` does)...
    String newJwt;
    String newKid;
    try (Stores stores = JdbcStores.open("jdbc:sqlite:" + server.dataDir().resolve("latchkey.db"),
        Duration.ofSeconds(10))) {
      KeyRing keys = new KeyRing(stores.keys(), new KeyEncryption(null), Ids.forProject(server.projectId), clock,
          Duration.ofHours(1));
      keys.refresh();
      newKid = keys.rotate();
      SessionRecord session = stores.sessions().findById(sessionId).orElseThrow();
      newJwt = new SessionJwts(keys, server.projectId).mint(session, SessionService.DEFAULT_ROLES, clock.instant());
    }
    // ...and the server learns of it when it first sees a JWT with the new kid.
    JsonNode r = ok(authenticateJwt(api, newJwt));

    String returned = r.path("session_jwt").asText();
    assertThat(header(returned).path("kid").asText()).isEqualTo(newKid).isNotEqualTo(oldKid);
    assertThat(returned).isNotEqualTo(oldJwt);
    assertThat(ok(authenticateToken(api, created.text("session_token"))).path("session_jwt").asText())
        .isEqualTo(returned);
  }

  @Test
  void lastAccessedAtIsWrittenAtMostOncePerInterval() {
    start();
    Reply created = signUp(api, 60);
    String token = created.text("session_token");
    String userId = created.text("user_id");
    Instant started = instant(created.json().path("session").path("last_accessed_at"));

    clock.advance(Duration.ofSeconds(59));
    JsonNode early = ok(authenticateToken(api, token));
    assertThat(instant(early.path("session").path("last_accessed_at"))).isEqualTo(started);
    assertThat(storedLastAccessedAt(userId)).isEqualTo(started);

    // The write is due from 60 s, and made with the next JWT the session needs: the one it holds at 59 s (signed then,
    // or at sign-up if its reuse window is longer than 59 s) is reused until its own window ends.
    String held = early.path("session_jwt").asText();
    Instant heldUntil = iat(held).plus(SessionService.jwtReuseWindow(
        created.json().path("session").path("session_id").asText()));
    Instant nextJwt = heldUntil.isAfter(started.plusSeconds(60)) ? heldUntil : started.plusSeconds(60);
    if (nextJwt.isAfter(started.plusSeconds(60))) {
      clock.set(started.plusSeconds(60));
      assertThat(ok(authenticateToken(api, token)).path("session_jwt").asText()).isEqualTo(held);
      assertThat(storedLastAccessedAt(userId)).isEqualTo(started);
    }
    clock.set(nextJwt);
    JsonNode due = ok(authenticateToken(api, token));
    assertThat(instant(due.path("session").path("last_accessed_at"))).isEqualTo(nextJwt);
    assertThat(storedLastAccessedAt(userId)).isEqualTo(nextJwt);
    // The row changed, so the JWT is new and says so.
    assertThat(instant(payload(due.path("session_jwt").asText()).path("https://stytch.com/session")
        .path("last_accessed_at"))).isEqualTo(nextJwt);
  }

  @Test
  void withAZeroIntervalEveryAuthenticateWritesLastAccessedAtAndMintsAJwtForIt() {
    start(Map.of("LATCHKEY_PURGE_INTERVAL", "1d", "LATCHKEY_LAST_ACCESSED_WRITE_INTERVAL", "0"));
    Reply created = signUp(api, 60);
    clock.advance(Duration.ofMillis(1500));

    JsonNode r = ok(authenticateToken(api, created.text("session_token")));

    assertThat(instant(r.path("session").path("last_accessed_at"))).isEqualTo(clock.instant());
    assertThat(storedLastAccessedAt(created.text("user_id"))).isEqualTo(clock.instant());
    assertThat(r.path("session_jwt").asText()).isNotEqualTo(created.text("session_jwt"));
  }

  @Test
  void aRevokedSessionIsRefusedAlthoughItsJwtWasStillBeingReused() {
    start();
    Reply created = signUp(api, 60);
    String jwt = created.text("session_jwt");
    assertThat(ok(authenticateJwt(api, jwt)).path("session_jwt").asText()).isEqualTo(jwt);

    ok(api.post("/v1/sessions/revoke", body("session_jwt", jwt)));

    assertError(authenticateJwt(api, jwt), 404, "session_not_found");
    assertError(authenticateToken(api, created.text("session_token")), 404, "session_not_found");
  }

  /** last_accessed_at as the store has it, read through the list endpoint (which writes nothing). */
  private Instant storedLastAccessedAt(String userId) {
    JsonNode sessions = ok(api.get("/v1/sessions?user_id=" + userId)).path("sessions");
    assertThat(sessions).hasSize(1);
    return instant(sessions.path(0).path("last_accessed_at"));
  }
}
