package dev.latchkey.bench.load;

import dev.latchkey.backend.LatchkeyBackend;
import dev.latchkey.backend.LatchkeyException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * Issue 17's two targets for session events, measured against real server processes:
 *
 * <pre>
 * java -cp latchkey-bench/target/benchmarks.jar dev.latchkey.bench.load.SessionEventsBench \
 *     revocation --database-url jdbc:postgresql://... [--revocations 1000]
 * java -cp latchkey-bench/target/benchmarks.jar dev.latchkey.bench.load.SessionEventsBench \
 *     subscriptions [--subscribers 10000] [--deliveries 200] [--heap 256m]
 * </pre>
 *
 * {@code revocation}: two nodes on one PostgreSQL; a backend SDK ({@code revocationStream(true)}) in its own JVM
 * attached to node B; each round signs a user up on node A, checks the JWT locally, revokes it on node A and polls
 * local verification until it refuses: the time from sending the revoke to the refusal.
 *
 * <p>{@code subscriptions}: one node (SQLite); N sessions bulk-loaded; N concurrent {@code /sdk/v1/sessions/events}
 * streams, one per session, each on a virtual thread over its own socket; then the server's RSS; then revokes
 * sessions one at a time through the backend API and times until that session's stream (and only it) gets
 * {@code session.revoked}.
 */
public final class SessionEventsBench {
  private SessionEventsBench() {}

  public static void main(String[] args) throws Exception {
    String mode = args.length > 0 ? args[0] : "";
    Map<String, String> opts = new java.util.HashMap<>();
    for (int i = 1; i + 1 < args.length; i += 2) {
      opts.put(args[i], args[i + 1]);
    }
    switch (mode) {
      case "revocation" -> revocation(opts.get("--database-url"),
          Integer.parseInt(opts.getOrDefault("--revocations", "1000")));
      case "revocation-probe" -> probe(URI.create(args[1]), URI.create(args[2]), args[3], args[4],
          Integer.parseInt(args[5]), Long.parseLong(args[6]));
      // The server gets the heap bin/latchkey gives it (-Xmx256m) unless --heap says otherwise.
      case "subscriptions" -> subscriptions(Integer.parseInt(opts.getOrDefault("--subscribers", "10000")),
          Integer.parseInt(opts.getOrDefault("--deliveries", "200")), opts.getOrDefault("--heap", "256m"));
      default -> {
        System.err.println("usage: SessionEventsBench revocation --database-url <jdbc:postgresql:...> "
            + "[--revocations 1000] | subscriptions [--subscribers 10000] [--deliveries 200] [--heap 256m]");
        System.exit(2);
      }
    }
  }

  private static void revocation(String databaseUrl, int rounds) throws Exception {
    if (databaseUrl == null) {
      throw new IllegalArgumentException("revocation needs --database-url jdbc:postgresql://...");
    }
    try (LatchkeyCluster cluster = new LatchkeyCluster(databaseUrl, rounds + 20, 2, List.of("-Xmx512m"))) {
      // The backend SDK runs in a third JVM, attached to node B; it drives node A itself and reports the figures.
      try (JavaProcess probe = JavaProcess.start("backend-sdk", List.of("-Xmx256m"),
          SessionEventsBench.class.getName(), List.of("revocation-probe", cluster.url(0).toString(),
              cluster.url(1).toString(), cluster.projectId, cluster.secret, String.valueOf(rounds),
              String.valueOf(cluster.seed)), Map.of(), Pattern.compile("^(started)$"))) {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(30);
        while (System.nanoTime() < deadline) {
          for (String line : probe.output().split("\n")) {
            if (line.startsWith("done") || line.startsWith("Exception")) {
              System.out.println(line);
              return;
            }
          }
          Thread.sleep(500);
        }
        System.out.println("the probe did not finish:\n" + probe.output());
      }
    }
  }

  /** In the SDK's own JVM: {@code rounds} sign-up, local check, revoke on A, poll until refused (SDK on B). */
  private static void probe(URI nodeA, URI nodeB, String projectId, String secret, int rounds, long seed)
      throws Exception {
    System.out.println("started");
    HttpClient http = HttpClient.newHttpClient();
    String auth = "Basic " + Base64.getEncoder().encodeToString((projectId + ":" + secret)
        .getBytes(StandardCharsets.UTF_8));
    List<Long> micros = new ArrayList<>();
    try (LatchkeyBackend backend = LatchkeyBackend.builder().baseUrl(nodeB).projectId(projectId).secret(secret)
        .revocationStream(true).build()) {
      for (int i = 0; i < rounds + 20; i++) {
        String token = SessionFixture.token(seed, i);
        String jwt = LatchkeyCluster.field(post(http, nodeA, auth, "/v1/sessions/authenticate",
            "{\"session_token\":\"" + token + "\"}"), "session_jwt");
        backend.sessions().authenticateJwtLocal(jwt);
        long t0 = System.nanoTime();
        post(http, nodeA, auth, "/v1/sessions/revoke", "{\"session_token\":\"" + token + "\"}");
        while (true) {
          try {
            backend.sessions().authenticateJwtLocal(jwt);
          } catch (LatchkeyException e) {
            if (e.reason() != LatchkeyException.Reason.REVOKED) {
              throw e;
            }
            break;
          }
          Thread.onSpinWait();
        }
        if (i >= 20) { // the first 20 warm up both JVMs
          micros.add((System.nanoTime() - t0) / 1000);
        }
      }
    }
    System.out.println("done " + summary(micros, "revocations"));
  }

  private static String post(HttpClient http, URI base, String auth, String path, String json) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve(path)).header("Authorization", auth)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + r.body());
    }
    return r.body();
  }

  private static void subscriptions(int subscribers, int deliveries, String heap) throws Exception {
    try (LatchkeyCluster cluster = new LatchkeyCluster(null, subscribers, 1, List.of("-Xmx" + heap))) {
      JavaProcess node = cluster.nodes().get(0);
      URI url = cluster.url(0);
      long rssBefore = node.statusKib("VmRSS");
      Map<Integer, Long> revokedAt = new ConcurrentHashMap<>();
      List<Long> micros = Collections.synchronizedList(new ArrayList<>());
      AtomicInteger wrong = new AtomicInteger();
      AtomicInteger failed = new AtomicInteger();
      java.util.Set<Integer> openIndices = ConcurrentHashMap.newKeySet();
      CountDownLatch open = new CountDownLatch(subscribers);
      CountDownLatch delivered = new CountDownLatch(deliveries);
      List<Socket> sockets = Collections.synchronizedList(new ArrayList<>());
      for (int i = 0; i < subscribers; i++) {
        int index = i;
        Thread.ofVirtual().start(() -> {
          try {
            Socket s = connect(url);
            sockets.add(s);
            String credentials = Base64.getEncoder().encodeToString((cluster.publicToken + ":"
                + SessionFixture.token(cluster.seed, index)).getBytes(StandardCharsets.UTF_8));
            OutputStream out = s.getOutputStream();
            out.write(("GET /sdk/v1/sessions/events HTTP/1.1\r\nHost: " + url.getHost() + "\r\nAuthorization: Basic "
                + credentials + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            boolean counted = false;
            for (String line; (line = in.readLine()) != null; ) {
              if (!counted && line.contains("subscribed")) {
                counted = true;
                openIndices.add(index);
                open.countDown();
              }
              if (line.equals("event: session.revoked")) {
                Long t0 = revokedAt.get(index);
                if (t0 == null) {
                  wrong.incrementAndGet();
                } else {
                  micros.add((System.nanoTime() - t0) / 1000);
                  delivered.countDown();
                }
                break;
              }
            }
          } catch (IOException e) {
            if (failed.incrementAndGet() == 1) {
              System.err.println("first failed stream: " + e);
            }
            if (!openIndices.contains(index)) {
              open.countDown(); // resolved, as a failure: the wait below need not wait it out
            }
          }
        });
        if (i % 250 == 249) {
          Thread.sleep(250); // opening in waves keeps the accept queue from overflowing
        }
      }
      open.await(5, TimeUnit.MINUTES);
      long opened = openIndices.size();
      Thread.sleep(2000);
      long rssOpen = node.statusKib("VmRSS");
      HttpClient http = HttpClient.newHttpClient();
      String auth = "Basic " + Base64.getEncoder().encodeToString((cluster.projectId + ":" + cluster.secret)
          .getBytes(StandardCharsets.UTF_8));
      java.util.Random random = new java.util.Random(1);
      java.util.Set<Integer> chosen = new java.util.LinkedHashSet<>();
      List<Integer> candidates = new ArrayList<>(openIndices);
      Collections.sort(candidates);
      while (chosen.size() < Math.min(deliveries, candidates.size())) {
        chosen.add(candidates.get(random.nextInt(candidates.size())));
      }
      for (int index : chosen) {
        revokedAt.put(index, System.nanoTime());
        post(http, url, auth, "/v1/sessions/revoke", "{\"session_token\":\""
            + SessionFixture.token(cluster.seed, index) + "\"}");
        Thread.sleep(20);
      }
      boolean all = delivered.await(2, TimeUnit.MINUTES);
      long rssPeak = node.statusKib("VmHWM");
      System.out.println("subscribers " + opened + " open of " + subscribers + " (" + failed.get()
          + " connections failed): server RSS " + rssBefore / 1024 + " MiB before, "
          + rssOpen / 1024 + " MiB with all open, peak " + rssPeak / 1024 + " MiB; " + summary(micros, "deliveries")
          + (all ? "" : " (NOT all delivered: " + delivered.getCount() + " missing)") + "; deliveries to a stream "
          + "whose session was not revoked: " + wrong.get());
      for (Socket s : sockets) {
        s.close();
      }
    }
  }

  /** A socket to {@code url}, retried a few times when the accept queue is full. */
  private static Socket connect(URI url) throws IOException {
    IOException last = null;
    for (int attempt = 0; attempt < 50; attempt++) {
      try {
        return new Socket(url.getHost(), url.getPort());
      } catch (IOException e) {
        last = e;
        try {
          Thread.sleep(200);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
    throw last;
  }

  private static String summary(List<Long> micros, String what) {
    List<Long> sorted = new ArrayList<>(micros);
    Collections.sort(sorted);
    if (sorted.isEmpty()) {
      return "no " + what;
    }
    return sorted.size() + " " + what + ": p50 " + ms(sorted, 0.50) + " ms, p99 " + ms(sorted, 0.99) + " ms, max "
        + String.format("%.1f", sorted.get(sorted.size() - 1) / 1000.0) + " ms";
  }

  private static String ms(List<Long> sorted, double q) {
    int i = (int) Math.min(sorted.size() - 1, Math.ceil(q * sorted.size()) - 1);
    return String.format("%.1f", sorted.get(Math.max(0, i)) / 1000.0);
  }
}
