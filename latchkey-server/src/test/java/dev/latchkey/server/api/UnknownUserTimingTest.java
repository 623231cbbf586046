package dev.latchkey.server.api;

import static dev.latchkey.server.api.Wire.body;
import static dev.latchkey.server.api.Wire.signUp;
import static dev.latchkey.server.api.Wire.uniqueEmail;
import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.ApiClient.Reply;
import dev.latchkey.server.testing.TestServer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Whether an email has an account must not show in how long a lookup takes. For each lookup the test measures many
 * requests for a known email and for an unknown one, interleaved (so a burst of load on the shared 2-core machine
 * hits both series alike), and compares the medians with a generous bound: the one timing comparison the suite
 * makes. The bound catches what would matter, a password hash skipped for unknown emails (an Argon2id run is the
 * bulk of a sign-in), not a few hundred microseconds of noise.
 *
 * <p>The send endpoints answer an unknown email with {@code 404 email_not_found} (Stytch's contract, to a caller
 * that holds the project secret), so for them the reply already says what timing could; they are measured all the
 * same, to pin that a known email costs no large extra work (the mail is handed to the outbox, not awaited).
 */
class UnknownUserTimingTest {
  private static final int WARM_UP = 10;
  private static final int SAMPLES = 41;
  /** Medians may differ by this factor, plus {@link #SLACK_NANOS}, before the lookup is said to leak. */
  private static final double FACTOR = 2.0;
  private static final long SLACK_NANOS = 5_000_000;

  private static TestServer server;
  private static ApiClient api;
  private static String known;

  @BeforeAll
  static void start() {
    // Argon2id at the cost a small deployment would choose, so a skipped hash would stand out from the noise.
    server = TestServer.start(java.util.Map.of("LATCHKEY_ARGON2_MEMORY_KIB", "19456", "LATCHKEY_ARGON2_ITERATIONS",
        "2", "LATCHKEY_DEV_OUTBOX", "true"), java.time.Clock.systemUTC());
    api = server.api();
    known = uniqueEmail();
    signUp(api, known, 60);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void aWrongPasswordForAKnownEmailTakesAsLongAsAnyPasswordForAnUnknownOne() {
    compare(email -> api.post("/v1/passwords/authenticate", body("email", email, "password", "not the password")),
        401, 401);
  }

  @Test
  void sendingAMagicLinkToAKnownEmailTakesAsLongAsRefusingAnUnknownOne() {
    compare(email -> api.post("/v1/magic_links/email/send", body("email", email)), 200, 404);
  }

  @Test
  void sendingAnEmailCodeToAKnownEmailTakesAsLongAsRefusingAnUnknownOne() {
    compare(email -> api.post("/v1/otps/email/send", body("email", email)), 200, 404);
  }

  @Test
  void startingAPasswordResetForAKnownEmailTakesAsLongAsRefusingAnUnknownOne() {
    compare(email -> api.post("/v1/passwords/email/reset/start", body("email", email)), 200, 404);
  }

  private static void compare(Function<String, Reply> lookup, int knownStatus, int unknownStatus) {
    List<Long> forKnown = new ArrayList<>();
    List<Long> forUnknown = new ArrayList<>();
    for (int i = 0; i < WARM_UP + SAMPLES; i++) {
      // Alternate which goes first, so neither series always follows the other's cache effects.
      boolean knownFirst = i % 2 == 0;
      long a = time(lookup, knownFirst ? known : uniqueEmail(), knownFirst ? knownStatus : unknownStatus);
      long b = time(lookup, knownFirst ? uniqueEmail() : known, knownFirst ? unknownStatus : knownStatus);
      if (i >= WARM_UP) {
        forKnown.add(knownFirst ? a : b);
        forUnknown.add(knownFirst ? b : a);
      }
    }
    long k = median(forKnown);
    long u = median(forUnknown);
    assertThat(k).as("median ns for a known email (unknown: %d)", u).isLessThanOrEqualTo((long) (u * FACTOR)
        + SLACK_NANOS);
    assertThat(u).as("median ns for an unknown email (known: %d)", k).isLessThanOrEqualTo((long) (k * FACTOR)
        + SLACK_NANOS);
  }

  private static long time(Function<String, Reply> lookup, String email, int status) {
    long start = System.nanoTime();
    Reply r = lookup.apply(email);
    long took = System.nanoTime() - start;
    assertThat(r.status()).as(r.text()).isEqualTo(status);
    return took;
  }

  private static long median(List<Long> samples) {
    long[] sorted = samples.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
