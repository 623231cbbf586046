package dev.latchkey.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.latchkey.server.testing.ApiClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release archive as an operator gets it: unpacked into an empty directory, started from another one with
 * nothing but a Java runtime, it serves the API with the credentials it prints; with a Java older than 21 it says
 * so. The SDKs are installable with sources, Javadoc and a BOM that lists them all. Every wait is bounded.
 */
class ReleaseArchiveIT {
  private static final Duration START_LIMIT = Duration.ofSeconds(90);
  private static final Pattern RUNNING = Pattern.compile("Latchkey is running at (http://127\\.0\\.0\\.1:\\d+)");
  private static final String VERSION = System.getProperty("latchkey.version");
  private static final Path PROJECT = Path.of(System.getProperty("latchkey.projectRoot"));

  @TempDir
  Path tmp;

  private Path home;
  private final List<Process> started = new ArrayList<>();

  @BeforeEach
  void unpack() throws Exception {
    Path archive = Path.of(System.getProperty("latchkey.archive"));
    assertThat(archive).as("mvn package builds the archive").exists();
    Process tar = new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", tmp.toString())
        .redirectErrorStream(true).start();
    assertThat(tar.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(tar.exitValue()).as(new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
    home = tmp.resolve("latchkey-" + VERSION);
  }

  @AfterEach
  void stopLeftovers() throws InterruptedException {
    for (Process p : started) {
      if (p.isAlive()) {
        p.destroyForcibly();
        p.waitFor(15, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void theArchiveHoldsTheLauncherTheServerItsLibrariesTheirLicencesAndTheDocs() throws IOException {
    assertThat(home.resolve("bin/latchkey")).isExecutable();
    assertThat(home.resolve("lib/latchkey-server-" + VERSION + ".jar")).isRegularFile();
    assertThat(home.resolve("lib/latchkey-model-" + VERSION + ".jar")).isRegularFile();
    assertThat(home.resolve("README.md")).isRegularFile();
    assertThat(home.resolve("CHANGELOG.md")).isRegularFile();
    assertThat(home.resolve("docs/api.md")).isRegularFile();
    try (Stream<Path> libs = Files.list(home.resolve("lib"))) {
      assertThat(libs.map(p -> p.getFileName().toString()))
          .as("server code only: no test jars, no test-only libraries")
          .noneMatch(n -> n.contains("-tests") || n.startsWith("junit") || n.startsWith("assertj"))
          .anyMatch(n -> n.startsWith("javalin-")).anyMatch(n -> n.startsWith("HikariCP-"));
    }
    String licences = Files.readString(home.resolve("licenses/THIRD-PARTY.txt"));
    assertThat(licences).contains("io.javalin:javalin").contains("com.zaxxer:HikariCP")
        .contains("org.xerial:sqlite-jdbc").contains("Apache");
  }

  @Test
  void itStartsFromAnotherDirectoryWithOnlyAJavaRuntimeAndServesTheCredentialsItPrints() throws Exception {
    Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
    Map<String, String> env = new HashMap<>();
    env.put("JAVA_HOME", System.getProperty("java.home"));
    env.put("LATCHKEY_PORT", "0");
    env.put("LATCHKEY_DATA_DIR", elsewhere.resolve("data").toString());
    env.put("LATCHKEY_ARGON2_MEMORY_KIB", "8192");
    env.put("LATCHKEY_ARGON2_ITERATIONS", "1");
    Path stderr = tmp.resolve("stderr.txt");
    Process serve = launcher(elsewhere, env, "serve").redirectError(stderr.toFile()).start();
    started.add(serve);

    Map<String, String> banner = readBanner(serve, stderr);
    ApiClient api = new ApiClient(banner.get("url"), banner.get("project_id"), banner.get("secret").split(" ")[0]);
    assertThat(api.get("/readyz").status()).isEqualTo(200);
    ApiClient.Reply created = api.post("/v1/users", "{\"email\":\"archive-ada@example.com\"}");
    assertThat(created.status()).as(created.text()).isEqualTo(200);
    assertThat(elsewhere.resolve("data/latchkey.db")).as("the data directory is the operator's, not the archive's")
        .isRegularFile();

    serve.destroy();
    assertThat(serve.waitFor(15, TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
    assertThat(Files.readString(stderr)).as("no JVM warnings (native access is granted)").doesNotContain("WARNING: ");
  }

  @Test
  void withAJavaOlderThan21ItSaysWhatItNeeds() throws Exception {
    Path java17 = Path.of("/usr/lib/jvm/java-17-openjdk-amd64");
    assumeTrue(Files.isExecutable(java17.resolve("bin/java")), "no Java 17 on this machine to try");
    Map<String, String> env = new HashMap<>();
    env.put("JAVA_HOME", java17.toString());
    Process p = launcher(tmp, env, "--help").redirectErrorStream(true).start();
    started.add(p);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

    assertThat(p.exitValue()).isEqualTo(1);
    assertThat(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
        .contains("is Java 17; Latchkey needs Java 21 or newer (set JAVA_HOME)");
  }

  @Test
  void theSdksComeWithSourcesJavadocAndABomThatListsThemAll() throws IOException {
    String pom = Files.readString(PROJECT.resolve("latchkey-bom/pom.xml"));
    String bom = pom.substring(pom.indexOf("-->")); // past the usage example in the leading comment
    Matcher version = Pattern.compile("<artifactId>latchkey-bom</artifactId>\\s*<version>([^<]+)</version>")
        .matcher(bom);
    assertThat(version.find()).isTrue();
    assertThat(version.group(1)).as("the BOM's version is the project's").isEqualTo(VERSION);
    Set<String> managed = new TreeSet<>();
    Matcher dep = Pattern.compile("<artifactId>(latchkey-[a-z-]+)</artifactId><version>([^<]+)</version>")
        .matcher(bom);
    while (dep.find()) {
      managed.add(dep.group(1));
      assertThat(dep.group(2)).as("version of %s in the BOM", dep.group(1)).isEqualTo(VERSION);
    }
    Set<String> sdks = Set.of("latchkey-model", "latchkey-client", "latchkey-client-okhttp", "latchkey-backend");
    assertThat(managed).containsExactlyInAnyOrderElementsOf(sdks);
    for (String sdk : sdks) {
      Path target = PROJECT.resolve(sdk).resolve("target");
      assertThat(target.resolve(sdk + "-" + VERSION + ".jar")).isRegularFile();
      assertThat(target.resolve(sdk + "-" + VERSION + "-sources.jar")).isRegularFile();
      assertThat(target.resolve(sdk + "-" + VERSION + "-javadoc.jar")).isRegularFile();
    }
  }

  private ProcessBuilder launcher(Path workDir, Map<String, String> env, String... args) {
    List<String> command = new ArrayList<>(List.of(home.resolve("bin/latchkey").toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("LATCHKEY_") || k.startsWith("JAVA"));
    pb.environment().put("PATH", "/usr/bin:/bin");
    pb.environment().putAll(env);
    return pb;
  }

  /** Reads stdout until the banner's "Try:" line: the URL and the {@code name: value} lines. */
  private static Map<String, String> readBanner(Process p, Path stderr) throws Exception {
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          lines.add(line);
        }
      } catch (IOException ignored) {
        // the process ended; the deadline below reports it
      }
    }, "release-archive-stdout");
    reader.setDaemon(true);
    reader.start();
    Map<String, String> banner = new HashMap<>();
    List<String> seen = new ArrayList<>();
    Instant deadline = Instant.now().plus(START_LIMIT);
    while (Instant.now().isBefore(deadline)) {
      String line = lines.poll(Duration.between(Instant.now(), deadline).toMillis(), TimeUnit.MILLISECONDS);
      if (line == null) {
        break;
      }
      seen.add(line);
      Matcher m = RUNNING.matcher(line);
      if (m.find()) {
        banner.put("url", m.group(1));
      } else if (banner.containsKey("url") && line.startsWith("  ") && line.contains(":")) {
        int colon = line.indexOf(':');
        banner.put(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
      } else if (banner.containsKey("url") && line.startsWith("Try: ")) {
        return banner;
      }
    }
    throw new AssertionError("no complete banner within " + START_LIMIT + "; alive=" + p.isAlive() + "\nstdout:\n"
        + String.join("\n", seen) + "\nstderr:\n" + Files.readString(stderr));
  }
}
