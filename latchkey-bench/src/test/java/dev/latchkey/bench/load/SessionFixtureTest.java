package dev.latchkey.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class SessionFixtureTest {
  @Test
  void tokensArePureFunctionsOfSeedAndIndexShapedLikeTheServersTokens() {
    assertThat(SessionFixture.token(42, 7)).isEqualTo(SessionFixture.token(42, 7))
        .isNotEqualTo(SessionFixture.token(42, 8)).isNotEqualTo(SessionFixture.token(43, 7))
        .hasSize(44).matches("[A-Za-z0-9_-]+");
  }

  @Test
  void idsAreVersionFourUuidsThatSortByIndexSoPrimaryKeysAreAppended() {
    String previous = "";
    for (long i : new long[] {0, 1, 4095, 4096, 4097, 999_999, 10_000_000}) {
      String id = SessionFixture.orderedId("session", "test", 0x1234_5678L, i);
      assertThat(id).startsWith("session-test-").isGreaterThan(previous);
      UUID uuid = UUID.fromString(id.substring("session-test-".length()));
      assertThat(uuid.version()).isEqualTo(4);
      assertThat(uuid.variant()).isEqualTo(2);
      previous = id;
    }
  }
}
