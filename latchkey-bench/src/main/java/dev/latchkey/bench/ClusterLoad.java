package dev.latchkey.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small closed-loop load run against running Latchkey nodes (one, or several behind no balancer: requests go
 * round-robin over the URLs given). It signs up {@code --sessions} users with a password, then for
 * {@code --duration} each of {@code --threads} threads calls {@code POST /v1/sessions/authenticate} with a random
 * session token (one hash, one indexed read, one row update, one RS256 JWT minted per call) and prints throughput
 * and latency percentiles. This is the figure behind the sizing table in docs/deploy.md.
 *
 * <pre>
 * java -cp latchkey-bench/target/benchmarks.jar dev.latchkey.bench.ClusterLoad \
 *   --nodes http://127.0.0.1:8081,http://127.0.0.1:8082 --project-id project-test-... --secret ... \
 *   --threads 16 --duration 30s --sessions 200
 * </pre>
 */
public final class ClusterLoad {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
      .version(HttpClient.Version.HTTP_1_1).build();

  private ClusterLoad() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = options(args);
    List<String> nodes = Arrays.asList(required(opts, "--nodes").split(","));
    String auth = "Basic " + Base64.getEncoder().encodeToString((required(opts, "--project-id") + ":"
        + required(opts, "--secret")).getBytes(StandardCharsets.UTF_8));
    int threads = Integer.parseInt(opts.getOrDefault("--threads", "16"));
    int sessions = Integer.parseInt(opts.getOrDefault("--sessions", "200"));
    Duration duration = Duration.parse("PT" + opts.getOrDefault("--duration", "30s").toUpperCase());
    Duration warmup = Duration.parse("PT" + opts.getOrDefault("--warmup", "10s").toUpperCase());

    String run = UUID.randomUUID().toString().substring(0, 8);
    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < sessions; i++) {
      JsonNode r = post(nodes.get(i % nodes.size()), auth, "/v1/passwords", "{\"email\":\"load-" + run + "-" + i
          + "@example.com\",\"password\":\"correct horse battery staple\",\"session_duration_minutes\":600}");
      tokens.add(r.path("session_token").asText());
    }
    System.err.printf("%d sessions created over %d node(s); warming up for %s%n", sessions, nodes.size(), warmup);
    measure(nodes, auth, tokens, threads, warmup);
    Result result = measure(nodes, auth, tokens, threads, duration);
    System.out.printf("nodes=%d threads=%d duration=%s requests=%d errors=%d throughput=%.0f/s "
            + "p50=%.1fms p90=%.1fms p99=%.1fms%n", nodes.size(), threads, duration, result.latenciesNanos.length,
        result.errors, result.latenciesNanos.length / (duration.toMillis() / 1000.0), ms(result, 0.50),
        ms(result, 0.90), ms(result, 0.99));
  }

  private record Result(long[] latenciesNanos, long errors) {}

  private static Result measure(List<String> nodes, String auth, List<String> tokens, int threads, Duration d)
      throws InterruptedException {
    long end = System.nanoTime() + d.toNanos();
    AtomicLong errors = new AtomicLong();
    AtomicLong next = new AtomicLong();
    long[][] latencies = new long[threads][];
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int index = t;
      Thread w = new Thread(() -> {
        long[] lat = new long[1 << 12];
        int n = 0;
        while (System.nanoTime() < end && !Thread.currentThread().isInterrupted()) {
          String token = tokens.get(ThreadLocalRandom.current().nextInt(tokens.size()));
          String node = nodes.get((int) (next.getAndIncrement() % nodes.size()));
          long start = System.nanoTime();
          try {
            post(node, auth, "/v1/sessions/authenticate", "{\"session_token\":\"" + token + "\"}");
            if (n == lat.length) {
              lat = Arrays.copyOf(lat, n * 2);
            }
            lat[n++] = System.nanoTime() - start;
          } catch (IOException | RuntimeException e) {
            errors.incrementAndGet();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        latencies[index] = Arrays.copyOf(lat, n);
      }, "load-" + t);
      workers.add(w);
      w.start();
    }
    for (Thread w : workers) {
      w.join();
    }
    long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).sorted().toArray();
    return new Result(all, errors.get());
  }

  private static double ms(Result r, double quantile) {
    if (r.latenciesNanos.length == 0) {
      return Double.NaN;
    }
    int i = (int) Math.min(r.latenciesNanos.length - 1, Math.floor(quantile * r.latenciesNanos.length));
    return r.latenciesNanos[i] / 1e6;
  }

  private static JsonNode post(String node, String auth, String path, String body)
      throws IOException, InterruptedException {
    HttpRequest req = HttpRequest.newBuilder(URI.create(node + path)).timeout(Duration.ofSeconds(30))
        .header("Authorization", auth).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
    HttpResponse<String> r = HTTP.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    if (r.statusCode() != 200) {
      throw new IOException(path + " answered " + r.statusCode() + ": " + r.body());
    }
    return JSON.readTree(r.body());
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> opts = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      opts.put(args[i], args[i + 1]);
    }
    return opts;
  }

  private static String required(Map<String, String> opts, String name) {
    String v = opts.get(name);
    if (v == null) {
      throw new IllegalArgumentException("missing " + name + " (see the class comment for usage)");
    }
    return v;
  }
}
