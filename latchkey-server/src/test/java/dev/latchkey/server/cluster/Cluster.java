package dev.latchkey.server.cluster;

import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.NodeProcess;
import dev.latchkey.server.testing.TestPostgres;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Latchkey nodes in separate JVMs on loopback ports, sharing one fresh PostgreSQL database and one project, as
 * behind a load balancer. Closing stops the nodes and drops the database.
 */
final class Cluster implements AutoCloseable {
  final String projectId = "project-test-" + UUID.randomUUID();
  final String secret = "secret-test-" + UUID.randomUUID().toString().replace("-", "");
  final TestPostgres.Database database;
  final List<NodeProcess> nodes = new ArrayList<>();
  private final Path workDir;
  private final Map<String, String> extraEnv;

  private Cluster(Path workDir, Map<String, String> extraEnv) {
    this.workDir = workDir;
    this.extraEnv = extraEnv;
    this.database = TestPostgres.createDatabase();
  }

  /** {@code size} nodes started side by side, as a deployment rolls out. */
  static Cluster start(Path workDir, int size, Map<String, String> extraEnv) {
    Cluster cluster = new Cluster(workDir, extraEnv);
    try {
      List<CompletableFuture<NodeProcess>> starting = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        Path dir = workDir.resolve("node-" + i);
        starting.add(CompletableFuture.supplyAsync(() -> NodeProcess.start(dir, cluster.environment())));
      }
      for (CompletableFuture<NodeProcess> node : starting) {
        cluster.nodes.add(node.join());
      }
      return cluster;
    } catch (RuntimeException | AssertionError e) {
      cluster.close();
      throw e;
    }
  }

  /** The settings every node runs with. */
  Map<String, String> environment() {
    Map<String, String> env = new HashMap<>();
    env.put("LATCHKEY_PORT", "0");
    env.put("LATCHKEY_BIND", "127.0.0.1");
    env.put("LATCHKEY_DATA_DIR", workDir.resolve("unused-sqlite-dir").toString());
    env.put("LATCHKEY_DATABASE_URL", database.url());
    env.put("LATCHKEY_DATABASE_POOL_SIZE", "4");
    env.put("LATCHKEY_PROJECT_ID", projectId);
    env.put("LATCHKEY_SECRET", secret);
    env.put("LATCHKEY_ARGON2_MEMORY_KIB", "8192");
    env.put("LATCHKEY_ARGON2_ITERATIONS", "1");
    env.putAll(extraEnv);
    return env;
  }

  ApiClient api(int node) {
    return new ApiClient(nodes.get(node).url(), projectId, secret);
  }

  List<ApiClient> apis() {
    List<ApiClient> all = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      all.add(api(i));
    }
    return all;
  }

  @Override
  public void close() {
    nodes.forEach(NodeProcess::close);
    database.close();
  }
}
