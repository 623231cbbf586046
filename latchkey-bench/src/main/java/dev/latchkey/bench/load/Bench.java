package dev.latchkey.bench.load;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The one benchmark command ({@code bin/bench [options] [scenario...]}): JMH, the HTTP scenarios against a real
 * server process next to the bare-Jetty ceiling, the scale fixture and the PostgreSQL / multi-node scenarios; prints
 * one Markdown report and writes it to {@code --out}. Run with {@code --help} for the scenarios and options.
 */
public final class Bench {
  static final List<String> GROUPS = List.of("jmh", "http", "scale", "postgres", "three-nodes", "peers", "check");
  private static final String USAGE = """
      Usage: bin/bench [options] [scenario...]
      Scenarios (default: jmh http scale):
        jmh                 the JMH benchmarks (JWT mint on 1 and 2 threads, verify, backend SDK, hash, lookup)
        http                ceiling + every HTTP scenario below, on the embedded SQLite store
        ceiling | auth-token | auth-token-extend | auth-jwt | password | revoke   one HTTP scenario (+ the ceiling)
        scale               authenticate (auth-token, most connections) with --scale-sizes stored sessions; RSS
        postgres            auth-token on one node over --database-url (PostgreSQL)
        three-nodes         auth-token on three nodes over --database-url, next to one node
        peers               Keycloak side by side with Latchkey and the ceiling, driven by wrk and the own driver:
                            session check, refresh that mints, password sign-in, sign-out, start-up, RSS
                            (bin/bench fetches Keycloak from Maven Central and installs wrk when missing)
      check               the session check against the ceiling by wrk, then by the own driver in open loop at
                          50% and 80% of wrk's rate (the performance targets, without Keycloak)
      Options:
        --connections 16,64     connection counts for the HTTP scenarios
        --warmup 20s --measure 10s
        --rate N                open loop at N requests/s in total (default 0: closed loop, CO-corrected)
        --sessions 10000        fixture sessions for the HTTP scenarios
        --revoke-pool 400000    extra fixture sessions the revoke scenario consumes (one per call, warm-up
                                included, over every connection count: ~5,000/s for 30 s, twice)
        --scale-sizes 10000,1000000   (add 10000000 for the 10M figure; it loads for several minutes)
        --scale-active 10000    sessions the scale scenario authenticates, spread evenly over all stored ones
                                (0: every stored session, at random)
        --jvm-flags "-Xmx1g ..."      flags for both the server and the ceiling JVMs (default: $LATCHKEY_JAVA_OPTS,
                                which bin/bench sets to bin/latchkey's default)
        --database-url jdbc:postgresql://host:port/db?user=..&password=..   an EMPTY database, for postgres/three-nodes
        --signouts 6000         sessions each side signs out per connection count (peers)
        --keycloak-dist FILE    the keycloak-quarkus-dist tar.gz (peers; default: the local Maven repository's)
        --out FILE              also write the Markdown report there
        --smoke                 CI: tiny sizes, one short iteration of everything; numbers mean nothing
      """;

  record Options(List<String> scenarios, List<Integer> connections, Duration warmup, Duration measure, double rate,
      long sessions, long revokePool, List<Long> scaleSizes, long scaleActive, List<String> jvmFlags,
      String databaseUrl, Path out, boolean smoke, int signouts, Path keycloakDist) {

    static Options parse(String... args) {
      List<String> scenarios = new ArrayList<>();
      List<Integer> connections = List.of(16, 64);
      // The server's JIT needs 15-20 s under load on two cores: after 5 s, auth-token measured 40% below its rate.
      Duration warmup = Duration.ofSeconds(20);
      Duration measure = Duration.ofSeconds(10);
      double rate = 0;
      long sessions = 10_000;
      long revokePool = 400_000;
      List<Long> scaleSizes = List.of(10_000L, 1_000_000L);
      long scaleActive = 10_000;
      List<String> jvmFlags = flags(System.getenv("LATCHKEY_JAVA_OPTS"));
      String databaseUrl = null;
      Path out = null;
      boolean smoke = false;
      int signouts = 6_000;
      Path keycloakDist = null;
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        switch (a) {
          case "--connections" -> connections = Arrays.stream(args[++i].split(",")).map(Integer::parseInt).toList();
          case "--warmup" -> warmup = duration(args[++i]);
          case "--measure" -> measure = duration(args[++i]);
          case "--rate" -> rate = Double.parseDouble(args[++i]);
          case "--sessions" -> sessions = Long.parseLong(args[++i]);
          case "--revoke-pool" -> revokePool = Long.parseLong(args[++i]);
          case "--scale-sizes" -> scaleSizes = Arrays.stream(args[++i].split(",")).map(Long::parseLong).toList();
          case "--scale-active" -> scaleActive = Long.parseLong(args[++i]);
          case "--jvm-flags" -> jvmFlags = flags(args[++i]);
          case "--database-url" -> databaseUrl = args[++i];
          case "--out" -> out = Path.of(args[++i]);
          case "--smoke" -> smoke = true;
          case "--signouts" -> signouts = Integer.parseInt(args[++i]);
          case "--keycloak-dist" -> keycloakDist = Path.of(args[++i]);
          case "-h", "--help" -> throw new UsageException(USAGE);
          default -> {
            if (a.startsWith("-")) {
              throw new UsageException("unknown option " + a + "\n" + USAGE);
            }
            if (!GROUPS.contains(a) && !a.equals("ceiling") && !Scenarios.ALL.contains(a)) {
              throw new UsageException("unknown scenario " + a + "\n" + USAGE);
            }
            scenarios.add(a);
          }
        }
      }
      if (smoke) {
        connections = List.of(2);
        // Long enough that even an Argon2id sign-in completes inside the window on a loaded CI machine.
        warmup = Duration.ofMillis(500);
        measure = Duration.ofSeconds(2);
        sessions = 1_000;
        revokePool = 5_000;
        scaleSizes = List.of(1_000L);
        scaleActive = 100;
      }
      if (scenarios.isEmpty()) {
        scenarios = List.of("jmh", "http", "scale");
      }
      if ((scenarios.contains("postgres") || scenarios.contains("three-nodes")) && databaseUrl == null) {
        throw new UsageException("postgres and three-nodes need --database-url jdbc:postgresql://... (an empty "
            + "database; bin/test-postgres.sh from the PostgreSQL branch starts a throw-away one)");
      }
      return new Options(scenarios, connections, warmup, measure, rate, sessions, revokePool, scaleSizes,
          scaleActive, jvmFlags, databaseUrl, out, smoke, signouts, keycloakDist);
    }

    private static List<String> flags(String s) {
      return s == null || s.isBlank() ? List.of() : List.of(s.trim().split("\\s+"));
    }

    private static Duration duration(String s) {
      if (s.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
      }
      if (s.endsWith("s")) {
        return Duration.ofMillis((long) (Double.parseDouble(s.substring(0, s.length() - 1)) * 1000));
      }
      return Duration.parse(s);
    }
  }

  /** A bad command line: the message is the usage. */
  static final class UsageException extends RuntimeException {
    UsageException(String message) {
      super(message);
    }
  }

  private Bench() {}

  public static void main(String[] args) throws Exception {
    Options options;
    try {
      options = Options.parse(args);
    } catch (UsageException e) {
      System.err.println(e.getMessage());
      boolean asked = Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h");
      System.exit(asked ? 0 : 2);
      return;
    }
    Report report;
    try {
      report = run(options, System.err);
    } catch (RuntimeException e) {
      // A failed start (server, ceiling, fixture) is a message, not a stack trace; a database password stays out.
      System.err.println("bench: " + String.valueOf(e.getMessage()).replaceAll("password=[^&\\s]*", "password=***"));
      System.exit(1);
      return;
    }
    String markdown = report.markdown(String.join(" ", args));
    System.out.println(markdown);
    if (options.out() != null) {
      Files.createDirectories(options.out().toAbsolutePath().getParent());
      Files.writeString(options.out(), markdown);
      System.err.println("bench: report written to " + options.out());
    }
  }

  /** Runs the scenarios of {@code o}, logging progress to {@code log}. */
  static Report run(Options o, PrintStream log) throws RunnerException, InterruptedException, IOException {
    Report report = new Report(o);
    report.loadBefore = Report.loadAverage();
    Set<String> wanted = new LinkedHashSet<>(o.scenarios());
    if (wanted.contains("jmh")) {
      log.println("bench: JMH");
      runJmh(o, report);
    }
    List<String> http = new ArrayList<>();
    if (wanted.contains("http")) {
      http.addAll(Scenarios.ALL);
    }
    for (String s : Scenarios.ALL) {
      if (wanted.contains(s) && !http.contains(s)) {
        http.add(s);
      }
    }
    if (!http.isEmpty() || wanted.contains("ceiling")) {
      runHttp(o, http, report, log);
    }
    if (wanted.contains("scale")) {
      runScale(o, report, log);
    }
    if (wanted.contains("postgres") || wanted.contains("three-nodes")) {
      runPostgres(o, wanted.contains("three-nodes"), report, log);
    }
    if (wanted.contains("peers")) {
      log.println("bench: peers (Keycloak " + Keycloak.VERSION + ")");
      report.peers = Peers.run(o, log);
    }
    if (wanted.contains("check")) {
      log.println("bench: check (session check against the ceiling)");
      report.check = SessionCheckBench.run(o, log);
    }
    report.loadAfter = Report.loadAverage();
    return report;
  }

  private static void runHttp(Options o, List<String> scenarios, Report report, PrintStream log)
      throws InterruptedException {
    long total = o.sessions() + (scenarios.contains("revoke") ? o.revokePool() : 0);
    log.println("bench: starting a Latchkey server with " + total + " sessions");
    try (LatchkeyCluster cluster = new LatchkeyCluster(null, total, 1, o.jvmFlags())) {
      LoadDriver.Target target = cluster.targets().get(0);
      int replySize = cluster.post("/v1/sessions/authenticate", "{\"session_token\":\""
          + SessionFixture.token(cluster.seed, 0) + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
      report.replyBytes = replySize;
      log.println("bench: an authenticate reply is " + replySize + " bytes; starting the ceiling");
      try (JavaProcess ceiling = JavaProcess.start("ceiling", o.jvmFlags(), Ceiling.class.getName(),
          List.of("0", String.valueOf(replySize)), java.util.Map.of(),
          Pattern.compile("ceiling listening on (\\d+)"))) {
        LoadDriver.Target ct = new LoadDriver.Target("127.0.0.1", Integer.parseInt(ceiling.readyMatch()));
        Workload w = (c, s) -> Workload.post(ct.host(), ct.port(), "/authenticate", null, null,
            "{\"session_token\":\"" + SessionFixture.token(1, s) + "\"}");
        for (int n : o.connections()) {
          log.println("bench: ceiling, " + n + " connections");
          report.http.add(LoadDriver.run("ceiling", "bare Jetty", List.of(ct), List.of(ceiling.pid()), w,
              spec(o, n)));
        }
      }
      for (String name : scenarios) {
        Workload w = Scenarios.workload(name, cluster, target, o.sessions(), total);
        for (int n : o.connections()) {
          log.println("bench: " + name + ", " + n + " connections");
          report.http.add(LoadDriver.run(name, "SQLite, 1 node", cluster.targets(), cluster.pids(), w, spec(o, n)));
        }
      }
    }
  }

  private static void runScale(Options o, Report report, PrintStream log) throws InterruptedException {
    int connections = o.connections().stream().mapToInt(Integer::intValue).max().orElse(64);
    for (long size : o.scaleSizes()) {
      log.println("bench: scale, " + size + " sessions");
      try (LatchkeyCluster cluster = new LatchkeyCluster(null, size, 1, o.jvmFlags())) {
        Workload w = Scenarios.activeSet(cluster, cluster.targets().get(0), size, o.scaleActive());
        LoadResult r = LoadDriver.run("auth-token", size + " sessions", cluster.targets(), cluster.pids(), w,
            spec(o, connections));
        JavaProcess node = cluster.nodes().get(0);
        report.scale.add(new Report.ScaleRow(size, r, node.statusKib("VmRSS"), node.statusKib("VmHWM"),
            cluster.dataDirBytes()));
      }
    }
  }

  private static void runPostgres(Options o, boolean threeNodes, Report report, PrintStream log)
      throws InterruptedException {
    int nodes = threeNodes ? 3 : 1;
    log.println("bench: " + nodes + " node(s) on " + o.databaseUrl().replaceAll("password=[^&]*", "password=***"));
    try (LatchkeyCluster cluster = new LatchkeyCluster(o.databaseUrl(), o.sessions(), nodes, o.jvmFlags())) {
      Workload w = Scenarios.workload("auth-token", cluster, cluster.targets().get(0), o.sessions(), o.sessions());
      for (int n : o.connections()) {
        // One node: the others (if started) stay idle, so both figures come from the same database and fixture.
        report.http.add(LoadDriver.run("auth-token", "PostgreSQL, 1 node", cluster.targets().subList(0, 1),
            cluster.pids().subList(0, 1), w, spec(o, n)));
        if (threeNodes) {
          report.http.add(LoadDriver.run("auth-token", "PostgreSQL, 3 nodes", cluster.targets(), cluster.pids(), w,
              spec(o, n)));
        }
      }
    }
  }

  private static LoadDriver.Spec spec(Options o, int connections) {
    return new LoadDriver.Spec(connections, o.warmup(), o.measure(), o.rate());
  }

  private static void runJmh(Options o, Report report) throws RunnerException {
    record Run(String include, int threads, String label) {}
    List<Run> runs = List.of(
        new Run("JwtMintBenchmark", 1, null),
        new Run("JwtMintBenchmark", 2, " (2 threads)"),
        // The bare RS256 signature and the whole mint, per provider, on both cores: "the signing rate of the chosen
        // provider on two cores" an authenticate that mints is held to.
        new Run("RsaSigningProviderBenchmark", 2, " (2 threads)"),
        // One thread per provider at the same time: their ratio holds even when the machine is busy.
        new Run("RsaSigningSideBySideBenchmark", 2, null),
        new Run("JwtVerifyBenchmark", 1, null),
        new Run("BackendVerifyBenchmark", 1, null),
        new Run("TokenHashBenchmark", 1, null),
        new Run("SessionLookupBenchmark", 1, null),
        new Run("SessionAuthenticateBenchmark", 1, null),
        // Argon2id by password4j and by Bouncy Castle on both cores, in the server's default heap (-Xmx256m).
        new Run("PasswordHashBenchmark", 2, " (2 threads, 256 MiB heap)"));
    for (Run run : runs) {
      ChainedOptionsBuilder b = new OptionsBuilder().include("dev\\.latchkey\\.bench\\." + run.include() + "\\.")
          .threads(run.threads()).shouldFailOnError(true)
          // JMH's progress goes to stderr with the harness's own log: stdout carries only the Markdown report.
          .output("/dev/stderr");
      if (o.smoke()) {
        b.forks(0).warmupIterations(0).measurementIterations(1).measurementTime(TimeValue.milliseconds(200))
            .param("sessions", "200");
      } else {
        b.forks(1).warmupIterations(2).measurementIterations(3).warmupTime(TimeValue.seconds(2))
            .measurementTime(TimeValue.seconds(2));
      }
      if (run.include().equals("PasswordHashBenchmark")) {
        b.jvmArgsAppend("-Xmx256m");
      }
      if (run.include().equals("SessionLookupBenchmark") && o.databaseUrl() != null) {
        // The same lookup on PostgreSQL, next to SQLite; the fork finds the database through a system property.
        b.param("store", "sqlite", "postgresql").jvmArgsAppend("-Dlatchkey.bench.postgresUrl=" + o.databaseUrl());
        System.setProperty("latchkey.bench.postgresUrl", o.databaseUrl());  // for --smoke, which runs in-process
      }
      for (RunResult r : new Runner(b.build()).run()) {
        String store = r.getParams().getParam("store");
        String provider = r.getParams().getParam("provider") != null ? r.getParams().getParam("provider")
            : r.getParams().getParam("library");
        String name = r.getParams().getBenchmark().replace("dev.latchkey.bench.", "")
            + (provider == null ? "" : " [" + provider + "]") + (run.label() == null ? "" : run.label())
            + (o.databaseUrl() != null && store != null ? " (" + store + ")" : "");
        String mode = r.getParams().getMode().shortLabel();
        if (r.getParams().getBenchmark().endsWith("SideBySideBenchmark.sign")) {
          // A group: one row per member (jdk, accp), each on its own thread; the group total means nothing.
          r.getSecondaryResults().forEach((member, p) -> report.jmh.add(new Report.JmhRow(name + ":" + member, mode,
              1, p.getScore(), p.getScoreError(), p.getScoreUnit())));
          continue;
        }
        var p = r.getPrimaryResult();
        report.jmh.add(new Report.JmhRow(name, mode, run.threads(), p.getScore(), p.getScoreError(),
            p.getScoreUnit()));
      }
    }
  }
}
