package dev.latchkey.server.keys;

import dev.latchkey.server.store.jdbc.JdbcStores;

import dev.latchkey.server.crypto.Ids;
import dev.latchkey.server.crypto.KeyEncryption;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.server.store.Stores;
import dev.latchkey.server.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes' key rings over one database: a node that meets a kid it does not know re-reads the keys at once
 * (another node may have just rotated), but at most once per second, so forged kids cannot hammer the database.
 */
class KeyRingReloadTest {
  @TempDir
  Path dir;

  private final MutableClock clock = new MutableClock();
  private Stores nodeA;
  private Stores nodeB;
  private KeyRing ringA;
  private KeyRing ringB;

  @BeforeEach
  void twoNodes() {
    String url = "jdbc:sqlite:" + dir.resolve("latchkey.db");
    nodeA = JdbcStores.open(url, Duration.ofSeconds(5));
    nodeB = JdbcStores.open(url, Duration.ofSeconds(5));
    Ids ids = Ids.forProject("project-test-00000000-0000-0000-0000-000000000000");
    ringA = new KeyRing(nodeA.keys(), new KeyEncryption(null), ids, clock, Duration.ofHours(1));
    ringB = new KeyRing(nodeB.keys(), new KeyEncryption(null), ids, clock, Duration.ofHours(1));
    ringA.start();
    ringB.start();
  }

  @AfterEach
  void close() {
    nodeA.close();
    nodeB.close();
  }

  @Test
  void aKidRotatedInByAnotherNodeIsFoundByReReadingTheKeys() {
    String kid = ringA.rotate();

    assertThat(ringB.find(kid)).as("not yet re-read").isEmpty();
    assertThat(ringB.findOrReload(kid)).isPresent();
    assertThat(ringB.signingKey().kid()).isEqualTo(kid);
  }

  @Test
  void unknownKidsReReadTheKeysAtMostOncePerSecond() {
    assertThat(ringB.findOrReload("jwk-test-forged")).isEmpty();
    String kid = ringA.rotate();

    assertThat(ringB.findOrReload(kid)).as("within a second of the last re-read").isEmpty();

    clock.advance(KeyRing.UNKNOWN_KID_RELOAD_INTERVAL);
    assertThat(ringB.findOrReload(kid)).isPresent();
  }
}
