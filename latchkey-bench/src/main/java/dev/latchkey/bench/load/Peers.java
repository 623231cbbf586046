package dev.latchkey.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.server.config.SettingsCatalog;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * {@code bin/bench peers}: Latchkey, Keycloak and the bare-Jetty ceiling side by side in one sitting, each workload
 * driven by wrk and by the own driver, the targets alternating. Every figure of the report is read against the others
 * of the same run: the machine is shared, and absolute numbers move with whatever else runs.
 *
 * <p>The equivalents: a session check is Latchkey's {@code sessions/authenticate} by token against Keycloak's token
 * introspection; a refresh that mints is an authenticate that extends the session (a new JWT) against the
 * refresh-token grant (new tokens); a sign-out is {@code sessions/revoke} against the OIDC logout endpoint; a password
 * sign-in is {@code passwords/authenticate} against the password grant, each at its product's default hashing.
 */
final class Peers {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Users with a password, on each side. */
  private static final int USERS = 16;
  /** Keycloak sessions whose tokens the check and refresh workloads use. */
  private static final int KEYCLOAK_SESSIONS = 64;

  /** One side of a workload: where the calls go and what they carry. */
  record Side(String name, LoadDriver.Target target, List<Long> pids, Wrk.Call call, List<String> bodies,
      int expectedStatus) {}

  /**
   * A workload compared, and its sides in the order they alternate. {@code inTurn}: the own driver sends the bodies
   * in turn, as wrk does, instead of at random (see the password sign-in).
   */
  record Comparison(String name, String description, List<Side> sides, boolean consumes, boolean inTurn) {}

  record Row(String workload, String driver, String side, LoadResult result) {}

  private Peers() {}

  static String run(Bench.Options o, PrintStream log) throws IOException, InterruptedException {
    if (!Wrk.available()) {
      throw new IllegalStateException("wrk is not installed (bin/bench peers installs Debian's wrk when it can: "
          + "apt-get install wrk)");
    }
    String loadBefore = Report.loadAverage();
    Path work = Path.of(System.getProperty("latchkey.bench.work", "latchkey-bench/target")).resolve("peers")
        .toAbsolutePath();
    Files.createDirectories(work);
    Path home = Keycloak.unpack(o.keycloakDist() != null ? o.keycloakDist() : Keycloak.defaultDist(), work);
    int checkSessions = o.smoke() ? 200 : (int) o.sessions();
    int signouts = o.smoke() ? 100 : o.signouts();
    int warmSignouts = o.smoke() ? 50 : Math.max(500, signouts / 3);
    int pool = warmSignouts + signouts * o.connections().size();

    log.println("peers: starting Latchkey on an empty database (start-up time)");
    long started = System.nanoTime();
    Duration latchkeyStartup;
    try (LatchkeyCluster empty = new LatchkeyCluster(null, 0, 1, o.jvmFlags())) {
      latchkeyStartup = Duration.ofNanos(System.nanoTime() - started);
      empty.targets();
    }
    log.println("peers: starting Latchkey with " + (checkSessions + pool) + " sessions, and the ceiling");
    List<Row> rows = new ArrayList<>();
    StringBuilder md = new StringBuilder();
    try (LatchkeyCluster lk = new LatchkeyCluster(null, checkSessions + pool, 1, o.jvmFlags())) {
      String firstToken = SessionFixture.token(lk.seed, 0);
      int replyBytes = lk.post("/v1/sessions/authenticate", "{\"session_token\":\"" + firstToken + "\"}")
          .getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
      try (JavaProcess ceiling = JavaProcess.start("ceiling", o.jvmFlags(), Ceiling.class.getName(),
          List.of("0", String.valueOf(replyBytes)), Map.of(), Pattern.compile("ceiling listening on (\\d+)"))) {
        log.println("peers: starting Keycloak " + Keycloak.VERSION + " (start-dev, fresh embedded database)");
        try (Keycloak kc = new Keycloak(home)) {
          log.println("peers: Keycloak ready after " + kc.startup.toMillis() + " ms; creating realms, users, sessions");
          kc.createRealm(Keycloak.REALM, USERS, null);
          kc.createRealm(Keycloak.SIGNOUT_REALM, USERS, "hashAlgorithm(pbkdf2-sha256) and hashIterations(1)");
          List<JsonNode> kcSessions = kc.signIn(Keycloak.REALM, USERS, KEYCLOAK_SESSIONS, 4);
          if (!kc.active(Keycloak.REALM, kcSessions.get(0).path("access_token").asText())) {
            throw new IllegalStateException("Keycloak does not call its own fresh access token active");
          }
          log.println("peers: " + pool + " Keycloak sessions for the sign-out workload");
          List<JsonNode> kcPool = kc.signIn(Keycloak.SIGNOUT_REALM, USERS, pool, 8);
          for (int i = 0; i < USERS; i++) {
            lk.post("/v1/passwords", "{\"email\":\"" + Keycloak.username(i) + "@example.com\",\"password\":\""
                + Keycloak.PASSWORD + "\",\"session_duration_minutes\":60}");
          }
          String kcHashing = kc.passwordHashing(Keycloak.REALM);
          Footprint idle = new Footprint(lk.nodes().get(0).statusKib("VmRSS"), kc.process().statusKib("VmRSS"));

          List<Comparison> workloads = workloads(o, lk, ceiling, kc, checkSessions, kcSessions, work);
          for (Comparison w : workloads) {
            if (w.consumes()) {
              runSignouts(o, w, lk, kcPool, checkSessions, warmSignouts, signouts, work, rows, log);
            } else {
              runRepeatable(o, w, work, rows, log);
            }
          }
          Footprint loaded = new Footprint(lk.nodes().get(0).statusKib("VmHWM"), kc.process().statusKib("VmHWM"));
          md.append(markdown(o, rows, workloads, latchkeyStartup, kc.startup, idle, loaded, kcHashing, replyBytes,
              loadBefore));
        }
      }
    }
    return md.toString();
  }

  record Footprint(long latchkeyKib, long keycloakKib) {}

  private static List<Comparison> workloads(Bench.Options o, LatchkeyCluster lk, JavaProcess ceiling, Keycloak kc,
      int checkSessions, List<JsonNode> kcSessions, Path work) {
    LoadDriver.Target lt = lk.targets().get(0);
    LoadDriver.Target ct = new LoadDriver.Target("127.0.0.1", Integer.parseInt(ceiling.readyMatch()));
    LoadDriver.Target kt = kc.target();
    String lkAuth = "Basic " + java.util.Base64.getEncoder().encodeToString((lk.projectId + ":" + lk.secret)
        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    String json = "application/json";
    String form = "application/x-www-form-urlencoded";
    List<String> checks = new ArrayList<>();
    List<String> extends_ = new ArrayList<>();
    for (int i = 0; i < checkSessions; i++) {
      String token = SessionFixture.token(lk.seed, i);
      checks.add("{\"session_token\":\"" + token + "\"}");
      extends_.add("{\"session_token\":\"" + token + "\",\"session_duration_minutes\":60}");
    }
    List<String> introspections = new ArrayList<>();
    List<String> refreshes = new ArrayList<>();
    for (JsonNode s : kcSessions) {
      introspections.add(Keycloak.form(Map.of("token", s.path("access_token").asText())));
      refreshes.add(Keycloak.form(Map.of("grant_type", "refresh_token", "refresh_token",
          s.path("refresh_token").asText())));
    }
    List<String> lkPasswords = new ArrayList<>();
    List<String> kcPasswords = new ArrayList<>();
    for (int i = 0; i < USERS; i++) {
      lkPasswords.add("{\"email\":\"" + Keycloak.username(i) + "@example.com\",\"password\":\"" + Keycloak.PASSWORD
          + "\",\"session_duration_minutes\":60}");
      kcPasswords.add(Keycloak.passwordGrant(i));
    }
    List<Long> lkPids = lk.pids();
    List<Long> cPids = List.of(ceiling.pid());
    List<Long> kPids = List.of(kc.process().pid());
    return List.of(
        new Comparison("session check", "Latchkey `POST /v1/sessions/authenticate {session_token}` (no extension; "
            + checkSessions + " sessions at random) · Keycloak `POST …/token/introspect` (" + KEYCLOAK_SESSIONS
            + " access tokens at random, client credentials in Basic) · ceiling: bare Jetty, a reply of Latchkey's "
            + "size", List.of(
                side("ceiling", ct, cPids, "/authenticate", json, null, checks, work, "check-ceiling"),
                side("Latchkey", lt, lkPids, "/v1/sessions/authenticate", json, lkAuth, checks, work, "check-lk"),
                side("Keycloak", kt, kPids, Keycloak.introspectPath(Keycloak.REALM), form,
                    kc.clientAuthorization(), introspections, work, "check-kc")), false, false),
        new Comparison("refresh that mints", "Latchkey `sessions/authenticate` with `session_duration_minutes: 60` "
            + "(extends the session, signs a new JWT, one durable write) · Keycloak refresh-token grant (new access, "
            + "refresh and ID tokens)", List.of(
                side("Latchkey", lt, lkPids, "/v1/sessions/authenticate", json, lkAuth, extends_, work, "mint-lk"),
                side("Keycloak", kt, kPids, Keycloak.tokenPath(Keycloak.REALM), form, kc.clientAuthorization(),
                    refreshes, work, "mint-kc")), false, false),
        // Users in turn: an attempt counts toward its account's lockout while it runs (so simultaneous guesses cannot
        // pass it), and picked at random, 64 connections over 16 users put 11 or more on one account at once now and
        // then, which Latchkey refuses with 429 by design (LATCHKEY_LOCKOUT_THRESHOLD, 10).
        new Comparison("password sign-in", "Latchkey `POST /v1/passwords/authenticate` · Keycloak password grant; "
            + USERS + " users each, in turn, each product's default password hashing (below)", List.of(
                side("Latchkey", lt, lkPids, "/v1/passwords/authenticate", json, lkAuth, lkPasswords, work, "pw-lk"),
                side("Keycloak", kt, kPids, Keycloak.tokenPath(Keycloak.REALM), form, kc.clientAuthorization(),
                    kcPasswords, work, "pw-kc")), false, true),
        new Comparison("sign-out", "Latchkey `POST /v1/sessions/revoke {session_token}` · Keycloak OIDC logout "
            + "(`POST …/logout` with the refresh token); each call ends a different session, wrk only",
            List.of(side("Latchkey", lt, lkPids, "/v1/sessions/revoke", json, lkAuth, List.of(), work, "out-lk"),
                side("Keycloak", kt, kPids, Keycloak.logoutPath(Keycloak.SIGNOUT_REALM), form,
                    kc.clientAuthorization(), List.of(), work, "out-kc")), true, false));
  }

  private static Side side(String name, LoadDriver.Target t, List<Long> pids, String path, String contentType,
      String authorization, List<String> bodies, Path work, String file) {
    Path bodyFile = bodies.isEmpty() ? null : Wrk.bodies(work, file, bodies);
    return new Side(name, t, pids, new Wrk.Call(path, contentType, authorization, bodyFile, Wrk.Mode.CYCLE), bodies,
        name.equals("Keycloak") && path.endsWith("/logout") ? 204 : 200);
  }

  /** Warms every side with wrk, then per connection count: each side by wrk, then each side by the own driver. */
  private static void runRepeatable(Bench.Options o, Comparison w, Path work, List<Row> rows, PrintStream log)
      throws InterruptedException {
    for (Side s : w.sides()) {
      log.println("peers: " + w.name() + ", warming " + s.name());
      Wrk.run(w.name(), s.name(), s.target().host(), s.target().port(), s.pids(), s.call(), 16, o.warmup(), work);
    }
    for (int n : o.connections()) {
      for (Side s : w.sides()) {
        log.println("peers: " + w.name() + ", " + s.name() + ", " + n + " connections, wrk");
        rows.add(new Row(w.name(), "wrk", s.name(), Wrk.run(w.name(), s.name(), s.target().host(),
            s.target().port(), s.pids(), s.call(), n, o.measure(), work)));
      }
      for (Side s : w.sides()) {
        log.println("peers: " + w.name() + ", " + s.name() + ", " + n + " connections, own driver");
        List<byte[]> requests = s.bodies().stream().map(b -> Workload.postWith(
            s.target().host(), s.target().port(), s.call().path(), s.call().contentType(), s.call().authorization(),
            b)).toList();
        int expected = s.expectedStatus();
        AtomicLong turns = new AtomicLong();
        Workload load = new Workload() {
          @Override
          public byte[] request(int connection, long sequence) {
            int i = w.inTurn() ? (int) (turns.getAndIncrement() % requests.size())
                : ThreadLocalRandom.current().nextInt(requests.size());
            return requests.get(i);
          }

          @Override
          public int expectedStatus() {
            return expected;
          }
        };
        rows.add(new Row(w.name(), "own", s.name(), LoadDriver.run(w.name(), s.name(), List.of(s.target()),
            s.pids(), load, new LoadDriver.Spec(n, Duration.ofSeconds(2), o.measure(), 0))));
      }
    }
  }

  /**
   * Sign-outs consume a session each: the pool is split into a warm-up share and one share per connection count, and
   * each wrk run ends when its share is used (its rate is the calls over the time they took).
   */
  private static void runSignouts(Bench.Options o, Comparison w, LatchkeyCluster lk, List<JsonNode> kcPool,
      int firstPoolSession, int warm, int perRun, Path work, List<Row> rows, PrintStream log)
      throws InterruptedException {
    Side lkSide = w.sides().get(0);
    Side kcSide = w.sides().get(1);
    Duration cap = Duration.ofSeconds(o.smoke() ? 30 : 120);
    int from = 0;
    List<Integer> shares = new ArrayList<>();
    shares.add(warm);
    for (int i = 0; i < o.connections().size(); i++) {
      shares.add(perRun);
    }
    for (int run = 0; run < shares.size(); run++) {
      int count = shares.get(run);
      List<String> lkBodies = new ArrayList<>();
      List<String> kcBodies = new ArrayList<>();
      for (int i = from; i < from + count; i++) {
        lkBodies.add("{\"session_token\":\"" + SessionFixture.token(lk.seed, firstPoolSession + i) + "\"}");
        kcBodies.add(Keycloak.form(Map.of("refresh_token", kcPool.get(i).path("refresh_token").asText())));
      }
      from += count;
      int n = run == 0 ? 16 : o.connections().get(run - 1);
      for (Side s : List.of(lkSide, kcSide)) {
        Path file = Wrk.bodies(work, "out-" + s.name() + "-" + run, s == lkSide ? lkBodies : kcBodies);
        Wrk.Call call = new Wrk.Call(s.call().path(), s.call().contentType(), s.call().authorization(), file,
            Wrk.Mode.CONSUME);
        log.println("peers: sign-out, " + s.name() + ", " + (run == 0 ? "warming" : n + " connections") + ", "
            + count + " sessions");
        LoadResult r = Wrk.run(w.name(), s.name(), s.target().host(), s.target().port(), s.pids(), call, n, cap,
            work);
        if (run > 0) {
          rows.add(new Row(w.name(), "wrk", s.name(), r));
        }
      }
    }
  }

  private static String markdown(Bench.Options o, List<Row> rows, List<Comparison> workloads, Duration lkStartup,
      Duration kcStartup, Footprint idle, Footprint loaded, String kcHashing, int replyBytes, String loadBefore) {
    StringBuilder md = new StringBuilder();
    md.append("\n### Keycloak side by side (`bin/bench peers`, ").append(Instant.now().truncatedTo(ChronoUnit.SECONDS))
        .append(")\n\n");
    md.append("Load average (1/5/15 min) before: ").append(loadBefore).append("; after: ").append(Report.loadAverage())
        .append(". Keycloak ").append(Keycloak.VERSION).append(" (`org.keycloak:keycloak-quarkus-dist` from Maven "
            + "Central; `kc.sh start-dev`: development mode, embedded H2, its default JVM options, `-Xmx512m`); "
            + "Latchkey on the embedded SQLite store with the JVM flags `")
        .append(String.join(" ", o.jvmFlags())).append("`; the ceiling (bare Jetty 12, a ").append(replyBytes)
        .append("-byte reply) with the same flags. wrk: ").append(Wrk.THREADS).append(" threads, keep-alive, closed "
            + "loop, measured ").append(o.measure().toSeconds()).append(" s after a ").append(o.warmup().toSeconds())
        .append(" s warm-up of every side; own driver: closed loop, coordinated-omission corrected, 2 s warm-up, ")
        .append(o.measure().toSeconds()).append(" s measured. Sides alternate: for each connection count, every "
            + "side by wrk, then every side by the own driver.\n\n");
    Optional<Row> lkPw = rows.stream().filter(r -> r.workload().equals("password sign-in")).findFirst();
    long lkMemory = Long.parseLong(SettingsCatalog.ARGON2_MEMORY_KIB.documentedDefault());
    long lkPasses = Long.parseLong(SettingsCatalog.ARGON2_ITERATIONS.documentedDefault());
    long[] kcCost = keycloakCost(kcHashing);
    md.append("| | Latchkey | Keycloak |\n| --- | --- | --- |\n");
    md.append(String.format(Locale.ROOT, "| start-up to ready (empty database) | %.1f s | %.1f s |%n",
        lkStartup.toMillis() / 1000.0, kcStartup.toMillis() / 1000.0));
    md.append(String.format(Locale.ROOT, "| RSS after set-up, idle | %d MiB | %d MiB |%n", idle.latchkeyKib() / 1024,
        idle.keycloakKib() / 1024));
    md.append(String.format(Locale.ROOT, "| RSS peak over the run (VmHWM) | %d MiB | %d MiB |%n",
        loaded.latchkeyKib() / 1024, loaded.keycloakKib() / 1024));
    md.append("| password hashing (default) | Argon2id, m=").append(lkMemory).append(" KiB, t=").append(lkPasses)
        .append(", p=").append(SettingsCatalog.ARGON2_PARALLELISM.documentedDefault()).append(" | `")
        .append(kcHashing.replace('`', '\'')).append("` |\n");
    for (Comparison w : workloads) {
      md.append("\n#### ").append(w.name()).append("\n\n").append(w.description()).append(".\n\n")
          .append(RESULT_HEADER);
      for (Row r : rows) {
        if (!r.workload().equals(w.name())) {
          continue;
        }
        md.append(resultRow(r.driver(), r.side(), r.result()));
      }
    }
    md.append("\n#### Ratios (same run)\n\n| Workload | Driver | Conns | Latchkey ÷ Keycloak, req/s "
        + "| Latchkey p99 ÷ Keycloak p99 | Latchkey ÷ ceiling, req/s | Latchkey p99 ÷ ceiling p99 |\n"
        + "| --- | --- | --- | --- | --- | --- | --- |\n");
    for (Comparison w : workloads) {
      for (String driver : List.of("wrk", "own")) {
        for (int n : o.connections()) {
          Optional<LoadResult> l = find(rows, w.name(), driver, "Latchkey", n);
          Optional<LoadResult> k = find(rows, w.name(), driver, "Keycloak", n);
          Optional<LoadResult> c = find(rows, w.name(), driver, "ceiling", n);
          if (l.isEmpty() || k.isEmpty()) {
            continue;
          }
          md.append(String.format(Locale.ROOT, "| %s | %s | %d | %s | %s | %s | %s |%n", w.name(), driver, n,
              ratio(l.get().throughput(), k.get().throughput()), ratio(l.get().p99Micros(), k.get().p99Micros()),
              c.map(x -> ratio(l.get().throughput(), x.throughput())).orElse("—"),
              c.map(x -> ratio(l.get().p99Micros(), x.p99Micros())).orElse("—")));
        }
      }
    }
    if (lkPw.isPresent() && kcCost != null) {
      md.append(String.format(Locale.ROOT, "%nPassword hashing work per sign-in (memory × passes): Latchkey %,d "
          + "KiB·passes, Keycloak %,d KiB·passes (%.2f×). Sign-ins per second per unit of that work, Latchkey ÷ "
          + "Keycloak, by the same driver and connections: ", lkMemory * lkPasses, kcCost[0] * kcCost[1],
          (double) (lkMemory * lkPasses) / (kcCost[0] * kcCost[1])));
      List<String> parts = new ArrayList<>();
      for (String driver : List.of("wrk", "own")) {
        for (int n : o.connections()) {
          Optional<LoadResult> l = find(rows, "password sign-in", driver, "Latchkey", n);
          Optional<LoadResult> k = find(rows, "password sign-in", driver, "Keycloak", n);
          if (l.isPresent() && k.isPresent() && k.get().throughput() > 0) {
            parts.add(String.format(Locale.ROOT, "%s @%d %.2f×", driver, n, l.get().throughput() * lkMemory
                * lkPasses / (k.get().throughput() * kcCost[0] * kcCost[1])));
          }
        }
      }
      md.append(String.join(", ", parts)).append(".\n");
    }
    rows.stream().filter(r -> r.result().firstError() != null).forEach(r -> md.append("\nErrors in `")
        .append(r.workload()).append("`, ").append(r.side()).append(", ").append(r.driver()).append(" @")
        .append(r.result().connections()).append(": `").append(r.result().firstError().replace('`', '\'')
            .replace('\n', ' ')).append("`\n"));
    return md.toString();
  }

  /** The header of the tables {@link #resultRow} fills. */
  static final String RESULT_HEADER = "| Driver | Conns | Side | req/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms "
      + "| errors | server CPU | CPU µs/call |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n";

  /** One measured run as a row of a {@link #RESULT_HEADER} table: latencies in ms, CPU per call from the server's. */
  static String resultRow(String driver, String side, LoadResult x) {
    double cpuPerCall = x.throughput() <= 0 ? Double.NaN : x.serverCpuPercent() / 100.0 * 1e6 / x.throughput();
    return String.format(Locale.ROOT, "| %s | %d | %s | %,.0f | %.2f | %.2f | %.2f | %.2f | %.2f | %d | %s | %s |%n",
        driver, x.connections(), side, x.throughput(), x.p50Micros() / 1000, x.p90Micros() / 1000,
        x.p99Micros() / 1000, x.p999Micros() / 1000, x.maxMicros() / 1000, x.errors(),
        Double.isNaN(x.serverCpuPercent()) ? "—" : String.format(Locale.ROOT, "%.0f%%", x.serverCpuPercent()),
        Double.isNaN(cpuPerCall) ? "—" : String.format(Locale.ROOT, "%.0f", cpuPerCall));
  }

  /** Memory (KiB) and passes of Keycloak's stored Argon2 credential; null when it is not Argon2. */
  static long[] keycloakCost(String credentialData) {
    try {
      JsonNode d = JSON.readTree(credentialData);
      if (!d.path("algorithm").asText().startsWith("argon2")) {
        return null;
      }
      long memory = Long.parseLong(d.path("additionalParameters").path("memory").path(0).asText("0"));
      long passes = d.path("hashIterations").asLong(0);
      return memory > 0 && passes > 0 ? new long[] {memory, passes} : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static Optional<LoadResult> find(List<Row> rows, String workload, String driver, String side, int n) {
    return rows.stream().filter(r -> r.workload().equals(workload) && r.driver().equals(driver)
        && r.side().equals(side) && r.result().connections() == n).map(Row::result).findFirst();
  }

  static String ratio(double a, double b) {
    return b <= 0 ? "—" : String.format(Locale.ROOT, "%.2f×", a / b);
  }
}
