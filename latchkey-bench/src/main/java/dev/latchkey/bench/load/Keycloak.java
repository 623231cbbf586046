package dev.latchkey.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Keycloak, the peer Latchkey is compared with: the distribution from Maven Central
 * ({@code org.keycloak:keycloak-quarkus-dist}, {@link #VERSION}), unpacked once under {@code latchkey-bench/target},
 * started in its development mode ({@code kc.sh start-dev}: embedded H2 database, plain HTTP) on loopback with a fresh
 * database every time, and set up through its admin REST API: a realm, a confidential client allowed the password
 * grant, users, sessions. Nothing here is measured except the start-up, which {@link #startup} holds.
 */
final class Keycloak implements AutoCloseable {
  static final String VERSION = "26.4.5";
  static final String ARTIFACT = "org.keycloak:keycloak-quarkus-dist:" + VERSION + ":tar.gz";
  /** The realm of the check, refresh and password workloads: Keycloak's default password hashing. */
  static final String REALM = "bench";
  /**
   * The realm whose sessions the sign-out workload consumes. Its password policy hashes with one round of
   * PBKDF2-SHA256 so that making thousands of sessions takes seconds instead of minutes; what a logout costs does not
   * depend on how the password was hashed.
   */
  static final String SIGNOUT_REALM = "bench-signout";
  static final String CLIENT = "bench";
  static final String PASSWORD = Scenarios.PASSWORD;
  private static final Pattern READY = Pattern.compile("Listening on: (http://127\\.0\\.0\\.1:\\d+)");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String clientSecret = "bench-" + UUID.randomUUID();
  private final String adminPassword = "admin-" + UUID.randomUUID();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final JavaProcess process;
  private final URI base;
  /** From starting {@code kc.sh} to its "Listening on" line. */
  final Duration startup;

  /** The distribution archive in the local Maven repository, where {@code bin/bench peers} fetches it. */
  static Path defaultDist() {
    return Path.of(System.getProperty("user.home"), ".m2", "repository", "org", "keycloak", "keycloak-quarkus-dist",
        VERSION, "keycloak-quarkus-dist-" + VERSION + ".tar.gz");
  }

  /**
   * Unpacks {@code dist} into {@code dir} unless already there; returns the Keycloak home. The default archive is
   * fetched from Maven Central first when the local repository does not have it (about 160 MB).
   */
  static Path unpack(Path dist, Path dir) throws IOException, InterruptedException {
    Path home = dir.resolve("keycloak-" + VERSION);
    if (Files.isExecutable(home.resolve("bin/kc.sh"))) {
      return home;
    }
    if (!Files.isRegularFile(dist) && dist.equals(defaultDist())) {
      System.err.println("peers: fetching " + ARTIFACT + " from Maven Central (about 160 MB)");
      Process mvn = new ProcessBuilder("mvn", "-q", "-B", "-ntp", "dependency:get", "-Dartifact=" + ARTIFACT)
          .inheritIO().redirectOutput(ProcessBuilder.Redirect.to(new java.io.File("/dev/stderr"))).start();
      mvn.waitFor();
    }
    if (!Files.isRegularFile(dist)) {
      throw new IllegalStateException("no Keycloak distribution at " + dist + " (fetch it with mvn dependency:get "
          + "-Dartifact=" + ARTIFACT + ")");
    }
    Files.createDirectories(dir);
    Process tar = new ProcessBuilder("tar", "xzf", dist.toString(), "-C", dir.toString()).inheritIO().start();
    if (tar.waitFor() != 0 || !Files.isExecutable(home.resolve("bin/kc.sh"))) {
      throw new IllegalStateException("could not unpack " + dist + " into " + dir);
    }
    return home;
  }

  /** Starts Keycloak from {@code home} on a free loopback port, on a fresh embedded database. */
  Keycloak(Path home) throws IOException {
    deleteTree(home.resolve("data"));
    Map<String, String> env = new LinkedHashMap<>();
    env.put("JAVA_HOME", System.getProperty("java.home"));
    env.put("KC_BOOTSTRAP_ADMIN_USERNAME", "admin");
    env.put("KC_BOOTSTRAP_ADMIN_PASSWORD", adminPassword);
    long started = System.nanoTime();
    this.process = JavaProcess.exec("keycloak", List.of(home.resolve("bin/kc.sh").toString(), "start-dev",
        "--http-host=127.0.0.1", "--http-port=" + freePort(), "--http-management-port=" + freePort()), home, env,
        READY);
    this.startup = Duration.ofNanos(System.nanoTime() - started);
    this.base = URI.create(process.readyMatch());
  }

  LoadDriver.Target target() {
    return new LoadDriver.Target(base.getHost(), base.getPort());
  }

  JavaProcess process() {
    return process;
  }

  String clientAuthorization() {
    return "Basic " + Base64.getEncoder().encodeToString((CLIENT + ":" + clientSecret)
        .getBytes(StandardCharsets.UTF_8));
  }

  static String tokenPath(String realm) {
    return "/realms/" + realm + "/protocol/openid-connect/token";
  }

  static String introspectPath(String realm) {
    return tokenPath(realm) + "/introspect";
  }

  static String logoutPath(String realm) {
    return "/realms/" + realm + "/protocol/openid-connect/logout";
  }

  /**
   * Creates {@code realm} with tokens and sessions that outlive the run (an access token lives 5 minutes by default,
   * and an expired one still introspects with 200, as {@code "active": false}), the client, and {@code users} users
   * with {@link #PASSWORD}; {@code passwordPolicy} null keeps Keycloak's default hashing.
   */
  void createRealm(String realm, int users, String passwordPolicy) {
    String admin = adminToken();
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("realm", realm);
    r.put("enabled", true);
    r.put("accessTokenLifespan", 4 * 3600);
    r.put("ssoSessionIdleTimeout", 8 * 3600);
    r.put("ssoSessionMaxLifespan", 8 * 3600);
    if (passwordPolicy != null) {
      r.put("passwordPolicy", passwordPolicy);
    }
    adminCall(admin, "POST", "/admin/realms", r);
    adminCall(admin, "POST", "/admin/realms/" + realm + "/clients", Map.of("clientId", CLIENT, "enabled", true,
        "publicClient", false, "secret", clientSecret, "clientAuthenticatorType", "client-secret",
        "directAccessGrantsEnabled", true, "standardFlowEnabled", false, "protocol", "openid-connect"));
    for (int i = 0; i < users; i++) {
      adminCall(admin, "POST", "/admin/realms/" + realm + "/users", Map.of("username", username(i),
          "email", username(i) + "@example.com", "emailVerified", true, "enabled", true, "firstName", "Bench",
          "lastName", "User " + i, "credentials", List.of(Map.of("type", "password", "value", PASSWORD,
              "temporary", false))));
    }
  }

  static String username(int i) {
    return "bench-" + i;
  }

  /** The form body of a password grant for user {@code i}. */
  static String passwordGrant(int i) {
    return form(Map.of("grant_type", "password", "username", username(i), "password", PASSWORD, "scope", "openid"));
  }

  /** Signs user {@code i % users} in {@code count} times, {@code parallel} at once; the token replies, in order. */
  List<JsonNode> signIn(String realm, int users, int count, int parallel) {
    ExecutorService pool = Executors.newFixedThreadPool(parallel);
    try {
      List<Future<JsonNode>> replies = new ArrayList<>();
      for (int n = 0; n < count; n++) {
        int user = n % users;
        replies.add(pool.submit(() -> JSON.readTree(post(tokenPath(realm), passwordGrant(user), 200))));
      }
      List<JsonNode> tokens = new ArrayList<>();
      for (Future<JsonNode> f : replies) {
        tokens.add(f.get());
      }
      return tokens;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("a Keycloak sign-in failed: " + e.getCause().getMessage(), e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  /** Whether Keycloak's introspection calls {@code accessToken} active. */
  boolean active(String realm, String accessToken) {
    try {
      return JSON.readTree(post(introspectPath(realm), form(Map.of("token", accessToken)), 200)).path("active")
          .asBoolean(false);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The stored password credential of user 0 of {@code realm}, as Keycloak reports it (algorithm, cost). */
  String passwordHashing(String realm) {
    String admin = adminToken();
    JsonNode users = adminGet(admin, "/admin/realms/" + realm + "/users?exact=true&username=" + username(0));
    JsonNode credentials = adminGet(admin, "/admin/realms/" + realm + "/users/" + users.path(0).path("id").asText()
        + "/credentials");
    for (JsonNode c : credentials) {
      if (c.path("type").asText().equals("password")) {
        return c.path("credentialData").asText();
      }
    }
    return "unknown";
  }

  /** A POST with the client's credentials; the body of the reply, which must have {@code expected} status. */
  String post(String path, String form, int expected) {
    HttpRequest request = HttpRequest.newBuilder(base.resolve(path))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Authorization", clientAuthorization())
        .POST(HttpRequest.BodyPublishers.ofString(form)).build();
    return send(request, expected);
  }

  static String form(Map<String, String> fields) {
    return fields.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
  }

  private String adminToken() {
    HttpRequest request = HttpRequest.newBuilder(base.resolve(tokenPath("master")))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("grant_type", "password", "client_id", "admin-cli",
            "username", "admin", "password", adminPassword)))).build();
    try {
      return JSON.readTree(send(request, 200)).path("access_token").asText();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void adminCall(String token, String method, String path, Object body) {
    try {
      HttpRequest request = HttpRequest.newBuilder(base.resolve(path))
          .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build();
      send(request, 201);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private JsonNode adminGet(String token, String path) {
    try {
      HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + token)
          .GET().build();
      return JSON.readTree(send(request, 200));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String send(HttpRequest request, int expected) {
    try {
      HttpResponse<String> reply = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (reply.statusCode() != expected) {
        throw new IllegalStateException("Keycloak " + request.method() + " " + request.uri().getPath()
            + " answered " + reply.statusCode() + ": " + reply.body());
      }
      return reply.body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Override
  public void close() {
    process.close();
  }
}
