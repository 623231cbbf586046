package dev.latchkey.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Everything one {@code bin/bench} run measured, and its Markdown: tables, then the targets as ratios. */
final class Report {
  record JmhRow(String benchmark, String mode, int threads, double score, double error, String unit) {
    /** Operations per second over all threads, whatever the mode's unit. */
    double opsPerSecond() {
      double perUnit = switch (unit.substring(unit.indexOf('/') + 1)) {
        case "s" -> 1;
        case "ms" -> 1e3;
        case "us" -> 1e6;
        case "ns" -> 1e9;
        default -> Double.NaN;
      };
      if (mode.equals("thrpt")) {
        return score * perUnit;  // ops/<unit>, already summed over threads by JMH
      }
      double unitsPerOp = switch (unit.substring(0, unit.indexOf('/'))) {
        case "s" -> 1;
        case "ms" -> 1e-3;
        case "us" -> 1e-6;
        case "ns" -> 1e-9;
        default -> Double.NaN;
      };
      return threads / (score * unitsPerOp);
    }
  }

  record ScaleRow(long sessions, LoadResult result, long rssKib, long peakRssKib, long databaseBytes) {}

  final Bench.Options options;
  final List<JmhRow> jmh = new ArrayList<>();
  final List<LoadResult> http = new ArrayList<>();
  final List<ScaleRow> scale = new ArrayList<>();
  int replyBytes;
  /** The Markdown of {@code bin/bench peers}, or null. */
  String peers;
  /** The Markdown of {@code bin/bench check}, or null. */
  String check;
  String loadBefore;
  String loadAfter;

  Report(Bench.Options options) {
    this.options = options;
  }

  String markdown(String commandArgs) {
    StringBuilder md = new StringBuilder();
    md.append("## Benchmark run ").append(Instant.now().truncatedTo(ChronoUnit.SECONDS)).append("\n\n");
    // A database URL's password stays out of reports that get committed.
    String args = commandArgs.replaceAll("password=[^&\\s]*", "password=***");
    md.append("Command: `bin/bench").append(args.isBlank() ? "" : " " + args).append("`  \n");
    md.append("Machine: ").append(machine()).append("  \n");
    md.append("Load average (1/5/15 min) before: ").append(loadBefore).append("; after: ").append(loadAfter)
        .append(". Figures taken with other work on the machine are noisy; compare ratios within one run.\n");
    if (options.smoke()) {
      md.append("\n**Smoke run** (`--smoke`): tiny sizes, one short iteration; the numbers mean nothing.\n");
    }
    if (!jmh.isEmpty()) {
      md.append("\n### JMH\n\n| Benchmark | Mode | Threads | Score | Error (99.9%) | Units | ops/s |\n")
          .append("| --- | --- | --- | --- | --- | --- | --- |\n");
      for (JmhRow r : jmh) {
        md.append(String.format(Locale.ROOT, "| `%s` | %s | %d | %.3f | ± %.3f | %s | %,.0f |%n", r.benchmark(),
            r.mode(), r.threads(), r.score(), Double.isNaN(r.error()) ? 0 : r.error(), r.unit(), r.opsPerSecond()));
      }
    }
    if (!http.isEmpty()) {
      md.append("\n### HTTP (").append(options.rate() > 0 ? "open loop at " + options.rate() + " req/s"
          : "closed loop, coordinated-omission corrected").append("; warm-up ").append(options.warmup().toMillis())
          .append(" ms, measured ").append(options.measure().toMillis()).append(" ms")
          .append(replyBytes > 0 ? "; authenticate replies of " + replyBytes + " bytes, the ceiling's too" : "")
          .append(")\n\n")
          .append("| Scenario | Store / nodes | Conns | req/s | % of ceiling | p50 ms | p90 ms | p99 ms | p99.9 ms "
              + "| max ms | errors | driver CPU | server CPU |\n")
          .append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
      for (LoadResult r : http) {
        Optional<LoadResult> c = ceiling(r.connections());
        md.append(String.format(Locale.ROOT, "| %s | %s | %d | %,.0f | %s | %.2f | %.2f | %.2f | %.2f | %.2f | %d "
                + "| %.0f%% | %s |%n", r.scenario(), r.target(), r.connections(), r.throughput(),
            c.map(x -> pct(r.throughput(), x.throughput())).orElse("—"), ms(r.p50Micros()), ms(r.p90Micros()),
            ms(r.p99Micros()), ms(r.p999Micros()), ms(r.maxMicros()), r.errors(), r.driverCpuPercent(),
            Double.isNaN(r.serverCpuPercent()) ? "—" : String.format(Locale.ROOT, "%.0f%%",
                r.serverCpuPercent())));
      }
      md.append("\nScenarios: ");
      http.stream().map(LoadResult::scenario).distinct().forEach(s -> md.append("`").append(s).append("` ")
          .append(Scenarios.describe(s)).append("; "));
      md.append("CPU is the share of one core (200% = both cores).\n");
      http.stream().filter(r -> r.requests() == 0).forEach(r -> md.append("\nNo `").append(r.scenario())
          .append("` request at ").append(r.connections()).append(" connections completed inside the measured window")
          .append(r.scenario().equals("revoke") ? ": the revoke pool ran out (raise `--revoke-pool`).\n" : ".\n"));
      http.stream().filter(r -> r.firstError() != null).forEach(r -> md.append("\nFirst error in `")
          .append(r.scenario()).append("` at ").append(r.connections()).append(" connections: `")
          .append(r.firstError().replace('`', '\'').replace('\n', ' ')).append("`\n"));
    }
    if (!scale.isEmpty()) {
      md.append("\n### Scale (auth-token, ").append(scale.get(0).result().connections())
          .append(" connections; ").append(options.scaleActive() > 0
              ? String.format(Locale.ROOT, "%,d sessions called, spread evenly over those stored",
                  options.scaleActive())
              : "every stored session called, at random")
          .append(")\n\n| Sessions stored | req/s | p50 ms | p99 ms | p99.9 ms | VmRSS MB | VmHWM MB "
              + "| database MB |\n")
          .append("| --- | --- | --- | --- | --- | --- | --- | --- |\n");
      for (ScaleRow s : scale) {
        LoadResult r = s.result();
        md.append(String.format(Locale.ROOT, "| %,d | %,.0f | %.2f | %.2f | %.2f | %d | %d | %,d |%n", s.sessions(),
            r.throughput(), ms(r.p50Micros()), ms(r.p99Micros()), ms(r.p999Micros()), s.rssKib() / 1024,
            s.peakRssKib() / 1024, s.databaseBytes() / (1024 * 1024)));
      }
    }
    if (!jmh.isEmpty() || !http.isEmpty() || !scale.isEmpty()) {
      md.append(targets());
    }
    if (check != null) {
      md.append(check);
    }
    if (peers != null) {
      md.append(peers);
    }
    return md.toString();
  }

  /** The targets, as ratios of figures from this run; "not measured" when a part was not run. */
  private String targets() {
    StringBuilder t = new StringBuilder("\n### Targets (ratios within this run)\n\n| Target | Measured | Met |\n"
        + "| --- | --- | --- |\n");
    Optional<LoadResult> ceiling64 = ceiling(64);
    Optional<LoadResult> auth64 = find("auth-token", "SQLite, 1 node", 64);
    if (ceiling64.isPresent() && auth64.isPresent()) {
      double tp = auth64.get().throughput() / ceiling64.get().throughput();
      double p99 = auth64.get().p99Micros() / ceiling64.get().p99Micros();
      t.append(String.format(Locale.ROOT, "| auth-token @64: ≥ 50%% of ceiling throughput | %.1f%% | %s |%n",
          100 * tp, tp >= 0.5 ? "yes" : "no"));
      t.append(String.format(Locale.ROOT, "| auth-token @64: p99 ≤ 2× ceiling p99 | %.1f× | %s |%n", p99,
          p99 <= 2 ? "yes" : "no"));
    } else {
      t.append("| auth-token @64 vs ceiling | not measured (needs `http` with 64 connections) | — |\n");
    }
    // The provider the server signs with by default (LATCHKEY_CRYPTO_PROVIDER=auto) on this machine.
    String chosen = dev.latchkey.server.crypto.CryptoProviders.select("auto", message -> {}) == null ? "jdk" : "accp";
    Optional<JmhRow> sign2 = jmh.stream().filter(r -> r.benchmark().equals(
        "RsaSigningProviderBenchmark.sign [" + chosen + "] (2 threads)")).findFirst();
    Optional<JmhRow> mint2 = jmh.stream()
        .filter(r -> r.benchmark().equals("JwtMintBenchmark.mintSessionJwt (2 threads)")).findFirst();
    Optional<LoadResult> extend64 = find("auth-token-extend", "SQLite, 1 node", 64);
    if (sign2.isPresent() && extend64.isPresent()) {
      double ratio = extend64.get().throughput() / sign2.get().opsPerSecond();
      t.append(String.format(Locale.ROOT, "| authenticate that mints (auth-token-extend @64): ≥ 90%% of the JMH "
          + "RS256 signing rate of the chosen provider (%s) on 2 threads (%,.0f/s) | %.1f%%%s | %s |%n", chosen,
          sign2.get().opsPerSecond(), 100 * ratio, mint2.map(m -> String.format(Locale.ROOT,
              " (%.1f%% of the whole mint's %,.0f/s)", 100 * extend64.get().throughput() / m.opsPerSecond(),
              m.opsPerSecond())).orElse(""), ratio >= 0.9 ? "yes" : "no"));
    } else {
      t.append("| authenticate that mints vs JMH signing rate | not measured (needs `jmh` and `http`) | — |\n");
    }
    Optional<JmhRow> sdk = jmh.stream().filter(r -> r.benchmark().endsWith("latchkeyAuthenticateJwtLocal"))
        .findFirst();
    Optional<JmhRow> nimbus = jmh.stream().filter(r -> r.benchmark().endsWith("nimbusParseAndVerify")).findFirst();
    if (sdk.isPresent() && nimbus.isPresent()) {
      double ratio = sdk.get().opsPerSecond() / nimbus.get().opsPerSecond();
      t.append(String.format(Locale.ROOT, "| backend SDK local JWT check ≥ 90%% of bare nimbus | %.1f%% | %s |%n",
          100 * ratio, ratio >= 0.9 ? "yes" : "no"));
    } else {
      t.append("| backend SDK vs bare nimbus | not measured (needs `jmh`) | — |\n");
    }
    if (scale.size() >= 2) {
      ScaleRow small = scale.get(0);
      ScaleRow large = scale.get(scale.size() - 1);
      double ratio = large.result().p50Micros() / small.result().p50Micros();
      double ratio99 = large.result().p99Micros() / small.result().p99Micros();
      t.append(String.format(Locale.ROOT, "| latency at %,d ≤ 1.3× at %,d sessions | p50 %.2f×, p99 %.2f× "
          + "| %s |%n",
          large.sessions(), small.sessions(), ratio, ratio99, ratio <= 1.3 && ratio99 <= 1.3 ? "yes" : "no"));
    } else {
      t.append("| latency at 10M vs 10k sessions | not measured (needs `scale` with two sizes) | — |\n");
    }
    scale.stream().filter(s -> s.sessions() == 1_000_000).findFirst().ifPresentOrElse(
        s -> t.append(String.format(Locale.ROOT, "| RSS ≤ 512 MB serving 1M sessions | %d MB (peak %d MB) | %s |%n",
            s.rssKib() / 1024, s.peakRssKib() / 1024, s.rssKib() <= 512 * 1024 ? "yes" : "no")),
        () -> t.append("| RSS serving 1M sessions | not measured (needs `scale` with 1000000) | — |\n"));
    Optional<LoadResult> one = http.stream().filter(r -> r.target().equals("PostgreSQL, 1 node"))
        .reduce((a, b) -> b);
    Optional<LoadResult> three = http.stream().filter(r -> r.target().equals("PostgreSQL, 3 nodes"))
        .reduce((a, b) -> b);
    if (one.isPresent() && three.isPresent()) {
      t.append(String.format(Locale.ROOT, "| three nodes vs one node on PostgreSQL @%d (reported; database on the "
          + "same cores) | %.2f× | — |%n", three.get().connections(),
          three.get().throughput() / one.get().throughput()));
    } else {
      t.append("| three nodes vs one on PostgreSQL | not measured (needs `three-nodes --database-url ...`) | — |\n");
    }
    return t.toString();
  }

  private Optional<LoadResult> ceiling(int connections) {
    return find("ceiling", "bare Jetty", connections);
  }

  private Optional<LoadResult> find(String scenario, String target, int connections) {
    return http.stream().filter(r -> r.scenario().equals(scenario) && r.target().equals(target)
        && r.connections() == connections).findFirst();
  }

  private static String pct(double a, double b) {
    return b <= 0 ? "—" : String.format(Locale.ROOT, "%.1f%%", 100 * a / b);
  }

  private static double ms(double micros) {
    return micros / 1000.0;
  }

  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " / " + f[1] + " / " + f[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  private static String machine() {
    String cpu = "unknown CPU";
    long memKib = -1;
    try {
      cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
          .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse(cpu);
      memKib = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal:"))
          .findFirst().map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).orElse(-1L);
    } catch (IOException | RuntimeException e) {
      // Described as unknown.
    }
    return Runtime.getRuntime().availableProcessors() + " CPUs (" + cpu + "), " + (memKib / 1024 / 1024)
        + " GB RAM, Java " + System.getProperty("java.vm.name") + " " + System.getProperty("java.version");
  }
}
