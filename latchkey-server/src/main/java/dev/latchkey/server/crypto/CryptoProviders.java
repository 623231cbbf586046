package dev.latchkey.server.crypto;

import java.security.Provider;
import java.util.function.Consumer;

/**
 * Chooses the JCA provider for RS256 signing and verification ({@code LATCHKEY_CRYPTO_PROVIDER}). The provider is
 * passed to the signer explicitly and never installed JVM-wide, so nothing else in the process changes.
 *
 * <ul>
 *   <li>{@code jdk}: the JDK's own provider (returns null: "use the default").
 *   <li>{@code accp}: Amazon Corretto Crypto Provider (native, Linux x86_64); when it cannot load, the server still
 *       starts on the JDK provider and says why, since a slower signature is better than no server.
 *   <li>{@code auto}: ACCP when it loads and passes its self-test, else the JDK provider.
 * </ul>
 */
public final class CryptoProviders {
  private CryptoProviders() {}

  /** The provider for {@code choice} ({@code jdk}, {@code accp} or {@code auto}); null means the JDK's own. */
  public static Provider select(String choice, Consumer<String> log) {
    if ("jdk".equals(choice)) {
      return null;
    }
    try {
      Provider accp = loadAccp();
      log.accept("RS256 signing uses " + accp.getName() + " " + accp.getVersionStr()
          + " (LATCHKEY_CRYPTO_PROVIDER=" + choice + ")");
      return accp;
    } catch (RuntimeException | LinkageError e) {
      log.accept("LATCHKEY_CRYPTO_PROVIDER=" + choice + ": Amazon Corretto Crypto Provider cannot load here ("
          + e + "); RS256 signing uses the JDK provider. It needs Linux on x86_64; set LATCHKEY_CRYPTO_PROVIDER=jdk "
          + "to silence this.");
      return null;
    }
  }

  private static Provider loadAccp() {
    var accp = com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider.INSTANCE;
    Throwable loading = accp.getLoadingError();
    if (loading != null) {
      throw new IllegalStateException("native library: " + loading.getMessage(), loading);
    }
    // Runs ACCP's known-answer self-tests; throws if any failed.
    accp.assertHealthy();
    return accp;
  }
}
