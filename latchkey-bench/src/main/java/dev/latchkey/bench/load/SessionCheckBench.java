package dev.latchkey.bench.load;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * {@code bin/bench check}: the session check the performance issue holds to its targets, without Keycloak. Latchkey's
 * {@code POST /v1/sessions/authenticate {session_token}} (no extension, {@code --sessions} sessions at random) and the
 * bare-Jetty ceiling with a reply of the same size, alternating in one run: for each connection count, both by wrk
 * (closed loop), then both by the own driver in open loop at 50% and 80% of the rate wrk measured for Latchkey at
 * that count. So every ratio (throughput and p99 against the ceiling) comes from one sitting.
 */
final class SessionCheckBench {
  private SessionCheckBench() {}

  /** One measured run: which driver, at which load, on which side. */
  record Row(String driver, String side, LoadResult result) {}

  static String run(Bench.Options o, PrintStream log) throws InterruptedException {
    if (!Wrk.available()) {
      throw new IllegalStateException("wrk is not installed (bin/bench installs Debian's wrk when it can: "
          + "apt-get install wrk)");
    }
    String loadBefore = Report.loadAverage();
    Path work = Path.of(System.getProperty("latchkey.bench.work", "latchkey-bench/target")).resolve("check")
        .toAbsolutePath();
    try {
      Files.createDirectories(work);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    int sessions = (int) o.sessions();
    List<Row> rows = new ArrayList<>();
    int replyBytes;
    log.println("check: starting Latchkey with " + sessions + " sessions, and the ceiling");
    try (LatchkeyCluster lk = new LatchkeyCluster(null, sessions, 1, o.jvmFlags())) {
      replyBytes = lk.post("/v1/sessions/authenticate", "{\"session_token\":\"" + SessionFixture.token(lk.seed, 0)
          + "\"}").getBytes(StandardCharsets.UTF_8).length;
      List<String> bodies = new ArrayList<>(sessions);
      for (int i = 0; i < sessions; i++) {
        bodies.add("{\"session_token\":\"" + SessionFixture.token(lk.seed, i) + "\"}");
      }
      Path bodyFile = Wrk.bodies(work, "check", bodies);
      String auth = "Basic " + Base64.getEncoder().encodeToString((lk.projectId + ":" + lk.secret)
          .getBytes(StandardCharsets.UTF_8));
      try (JavaProcess ceiling = JavaProcess.start("ceiling", o.jvmFlags(), Ceiling.class.getName(),
          List.of("0", String.valueOf(replyBytes)), Map.of(), Pattern.compile("ceiling listening on (\\d+)"))) {
        List<Side> sides = List.of(
            new Side("ceiling", new LoadDriver.Target("127.0.0.1", Integer.parseInt(ceiling.readyMatch())),
                List.of(ceiling.pid()), new Wrk.Call("/authenticate", "application/json", null, bodyFile,
                    Wrk.Mode.CYCLE)),
            new Side("Latchkey", lk.targets().get(0), lk.pids(), new Wrk.Call("/v1/sessions/authenticate",
                "application/json", auth, bodyFile, Wrk.Mode.CYCLE)));
        for (Side s : sides) {
          log.println("check: warming " + s.name() + " (wrk, " + o.warmup().toSeconds() + " s)");
          Wrk.run("session check", s.name(), s.target().host(), s.target().port(), s.pids(), s.call(), 16,
              o.warmup(), work);
        }
        for (int n : o.connections()) {
          for (Side s : sides) {
            log.println("check: " + s.name() + ", " + n + " connections, wrk");
            rows.add(new Row("wrk", s.name(), Wrk.run("session check", s.name(), s.target().host(),
                s.target().port(), s.pids(), s.call(), n, o.measure(), work)));
          }
          double max = find(rows, "wrk", "Latchkey", n).map(LoadResult::throughput).orElse(0.0);
          for (double share : List.of(0.5, 0.8)) {
            double rate = Math.max(1, Math.floor(max * share));
            String driver = String.format(Locale.ROOT, "own, open loop at %.0f%% (%,.0f/s)", share * 100, rate);
            for (Side s : sides) {
              log.println("check: " + s.name() + ", " + n + " connections, " + driver);
              List<byte[]> requests = bodies.stream().map(b -> Workload.postWith(s.target().host(),
                  s.target().port(), s.call().path(), s.call().contentType(), s.call().authorization(), b))
                  .toList();
              Workload w = (c, seq) -> requests.get(ThreadLocalRandom.current().nextInt(requests.size()));
              rows.add(new Row(driver, s.name(), LoadDriver.run("session check", s.name(), List.of(s.target()),
                  s.pids(), w, new LoadDriver.Spec(n, Duration.ofSeconds(2), o.measure(), rate))));
            }
          }
        }
      }
    }
    return markdown(o, rows, sessions, replyBytes, loadBefore);
  }

  private record Side(String name, LoadDriver.Target target, List<Long> pids, Wrk.Call call) {}

  private static String markdown(Bench.Options o, List<Row> rows, int sessions, int replyBytes, String loadBefore) {
    StringBuilder md = new StringBuilder();
    md.append("\n### Session check against the ceiling (`bin/bench check`, ")
        .append(Instant.now().truncatedTo(ChronoUnit.SECONDS)).append(")\n\n")
        .append("Load average (1/5/15 min) before: ").append(loadBefore).append("; after: ")
        .append(Report.loadAverage()).append(". Latchkey `POST /v1/sessions/authenticate {session_token}` (no "
            + "extension; ").append(sessions).append(" sessions at random, embedded SQLite store) and the ceiling "
            + "(bare Jetty 12, a ").append(replyBytes).append("-byte reply), JVM flags `")
        .append(String.join(" ", o.jvmFlags())).append("`. wrk: ").append(Wrk.THREADS).append(" threads, "
            + "keep-alive, closed loop, ").append(o.measure().toSeconds()).append(" s measured after a ")
        .append(o.warmup().toSeconds()).append(" s warm-up of each side; own driver: open loop at 50% and 80% of "
            + "Latchkey's wrk rate at the same connections, coordinated-omission corrected, 2 s warm-up.\n\n")
        .append(Peers.RESULT_HEADER);
    for (Row r : rows) {
      md.append(Peers.resultRow(r.driver(), r.side(), r.result()));
    }
    md.append("\n| Driver | Conns | Latchkey ÷ ceiling, req/s | Latchkey p99 ÷ ceiling p99 |\n| --- | --- | --- | --- "
        + "|\n");
    for (int n : o.connections()) {
      for (String driver : rows.stream().filter(r -> r.result().connections() == n).map(Row::driver).distinct()
          .toList()) {
        Optional<LoadResult> l = find(rows, driver, "Latchkey", n);
        Optional<LoadResult> c = find(rows, driver, "ceiling", n);
        if (l.isPresent() && c.isPresent()) {
          md.append(String.format(Locale.ROOT, "| %s | %d | %s | %s |%n", driver, n,
              Peers.ratio(l.get().throughput(), c.get().throughput()),
              Peers.ratio(l.get().p99Micros(), c.get().p99Micros())));
        }
      }
    }
    rows.stream().filter(r -> r.result().firstError() != null).forEach(r -> md.append("\nErrors, ").append(r.side())
        .append(", ").append(r.driver()).append(" @").append(r.result().connections()).append(": `")
        .append(r.result().firstError().replace('`', '\'').replace('\n', ' ')).append("`\n"));
    return md.toString();
  }

  private static Optional<LoadResult> find(List<Row> rows, String driver, String side, int n) {
    return rows.stream().filter(r -> r.driver().equals(driver) && r.side().equals(side)
        && r.result().connections() == n).map(Row::result).findFirst();
  }

}
