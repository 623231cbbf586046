package dev.latchkey.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * CI's guard against rot: one very short run of every JMH benchmark and every load scenario, against real server
 * and ceiling processes. Nothing here is timed or compared: a run must happen, succeed and produce numbers.
 */
class BenchSmokeTest {
  private final PrintStream log = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

  @Test
  void everyJmhBenchmarkRunsOnceAndProducesAScore() throws Exception {
    Report report = Bench.run(Bench.Options.parse("--smoke", "jmh"), log);

    assertThat(report.jmh).extracting(Report.JmhRow::benchmark).containsExactlyInAnyOrder(
        "JwtMintBenchmark.mintSessionJwt", "JwtMintBenchmark.mintSessionJwt (2 threads)",
        "RsaSigningProviderBenchmark.sign [jdk] (2 threads)", "RsaSigningProviderBenchmark.sign [accp] (2 threads)",
        "RsaSigningProviderBenchmark.mintSessionJwt [jdk] (2 threads)",
        "RsaSigningProviderBenchmark.mintSessionJwt [accp] (2 threads)",
        "RsaSigningSideBySideBenchmark.sign:jdk", "RsaSigningSideBySideBenchmark.sign:accp",
        "JwtVerifyBenchmark.parseAndVerify", "JwtVerifyBenchmark.verifyOnly",
        "BackendVerifyBenchmark.latchkeyAuthenticateJwtLocal", "BackendVerifyBenchmark.nimbusParseAndVerify",
        "TokenHashBenchmark.sha256OfSessionToken", "SessionLookupBenchmark.findByTokenHash",
        "SessionLookupBenchmark.findUser",
        "SessionAuthenticateBenchmark.byTokenNoChange [jdk]", "SessionAuthenticateBenchmark.byTokenNoChange [accp]",
        "SessionAuthenticateBenchmark.byTokenNoChangeEveryCallWrites [jdk]",
        "SessionAuthenticateBenchmark.byTokenNoChangeEveryCallWrites [accp]",
        "SessionAuthenticateBenchmark.byTokenWithExtension [jdk]",
        "SessionAuthenticateBenchmark.byTokenWithExtension [accp]",
        "PasswordHashBenchmark.argon2id [password4j] (2 threads, 256 MiB heap)",
        "PasswordHashBenchmark.argon2id [bouncycastle] (2 threads, 256 MiB heap)");
    assertThat(report.jmh).allSatisfy(row -> {
      assertThat(row.score()).as(row.benchmark()).isPositive().isFinite();
      assertThat(row.opsPerSecond()).as(row.benchmark()).isPositive().isFinite();
    });
    assertThat(report.markdown("--smoke jmh")).contains("| `JwtMintBenchmark.mintSessionJwt (2 threads)` |");
  }

  @Test
  void everyHttpScenarioRunsAgainstARealServerNextToTheCeiling() throws Exception {
    Report report = Bench.run(Bench.Options.parse("--smoke", "http"), log);

    assertThat(report.replyBytes).as("size of a real authenticate reply").isGreaterThan(1000);
    assertThat(report.http).extracting(LoadResult::scenario).containsExactly("ceiling", "auth-token",
        "auth-token-extend", "auth-jwt", "password", "revoke");
    assertThat(report.http).allSatisfy(this::ranAndSucceeded);
    String markdown = report.markdown("--smoke http");
    for (String scenario : List.of("ceiling", "auth-token", "auth-token-extend", "auth-jwt", "password", "revoke")) {
      assertThat(markdown).contains("| " + scenario + " |");
    }
  }

  @Test
  void scaleFixtureIsLoadedAuthenticatedAgainstAndTheServerMemoryIsRead() throws Exception {
    Report report = Bench.run(Bench.Options.parse("--smoke", "scale"), log);

    assertThat(report.scale).singleElement().satisfies(row -> {
      assertThat(row.sessions()).isEqualTo(1_000);
      ranAndSucceeded(row.result());
      assertThat(row.rssKib()).as("VmRSS of the server").isPositive();
      assertThat(row.peakRssKib()).as("VmHWM of the server").isGreaterThanOrEqualTo(row.rssKib());
      assertThat(row.databaseBytes()).as("the loaded database on disk").isPositive();
    });
  }

  @Test
  void theSessionCheckRunsByWrkAndInOpenLoopNextToTheCeiling() throws Exception {
    Report report = Bench.run(Bench.Options.parse("--smoke", "check"), log);

    assertThat(report.check).contains("### Session check against the ceiling (`bin/bench check`",
        "| wrk | 2 | ceiling |", "| wrk | 2 | Latchkey |", "| own, open loop at 50% (", "| own, open loop at 80% (",
        "| Driver | Conns | Latchkey ÷ ceiling, req/s | Latchkey p99 ÷ ceiling p99 |").doesNotContain("Errors, ")
        .containsPattern("\\| wrk \\| 2 \\| [0-9.]+× \\| [0-9.]+× \\|");
    assertThat(report.markdown("--smoke check")).contains(report.check);
  }

  private void ranAndSucceeded(LoadResult r) {
    assertThat(r.requests()).as(r.scenario() + " requests").isPositive();
    assertThat(r.errors()).as(r.scenario() + " errors; first: " + r.firstError()).isZero();
    assertThat(r.throughput()).as(r.scenario()).isPositive();
    assertThat(r.p50Micros()).as(r.scenario() + " p50").isPositive();
    assertThat(r.p99Micros()).as(r.scenario() + " p99").isGreaterThanOrEqualTo(r.p50Micros());
    assertThat(r.maxMicros()).as(r.scenario() + " max").isGreaterThanOrEqualTo(r.p99Micros());
  }
}
