package dev.latchkey.backend;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A backend in its own JVM, for tests and benchmarks that need the SDK in another process than the server nodes
 * and the caller: {@code java -cp <test classpath> dev.latchkey.backend.RevocationProbe <baseUrl> <projectId>}
 * with the secret on the first line of stdin. Then, for each JWT read from stdin, it verifies it locally and prints
 * {@code accepted} (or {@code refused <reason>}), then polls local verification until it refuses and prints
 * {@code revoked} ({@code still-accepted} after 60 s). Prints {@code ready} once built.
 */
public final class RevocationProbe {
  private RevocationProbe() {}

  public static void main(String[] args) throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String secret = in.readLine();
    try (LatchkeyBackend backend = LatchkeyBackend.builder().baseUrl(URI.create(args[0])).projectId(args[1])
        .secret(secret).revocationStream(true).revocationStreamMaxDowntime(Duration.ofSeconds(30)).build()) {
      System.out.println("ready");
      System.out.flush();
      for (String jwt; (jwt = in.readLine()) != null; ) {
        try {
          backend.sessions().authenticateJwtLocal(jwt);
          System.out.println("accepted");
        } catch (LatchkeyException e) {
          System.out.println("refused " + e.reason().code());
          System.out.flush();
          continue;
        }
        System.out.flush();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String verdict = "still-accepted";
        while (System.nanoTime() < deadline) {
          try {
            backend.sessions().authenticateJwtLocal(jwt);
          } catch (LatchkeyException e) {
            verdict = e.reason() == LatchkeyException.Reason.REVOKED ? "revoked" : "refused " + e.reason().code();
            break;
          }
          Thread.sleep(1);
        }
        System.out.println(verdict);
        System.out.flush();
      }
    }
  }
}
