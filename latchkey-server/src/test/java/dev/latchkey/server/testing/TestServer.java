package dev.latchkey.server.testing;

import dev.latchkey.server.LatchkeyServer;
import dev.latchkey.server.config.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A real Latchkey server on a random loopback port over a real SQLite file in a temporary data directory. The
 * project id and secret are fixed per instance so tests can call the backend API; Argon2id runs at its minimum cost
 * to keep the suite fast (the cost is a setting, so this is configuration, not a test switch).
 *
 * <pre>{@code
 * try (TestServer server = TestServer.start()) {
 *   ApiClient api = server.api();
 *   api.post("/v1/users", "{\"email\":\"ada@example.com\"}");
 * }
 * }</pre>
 */
public final class TestServer implements AutoCloseable {
  /** Where mailed links point unless a test sets LATCHKEY_REDIRECT_URLS itself. */
  public static final String REDIRECT_URL = "https://app.example.com/authenticate";
  public final String projectId = "project-test-" + UUID.randomUUID();
  public final String secret = "secret-test-" + UUID.randomUUID().toString().replace("-", "");
  public final String publicToken = "public-token-test-" + UUID.randomUUID();
  private final Path dataDir;
  private final Map<String, String> extraEnv;
  private final Clock clock;
  private LatchkeyServer server;

  private TestServer(Path dataDir, Map<String, String> extraEnv, Clock clock) {
    this.dataDir = dataDir;
    this.extraEnv = extraEnv;
    this.clock = clock;
  }

  public static TestServer start() {
    return start(Map.of(), Clock.systemUTC());
  }

  public static TestServer start(Clock clock) {
    return start(Map.of(), clock);
  }

  /** {@code extraEnv} adds or overrides LATCHKEY_* settings. */
  public static TestServer start(Map<String, String> extraEnv, Clock clock) {
    try {
      TestServer t = new TestServer(Files.createTempDirectory("latchkey-test-"), extraEnv, clock);
      t.boot();
      return t;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The settings this server runs with, as environment variables. */
  public Map<String, String> environment() {
    Map<String, String> env = new HashMap<>();
    env.put("LATCHKEY_PORT", "0");
    env.put("LATCHKEY_BIND", "127.0.0.1");
    env.put("LATCHKEY_DATA_DIR", dataDir.toString());
    env.put("LATCHKEY_PROJECT_ID", projectId);
    env.put("LATCHKEY_SECRET", secret);
    env.put("LATCHKEY_PUBLIC_TOKEN", publicToken);
    env.put("LATCHKEY_ARGON2_MEMORY_KIB", "8192");
    env.put("LATCHKEY_ARGON2_ITERATIONS", "1");
    // Abuse limits far above what any test does, so only a test about limits (which sets its own) meets them.
    env.put("LATCHKEY_LIMIT_EMAIL_SENDS", "10000");
    env.put("LATCHKEY_LIMIT_IP_SENDS", "100000");
    env.put("LATCHKEY_LIMIT_IP_FAILURES", "100000");
    env.put("LATCHKEY_LOCKOUT_THRESHOLD", "1000");
    env.put("LATCHKEY_REDIRECT_URLS", REDIRECT_URL);
    env.putAll(extraEnv);
    return env;
  }

  private void boot() {
    server = LatchkeyServer.start(Settings.load(environment()), clock);
  }

  /** Stops and starts again on the same data directory (a new port). */
  public void restart() {
    server.stop();
    boot();
  }

  public void stop() {
    server.stop();
  }

  public String baseUrl() {
    return server.baseUrl();
  }

  public Path dataDir() {
    return dataDir;
  }

  public LatchkeyServer server() {
    return server;
  }

  /** A client that authenticates as this project's backend. */
  public ApiClient api() {
    return new ApiClient(baseUrl(), projectId, secret);
  }

  /** A client that sends no credentials. */
  public ApiClient anonymous() {
    return new ApiClient(baseUrl(), null, null);
  }

  @Override
  public void close() {
    server.stop();
  }
}
