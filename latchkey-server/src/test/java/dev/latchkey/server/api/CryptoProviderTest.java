package dev.latchkey.server.api;

import static dev.latchkey.server.api.Wire.authenticateToken;
import static dev.latchkey.server.api.Wire.signUp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.latchkey.server.crypto.CryptoProviders;
import dev.latchkey.server.testing.ApiClient.Reply;
import dev.latchkey.server.testing.TestServer;
import java.security.Provider;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code LATCHKEY_CRYPTO_PROVIDER}: which provider signs, and that its JWTs are the same to every verifier. */
class CryptoProviderTest {
  private static boolean linuxX86_64() {
    String arch = System.getProperty("os.arch", "");
    return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")
        && (arch.equals("amd64") || arch.equals("x86_64"));
  }

  @Test
  void jdkMeansTheJdksOwnProviderAndSaysNothing() {
    List<String> log = new ArrayList<>();

    assertThat(CryptoProviders.select("jdk", log::add)).isNull();
    assertThat(log).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"accp", "auto"})
  void onLinuxX86_64AccpLoadsAndTheChoiceIsLogged(String choice) {
    assumeTrue(linuxX86_64(), "ACCP ships native code for Linux x86_64 only");
    List<String> log = new ArrayList<>();

    Provider p = CryptoProviders.select(choice, log::add);

    assertThat(p).isNotNull();
    assertThat(p.getName()).isEqualTo("AmazonCorrettoCryptoProvider");
    assertThat(log).singleElement().asString().startsWith("RS256 signing uses AmazonCorrettoCryptoProvider");
  }

  @ParameterizedTest
  @ValueSource(strings = {"jdk", "accp", "auto"})
  void jwtsSignedWithEachProviderVerifyAgainstTheJwks(String choice) throws Exception {
    // Real time: Nimbus checks exp and nbf against the system clock.
    try (TestServer server = TestServer.start(Map.of("LATCHKEY_CRYPTO_PROVIDER", choice), Clock.systemUTC())) {
      Reply created = signUp(server.api(), 60);
      // An extension always mints: the second JWT is signed by the same (already translated) key.
      Reply again = authenticateToken(server.api(), created.text("session_token"), "session_duration_minutes", 90);
      assertThat(again.status()).as(again.text()).isEqualTo(200);

      for (String jwt : List.of(created.text("session_jwt"), again.text("session_jwt"))) {
        JWTClaimsSet claims = SessionJwtTest.verifier(server, SessionJwtTest.jwks(server)).process(jwt, null);
        assertThat(claims.getSubject()).isEqualTo(created.text("user_id"));
      }
      assertThat(again.text("session_jwt")).isNotEqualTo(created.text("session_jwt"));
    }
  }
}
