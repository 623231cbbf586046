package dev.latchkey.bench.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One or more real Latchkey server processes ({@code dev.latchkey.server.Main serve}, exactly what
 * {@code bin/latchkey serve} runs) over one database: a temporary SQLite file by default, or a JDBC URL (PostgreSQL,
 * for the multi-node scenario). Session fixtures are bulk-loaded before the first node starts. Argon2 runs at the
 * server's configured defaults: no LATCHKEY_ARGON2_* setting is passed.
 */
final class LatchkeyCluster implements AutoCloseable {
  private static final Pattern READY = Pattern.compile("Latchkey is running at (http://\\S+)");

  final String projectId = "project-test-" + UUID.randomUUID();
  final String secret = "secret-test-" + UUID.randomUUID().toString().replace("-", "");
  final long seed = System.nanoTime();
  /** The public token every node is given (the /sdk/v1 credentials' user part). */
  final String publicToken = "public-token-test-" + UUID.randomUUID();
  /** Sessions of the revoke pool used so far, across runs at several connection counts. */
  final AtomicLong revoked = new AtomicLong();
  private final Path dataDir;
  private final String databaseUrl;
  private final List<JavaProcess> nodes = new ArrayList<>();
  private final List<URI> urls = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /**
   * Loads {@code sessions} fixture sessions into the database (a temporary SQLite file when {@code databaseUrl} is
   * null), then starts {@code nodeCount} servers on it with the given JVM flags.
   */
  LatchkeyCluster(String databaseUrl, long sessions, int nodeCount, List<String> jvmFlags) {
    try {
      this.dataDir = Files.createTempDirectory("latchkey-bench-server-");
      this.databaseUrl = databaseUrl != null ? databaseUrl : "jdbc:sqlite:" + dataDir.resolve("latchkey.db");
      if (sessions > 0) {
        SessionFixture.load(this.databaseUrl, projectId, sessions, seed, System.err);
      }
      for (int i = 0; i < nodeCount; i++) {
        Map<String, String> env = new HashMap<>();
        env.put("LATCHKEY_PORT", "0");
        env.put("LATCHKEY_BIND", "127.0.0.1");
        env.put("LATCHKEY_DATA_DIR", dataDir.toString());
        env.put("LATCHKEY_DATABASE_URL", this.databaseUrl);
        env.put("LATCHKEY_PROJECT_ID", projectId);
        env.put("LATCHKEY_SECRET", secret);
        env.put("LATCHKEY_PUBLIC_TOKEN", publicToken);
        JavaProcess node = JavaProcess.start("latchkey-" + i, jvmFlags, "dev.latchkey.server.Main", List.of("serve"),
            env, READY);
        nodes.add(node);
        urls.add(URI.create(node.readyMatch()));
      }
    } catch (IOException e) {
      close();
      throw new UncheckedIOException(e);
    } catch (java.sql.SQLException e) {
      close();
      throw new IllegalStateException("cannot load the session fixture into " + databaseUrl + ": " + e, e);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  List<LoadDriver.Target> targets() {
    return urls.stream().map(u -> new LoadDriver.Target(u.getHost(), u.getPort())).toList();
  }

  /** The base URL of node {@code i}. */
  URI url(int i) {
    return urls.get(i);
  }

  List<Long> pids() {
    return nodes.stream().map(JavaProcess::pid).toList();
  }

  /** Bytes of every file in the data directory (the SQLite database, its WAL and shared memory). */
  long dataDirBytes() {
    try (Stream<Path> files = Files.walk(dataDir)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    } catch (IOException e) {
      return -1;
    }
  }

  List<JavaProcess> nodes() {
    return nodes;
  }

  /** A POST to the first node through the JDK client, for set-up only (nothing here is measured). */
  String post(String path, String json) {
    HttpRequest request = HttpRequest.newBuilder(urls.get(0).resolve(path))
        .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
            (projectId + ":" + secret).getBytes(StandardCharsets.UTF_8)))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).build();
    try {
      HttpResponse<String> reply = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (reply.statusCode() != 200) {
        throw new IllegalStateException("set-up call " + path + " answered " + reply.statusCode() + ": "
            + reply.body());
      }
      return reply.body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A string field of a flat JSON reply (the set-up only needs session_jwt); no JSON library needed. */
  static String field(String json, String name) {
    String key = "\"" + name + "\":\"";
    int at = json.indexOf(key);
    if (at < 0) {
      throw new IllegalStateException("no " + name + " in " + json);
    }
    int start = at + key.length();
    return json.substring(start, json.indexOf('"', start));
  }

  @Override
  public void close() {
    for (JavaProcess node : nodes) {
      node.close();
    }
    if (dataDir != null) {
      try (Stream<Path> files = Files.walk(dataDir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // A temp dir left behind is not worth failing a benchmark for.
      }
    }
  }
}
