package dev.latchkey.server.cluster;

import dev.latchkey.server.store.jdbc.JdbcStores;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.SignedJWT;
import dev.latchkey.model.Attributes;
import dev.latchkey.model.User;
import dev.latchkey.server.store.SessionRecord;
import dev.latchkey.server.store.UserRecord;
import dev.latchkey.server.store.Stores;
import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.NodeProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three Latchkey nodes (separate JVMs) on one PostgreSQL share nothing but the database: sessions, revocations,
 * signing keys and the purge job are the same whichever node a request reaches.
 */
class MultiNodeTest {
  /**
   * Bounds waiting for something another process does in milliseconds (a NOTIFY, a purge every second). The key
   * refresh interval is set to its maximum, 60 s, so a rotation seen within this bound was announced, not polled.
   */
  private static final Duration PROPAGATION_LIMIT = Duration.ofSeconds(20);
  private static final Pattern PURGED = Pattern.compile("Purged (\\d+) expired sessions");

  @TempDir
  static Path tmp;

  private static Cluster cluster;

  /** Each node's key ids right after the three started together on an empty database. */
  private static final List<Set<String>> kidsAtStart = new ArrayList<>();

  @BeforeAll
  static void startThreeNodes() {
    cluster = Cluster.start(tmp, 3, Map.of("LATCHKEY_KEY_REFRESH_INTERVAL", "60s", "LATCHKEY_PURGE_INTERVAL", "1s"));
    cluster.apis().forEach(node -> kidsAtStart.add(kids(node)));
  }

  @AfterAll
  static void stopNodes() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aSessionCreatedOnOneNodeAuthenticatesOnEveryNodeByTokenAndByJwt() {
    ApiClient.Reply created = signUp(cluster.api(0), "ada-multi@example.com");

    for (ApiClient node : cluster.apis()) {
      ApiClient.Reply byToken = node.post("/v1/sessions/authenticate",
          "{\"session_token\":\"" + created.text("session_token") + "\"}");
      ApiClient.Reply byJwt = node.post("/v1/sessions/authenticate",
          "{\"session_jwt\":\"" + created.text("session_jwt") + "\"}");

      assertThat(byToken.status()).as(byToken.text()).isEqualTo(200);
      assertThat(byToken.json().path("session").path("session_id").asText())
          .isEqualTo(created.json().path("session").path("session_id").asText());
      assertThat(byJwt.status()).as(byJwt.text()).isEqualTo(200);
      assertThat(byJwt.json().path("user").path("user_id").asText()).isEqualTo(created.text("user_id"));
    }
  }

  /**
   * The outcome as an operator sees it. Whether the three JVMs really race depends on how their start-ups overlap;
   * the race itself is pinned in PostgresStoreContractTest, where four connections create the first key at once.
   */
  @Test
  void nodesStartedTogetherOnAnEmptyDatabaseCreateOneSigningKeyAndAllServeIt() {
    assertThat(kidsAtStart).hasSize(3);
    assertThat(kidsAtStart.get(0)).hasSize(1);
    assertThat(kidsAtStart).allSatisfy(kids -> assertThat(kids).isEqualTo(kidsAtStart.get(0)));
  }

  /**
   * Each node keeps the JWT it last minted for a session and returns it again while the row is unchanged; a change
   * made through another node changes the row, so no node hands out a JWT without it.
   */
  @Test
  void aClaimChangedOnOneNodeIsInTheNextJwtOfEveryNode() {
    ApiClient.Reply created = signUp(cluster.api(0), "claims-multi@example.com");
    String token = created.text("session_token");
    String body = "{\"session_token\":\"" + token + "\"}";
    for (ApiClient node : cluster.apis()) {
      ApiClient.Reply first = node.post("/v1/sessions/authenticate", body);
      ApiClient.Reply second = node.post("/v1/sessions/authenticate", body);
      assertThat(second.status()).as(second.text()).isEqualTo(200);
      assertThat(second.text("session_jwt")).isEqualTo(first.text("session_jwt"));
    }

    ApiClient.Reply changed = cluster.api(1).post("/v1/sessions/authenticate",
        "{\"session_token\":\"" + token + "\",\"session_custom_claims\":{\"tier\":\"gold\"}}");
    assertThat(changed.status()).as(changed.text()).isEqualTo(200);

    for (ApiClient node : cluster.apis()) {
      ApiClient.Reply r = node.post("/v1/sessions/authenticate", body);
      assertThat(r.status()).as(r.text()).isEqualTo(200);
      String payload = new String(java.util.Base64.getUrlDecoder().decode(r.text("session_jwt").split("\\.")[1]),
          java.nio.charset.StandardCharsets.UTF_8);
      assertThat(payload).contains("\"tier\":\"gold\"");
    }
  }

  @Test
  void aSessionRevokedOnOneNodeIsRefusedByEveryNodeAtOnce() {
    ApiClient.Reply created = signUp(cluster.api(0), "grace-multi@example.com");
    String token = created.text("session_token");
    for (ApiClient node : cluster.apis()) {
      assertThat(node.post("/v1/sessions/authenticate", "{\"session_token\":\"" + token + "\"}").status())
          .isEqualTo(200);
    }

    ApiClient.Reply revoked = cluster.api(1).post("/v1/sessions/revoke", "{\"session_token\":\"" + token + "\"}");
    assertThat(revoked.status()).as(revoked.text()).isEqualTo(200);

    // No node caches sessions, so the very first request after the revoke is refused everywhere: well inside the
    // one second the deployment promises.
    for (ApiClient node : cluster.apis()) {
      ApiClient.Reply byToken = node.post("/v1/sessions/authenticate", "{\"session_token\":\"" + token + "\"}");
      ApiClient.Reply byJwt = node.post("/v1/sessions/authenticate",
          "{\"session_jwt\":\"" + created.text("session_jwt") + "\"}");
      assertThat(byToken.status()).isEqualTo(404);
      assertThat(byToken.text("error_type")).isEqualTo("session_not_found");
      assertThat(byJwt.status()).isEqualTo(404);
      assertThat(byJwt.text("error_type")).isEqualTo("session_not_found");
    }
  }

  @Test
  void aKeyRotationIsUsedByEveryNodeAndEveryNodeServesTheSameJwks() throws Exception {
    NodeProcess.Finished rotate = NodeProcess.run(tmp.resolve("rotate"), cluster.environment(), "keys", "rotate");
    assertThat(rotate.exitCode()).as(rotate.stderr()).isZero();
    Matcher m = Pattern.compile("New signing key (\\S+);").matcher(rotate.stdout());
    assertThat(m.find()).as(rotate.stdout()).isTrue();
    String newKid = m.group(1);

    awaitTrue("every node serves the new key " + newKid,
        () -> cluster.apis().stream().allMatch(node -> kids(node).contains(newKid)));
    Set<String> first = kids(cluster.api(0));
    for (ApiClient node : cluster.apis()) {
      assertThat(kids(node)).isEqualTo(first);
      assertThat(node.get("/v1/sessions/jwks/" + cluster.projectId).json().path("keys"))
          .isEqualTo(cluster.api(0).get("/v1/sessions/jwks/" + cluster.projectId).json().path("keys"));
    }

    // Every node signs with the new key, and every other node verifies what it signed.
    for (int signer = 0; signer < 3; signer++) {
      ApiClient.Reply created = signUp(cluster.api(signer), "rotation-" + signer + "@example.com");
      String jwt = created.text("session_jwt");
      assertThat(SignedJWT.parse(jwt).getHeader().getKeyID()).isEqualTo(newKid);
      for (ApiClient node : cluster.apis()) {
        assertThat(node.post("/v1/sessions/authenticate", "{\"session_jwt\":\"" + jwt + "\"}").status())
            .isEqualTo(200);
      }
    }
  }

  @Test
  void expiredSessionsArePurgedByTheThreeNodesTogetherExactlyOnce() {
    int expired = 50;
    List<String> ids = new ArrayList<>();
    try (Stores stores = JdbcStores.open(cluster.database.url(), Duration.ofSeconds(10), 2)) {
      String userId = "user-test-" + UUID.randomUUID();
      Instant longAgo = Instant.parse("2025-01-01T00:00:00Z");
      stores.users().create(new UserRecord(userId, "active", new User.Name("", "", ""), Map.of(), Map.of(), null,
          longAgo, List.of(), null));
      for (int i = 0; i < expired; i++) {
        String id = "session-test-" + UUID.randomUUID();
        ids.add(id);
        stores.sessions().create(new SessionRecord(id, userId, "hash-" + id, longAgo, longAgo,
            longAgo.plusSeconds(300), Attributes.EMPTY, List.of(), Map.of(), 1));
      }

      awaitTrue("the expired sessions are purged",
          () -> ids.stream().allMatch(id -> stores.sessions().findById(id).isEmpty()));
    }

    int purgedByAllNodes = 0;
    for (NodeProcess node : cluster.nodes) {
      Matcher m = PURGED.matcher(node.log());
      while (m.find()) {
        purgedByAllNodes += Integer.parseInt(m.group(1));
      }
    }
    assertThat(purgedByAllNodes).isEqualTo(expired);
  }

  // ------------------------------------------------------------------------------------------------- helpers

  private static ApiClient.Reply signUp(ApiClient node, String email) {
    ApiClient.Reply reply = node.post("/v1/passwords", "{\"email\":\"" + email + "\","
        + "\"password\":\"correct horse battery staple\",\"session_duration_minutes\":60}");
    assertThat(reply.status()).as(reply.text()).isEqualTo(200);
    return reply;
  }

  private static Set<String> kids(ApiClient node) {
    Set<String> kids = new TreeSet<>();
    for (JsonNode key : node.get("/v1/sessions/jwks/" + cluster.projectId).json().path("keys")) {
      kids.add(key.path("kid").asText());
    }
    return kids;
  }

  /** Polls {@code condition} until it holds or {@link #PROPAGATION_LIMIT} passes. */
  static void awaitTrue(String what, BooleanSupplier condition) {
    Instant deadline = Instant.now().plus(PROPAGATION_LIMIT);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("not within " + PROPAGATION_LIMIT + ": " + what);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
