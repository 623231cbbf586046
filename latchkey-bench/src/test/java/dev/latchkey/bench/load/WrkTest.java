package dev.latchkey.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The wrk side of {@code bin/bench peers}, against a real ceiling process and Debian's wrk (bin/test installs it):
 * the figures come back from wrk's own record, and a consuming run uses each body once and times itself instead of
 * reporting wrk's whole {@code -d}. Nothing here is timed or compared.
 */
class WrkTest {
  private static JavaProcess ceiling;
  private static LoadDriver.Target target;

  @TempDir
  Path work;

  @BeforeAll
  static void startCeiling() {
    ceiling = JavaProcess.start("ceiling", List.of(), Ceiling.class.getName(), List.of("0", "300"), Map.of(),
        Pattern.compile("ceiling listening on (\\d+)"));
    target = new LoadDriver.Target("127.0.0.1", Integer.parseInt(ceiling.readyMatch()));
  }

  @AfterAll
  static void stopCeiling() {
    ceiling.close();
  }

  @Test
  void aCyclingRunReportsItsCallsLatenciesAndTheServersCpu() throws Exception {
    Path bodies = Wrk.bodies(work, "cycle", List.of("{\"a\":1}", "{\"b\":2}"));

    LoadResult r = Wrk.run("check", "ceiling", target.host(), target.port(), List.of(ceiling.pid()),
        new Wrk.Call("/authenticate", "application/json", null, bodies, Wrk.Mode.CYCLE), 4, Duration.ofSeconds(1),
        work);

    assertThat(r.requests()).isPositive();
    assertThat(r.errors()).isZero();
    assertThat(r.seconds()).isGreaterThan(0.5);
    assertThat(r.p50Micros()).isPositive().isLessThanOrEqualTo(r.p99Micros());
    assertThat(r.p99Micros()).isLessThanOrEqualTo(r.maxMicros());
    assertThat(r.serverCpuPercent()).isNotNaN();
  }

  @Test
  void aConsumingRunSendsEachBodyOnceAndEndsWhenTheyAreUsed() throws Exception {
    List<String> lines = IntStream.range(0, 2_000).mapToObj(i -> "{\"n\":" + i + "}").toList();
    Path bodies = Wrk.bodies(work, "consume", lines);

    LoadResult r = Wrk.run("sign-out", "ceiling", target.host(), target.port(), List.of(ceiling.pid()),
        new Wrk.Call("/revoke", "application/json", null, bodies, Wrk.Mode.CONSUME), 4, Duration.ofSeconds(60),
        work);

    // The ceiling answers 200 to a repeated body too, so the few calls sent after a thread's share is used (at most
    // one per connection) show as extra requests; none is missing.
    assertThat(r.requests()).isBetween(1_996L, 2_004L);
    assertThat(r.seconds()).as("timed from the first call to the last reply, not wrk's -d").isLessThan(59);
    assertThat(Files.readString(work.resolve("latchkey-bench.lua"))).contains("clock_gettime");
  }
}
