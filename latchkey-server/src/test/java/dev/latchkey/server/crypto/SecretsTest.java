package dev.latchkey.server.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The hash every token is stored as, and the comparison every credential goes through. */
class SecretsTest {
  @Test
  void sha256IsTheBase64urlOfTheStandardDigest() {
    // FIPS 180-2's "abc" example, base64url without padding.
    assertThat(Secrets.sha256("abc")).isEqualTo("ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0");
    assertThat(Secrets.sha256("")).isEqualTo("47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU");
  }

  @Test
  void sha256FromManyThreadsAtOnceGivesEachItsOwnAnswer() throws Exception {
    // The digests are reused between calls: two callers sharing one would mix their inputs.
    List<String> inputs = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      inputs.add("token-" + i + "-" + "x".repeat(i % 97));
    }
    List<String> alone = inputs.stream().map(SecretsTest::reference).toList();
    try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<String>> together = new ArrayList<>();
      for (String in : inputs) {
        together.add(pool.submit(() -> Secrets.sha256(in)));
      }
      for (int i = 0; i < inputs.size(); i++) {
        assertThat(together.get(i).get()).as(inputs.get(i)).isEqualTo(alone.get(i));
      }
    }
  }

  @Test
  void constantTimeEqualsIsPlainEqualityForEveryPairOfStrings() {
    assertThat(Secrets.constantTimeEquals("secret-test-abc", "secret-test-abc")).isTrue();
    assertThat(Secrets.constantTimeEquals("", "")).isTrue();
    assertThat(Secrets.constantTimeEquals("ünïcødé ✓", "ünïcødé ✓")).isTrue();
    assertThat(Secrets.constantTimeEquals("secret-test-abc", "secret-test-abd")).isFalse();
    assertThat(Secrets.constantTimeEquals("secret-test-abc", "Secret-test-abc")).isFalse();
    assertThat(Secrets.constantTimeEquals("secret-test-abc", "secret-test-ab")).isFalse();
    assertThat(Secrets.constantTimeEquals("secret-test-ab", "secret-test-abc")).isFalse();
    assertThat(Secrets.constantTimeEquals("é", "e\u0301")).as("no normalisation").isFalse();
    assertThat(Secrets.constantTimeEquals(null, "a")).isFalse();
    assertThat(Secrets.constantTimeEquals("a", null)).isFalse();
    assertThat(Secrets.constantTimeEquals(null, null)).isFalse();
  }

  private static String reference(String text) {
    try {
      byte[] d = java.security.MessageDigest.getInstance("SHA-256")
          .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(d);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
