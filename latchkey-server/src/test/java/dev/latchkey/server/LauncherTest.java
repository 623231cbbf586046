package dev.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.server.config.Setting;
import dev.latchkey.server.config.SettingsCatalog;
import dev.latchkey.server.store.KeyRecord;
import dev.latchkey.server.store.Stores;
import dev.latchkey.server.store.jdbc.JdbcStores;
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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The real launcher entry point, {@link Main}, in a separate JVM: what an operator sees on the terminal, the exit
 * codes scripts rely on, and a clean stop on SIGTERM. Every wait is bounded.
 */
class LauncherTest {
  /** Bounds a short command (help, keys rotate, a refused setting): JVM start plus a database migration. */
  private static final Duration COMMAND_LIMIT = Duration.ofSeconds(60);
  /** Bounds start-up until the banner is printed: JVM start, migration and generating the first RSA key. */
  private static final Duration BANNER_LIMIT = Duration.ofSeconds(60);
  /** What an operator may expect of a SIGTERM: in-flight requests finish and the database closes. */
  private static final Duration STOP_LIMIT = Duration.ofSeconds(15);
  private static final Pattern RUNNING = Pattern.compile("Latchkey is running at (http://127\\.0\\.0\\.1:(\\d+))");

  @TempDir
  Path tmp;

  private final List<Process> started = new ArrayList<>();

  @AfterEach
  void killLeftovers() throws InterruptedException {
    for (Process p : started) {
      if (p.isAlive()) {
        p.destroyForcibly();
        p.waitFor(STOP_LIMIT.toSeconds(), TimeUnit.SECONDS);
      }
    }
  }

  // ------------------------------------------------------------------------------------------------------ help

  @ParameterizedTest
  @CsvSource(delimiter = ';', value = {
      "--help; Usage: latchkey ",
      "serve --help; Usage: latchkey serve ",
      "keys --help; Usage: latchkey keys ",
      "keys rotate --help; Usage: latchkey keys rotate ",
      "users --help; Usage: latchkey users ",
      "users list --help; Usage: latchkey users list ",
      "users find --help; Usage: latchkey users find ",
      "users delete --help; Usage: latchkey users delete ",
      "sessions --help; Usage: latchkey sessions ",
      "sessions list --help; Usage: latchkey sessions list ",
      "sessions revoke --help; Usage: latchkey sessions revoke ",
      "export --help; Usage: latchkey export ",
      "completion --help; Usage: latchkey completion "})
  void helpExitsZeroAndPrintsUsage(String args, String usage) throws Exception {
    Finished run = runToEnd(environment(tmp.resolve("data")), args.split(" "));

    assertThat(run.exitCode()).as("exit code; stderr: %s", run.stderr()).isZero();
    assertThat(run.stdout()).startsWith(usage);
  }

  @Test
  void theTopLevelHelpListsBothCommands() throws Exception {
    Finished run = runToEnd(environment(tmp.resolve("data")), "--help");

    assertThat(run.stdout()).contains("serve").contains("keys");
  }

  @Test
  void serveHelpListsEverySettingWithItsDefaultAndMeaning() throws Exception {
    Finished run = runToEnd(environment(tmp.resolve("data")), "serve", "--help");

    assertThat(run.exitCode()).as("exit code; stderr: %s", run.stderr()).isZero();
    List<String> lines = run.stdout().lines().toList();
    String flowed = String.join(" ", lines).replaceAll("\\s+", " ");
    for (Setting<?> setting : SettingsCatalog.ALL) {
      assertThat(lines).contains("  " + setting.name() + "  Default: " + setting.documentedDefault());
      assertThat(flowed).contains(setting.name() + " Default: " + setting.documentedDefault() + " "
          + setting.description());
    }
  }

  @Test
  void completionPrintsABashScriptForEveryCommandThatBashAccepts() throws Exception {
    Finished run = runToEnd(environment(tmp.resolve("data")), "completion");

    assertThat(run.exitCode()).as("stderr: %s", run.stderr()).isZero();
    assertThat(run.stdout()).contains("complete -F").contains("users").contains("sessions").contains("export")
        .contains("revoke").contains("--after");
    Path script = Files.writeString(tmp.resolve("latchkey-completion.bash"), run.stdout());
    Process bash = new ProcessBuilder("bash", "-n", script.toString()).redirectErrorStream(true).start();
    String complaints = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(bash.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(bash.exitValue()).as(complaints).isZero();
  }

  @Test
  void operatorCommandsOnAMissingDatabaseSayToRunServeFirst() throws Exception {
    for (String[] args : List.of(new String[] {"users", "list"}, new String[] {"sessions", "list", "--user", "x"},
        new String[] {"export", "--to", tmp.resolve("out.jsonl").toString()})) {
      Finished run = runToEnd(environment(tmp.resolve("missing")), args);

      assertThat(run.exitCode()).as(String.join(" ", args)).isEqualTo(2);
      assertThat(run.stderr()).contains("run 'latchkey serve' once first").doesNotContain("Exception");
    }
    assertThat(tmp.resolve("out.jsonl")).doesNotExist();
  }

  @Test
  void anOperatorCommandForSomeoneWhoIsNotThereExitsOneWithAMessageAndNoStackTrace() throws Exception {
    Map<String, String> env;
    try (dev.latchkey.server.testing.TestServer server = dev.latchkey.server.testing.TestServer.start()) {
      env = new HashMap<>(server.environment());
    }

    Finished find = runToEnd(env, "users", "find", "nobody@example.com");
    Finished revoke = runToEnd(env, "sessions", "revoke", "session-test-" + java.util.UUID.randomUUID());
    Finished delete = runToEnd(env, "users", "delete", "nobody@example.com");

    assertThat(find.exitCode()).isEqualTo(1);
    assertThat(find.stderr()).contains("latchkey: No user has the email address nobody@example.com")
        .doesNotContain("at dev.latchkey");
    assertThat(revoke.exitCode()).isEqualTo(1);
    assertThat(revoke.stderr()).contains("latchkey: No session session-test-").doesNotContain("at dev.latchkey");
    assertThat(delete.exitCode()).isEqualTo(1);
    assertThat(delete.stderr()).contains("latchkey: No user has the email address").doesNotContain("at dev.latchkey");
  }

  // ------------------------------------------------------------------------------------------------ bad setting

  @Test
  void aBadSettingExitsWithCodeTwoAndNamesTheSettingAndItsRange() throws Exception {
    Map<String, String> env = environment(tmp.resolve("data"));
    env.put("LATCHKEY_PORT", "99999");

    Finished run = runToEnd(env, "serve");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.stderr()).contains("latchkey: LATCHKEY_PORT=99999 (from the environment) is not valid: use a "
        + "whole number from 0 to 65535 (default 8080)");
    assertThat(run.stdout()).doesNotContain("Latchkey is running");
  }

  // ------------------------------------------------------------------------------------------- serve and keys

  @Test
  void serveCreatesTheProjectOnceAndKeysRotateWorksOnTheStoppedServersData() throws Exception {
    Path data = tmp.resolve("data");
    Map<String, String> env = environment(data);

    // First start: a new project, with its secret shown once.
    Serving first = serve(env);
    assertThat(first.banner().get("secret")).matches("secret-live-\\S+   <- shown once: it is stored hashed\\. "
        + "Keep it, or set LATCHKEY_SECRET\\.");
    String projectId = first.banner().get("project_id");
    String secret = first.banner().get("secret").split(" ")[0];
    String publicToken = first.banner().get("public_token");
    assertThat(projectId).matches("project-live-[0-9a-f-]{36}");
    assertThat(publicToken).matches("public-token-live-[0-9a-f-]{36}");

    // The printed credentials work, and a wrong secret does not.
    ApiClient.Reply found = new ApiClient(first.url(), projectId, secret).get("/v1/users/user-live-x");
    assertThat(found.status()).isEqualTo(404);
    assertThat(found.text("error_type")).isEqualTo("user_not_found");
    ApiClient.Reply refused = new ApiClient(first.url(), projectId, secret + "x").get("/v1/users/user-live-x");
    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.text("error_type")).isEqualTo("unauthorized_credentials");

    // SIGTERM stops it.
    first.process().destroy();
    assertThat(first.process().waitFor(STOP_LIMIT.toSeconds(), TimeUnit.SECONDS))
        .as("serve exited within %s of SIGTERM", STOP_LIMIT).isTrue();

    // Second start on the same data: the same project, and the secret is not shown again.
    Serving second = serve(env);
    assertThat(second.banner().get("project_id")).isEqualTo(projectId);
    assertThat(second.banner().get("public_token")).isEqualTo(publicToken);
    assertThat(second.banner().get("secret")).doesNotContain(secret).doesNotContain("secret-live-")
        .startsWith("(set when the project was created");
    assertThat(String.join("\n", second.lines())).doesNotContain(secret);
    assertThat(new ApiClient(second.url(), projectId, secret).get("/v1/users/user-live-x").status()).isEqualTo(404);
    second.process().destroy();
    assertThat(second.process().waitFor(STOP_LIMIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

    // keys rotate while the server is stopped: a new signing key, printed by kid.
    Finished rotate = runToEnd(env, "keys", "rotate");
    assertThat(rotate.exitCode()).as("exit code; stderr: %s", rotate.stderr()).isZero();
    assertThat(rotate.stderr()).as("SQLite's native library loads without the JDK's restricted-method warning")
        .doesNotContain("restricted method").doesNotContain("WARNING: ");
    Matcher kid = Pattern.compile("New signing key (\\S+);").matcher(rotate.stdout());
    assertThat(kid.find()).as("stdout names the new kid: %s", rotate.stdout()).isTrue();
    try (Stores stores = JdbcStores.open("jdbc:sqlite:" + data.resolve("latchkey.db"), Duration.ofSeconds(5))) {
      List<KeyRecord> keys = stores.keys().all();
      assertThat(keys).hasSize(2);
      assertThat(keys).filteredOn(k -> k.retiredAt() == null).extracting(KeyRecord::kid)
          .containsExactly(kid.group(1));
    }
  }

  @Test
  void keysRotateOnAnEmptyDataDirectoryTellsToRunServeFirst() throws Exception {
    Path data = Files.createDirectories(tmp.resolve("empty"));

    Finished run = runToEnd(environment(data), "keys", "rotate");

    assertThat(run.exitCode()).isNotZero();
    assertThat(run.stderr()).contains("There is no project in jdbc:sqlite:" + data.resolve("latchkey.db")
        + " yet: run 'latchkey serve' once first");
    assertThat(data).as("keys rotate leaves no database behind").isEmptyDirectory();
  }

  @Test
  void keysRotateOnAMissingDataDirectoryTellsToRunServeFirst() throws Exception {
    Path data = tmp.resolve("never-created");

    Finished run = runToEnd(environment(data), "keys", "rotate");

    assertThat(run.exitCode()).isNotZero();
    assertThat(run.stderr()).contains("There is no project in jdbc:sqlite:" + data.resolve("latchkey.db")
        + " yet: run 'latchkey serve' once first");
  }

  @Test
  void adminCreateStoresAnArgon2idAdminFromStandardInputAndRefusesAWeakPassword() throws Exception {
    Path data = Files.createDirectories(tmp.resolve("admins"));
    JdbcStores.open("jdbc:sqlite:" + data.resolve("latchkey.db"), Duration.ofSeconds(5)).close();

    Finished created = runToEndWithInput(environment(data), "velvet harbor cobalt ninety\n", "admin", "create",
        "--password-stdin", "--name", "grace");
    Finished weak = runToEndWithInput(environment(data), "grace12345678\n", "admin", "create", "--password-stdin",
        "--name", "linus");

    assertThat(created.exitCode()).as(created.stderr()).isZero();
    assertThat(created.stdout()).contains("Created the admin grace", "set LATCHKEY_ADMIN_ENABLED=true");
    assertThat(weak.exitCode()).isEqualTo(2);
    assertThat(weak.stderr()).contains("The password is refused: it is too easy to guess");
    try (Stores stores = JdbcStores.open("jdbc:sqlite:" + data.resolve("latchkey.db"), Duration.ofSeconds(5))) {
      assertThat(stores.admins().findAdmin("grace").orElseThrow().passwordHash()).startsWith("$argon2id$");
      assertThat(stores.admins().findAdmin("linus")).isEmpty();
    }
  }

  // ------------------------------------------------------------------------------------------------- harness

  private record Finished(int exitCode, String stdout, String stderr) {}

  /** A running {@code serve}: its URL, the banner's {@code name: value} lines, and everything printed so far. */
  private record Serving(Process process, String url, Map<String, String> banner, List<String> lines) {}

  private Map<String, String> environment(Path dataDir) {
    Map<String, String> env = new HashMap<>();
    env.put("LATCHKEY_DATA_DIR", dataDir.toString());
    env.put("LATCHKEY_PORT", "0");
    env.put("LATCHKEY_BIND", "127.0.0.1");
    env.put("LATCHKEY_ARGON2_MEMORY_KIB", "8192");
    env.put("LATCHKEY_ARGON2_ITERATIONS", "1");
    return env;
  }

  private ProcessBuilder launcher(Map<String, String> env, String... args) {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(launcherJvmFlags());
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(tmp.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("LATCHKEY_") || k.startsWith("JAVA_TOOL_OPTIONS"));
    pb.environment().putAll(env);
    return pb;
  }

  /** The flags bin/latchkey always passes to the JVM: {@code LATCHKEY_JVM_FLAGS} in bin/env.sh, read from there. */
  private static List<String> launcherJvmFlags() {
    Path envScript = Path.of("..", "bin", "env.sh");
    try {
      for (String line : Files.readAllLines(envScript)) {
        if (line.startsWith("LATCHKEY_JVM_FLAGS=\"")) {
          return List.of(line.substring(line.indexOf('"') + 1, line.lastIndexOf('"')).split(" "));
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    throw new AssertionError("bin/env.sh sets no LATCHKEY_JVM_FLAGS");
  }

  private Finished runToEnd(Map<String, String> env, String... args) throws IOException, InterruptedException {
    return runToEndWithInput(env, "", args);
  }

  /** Runs the command to its end with {@code input} on its standard input. */
  private Finished runToEndWithInput(Map<String, String> env, String input, String... args)
      throws IOException, InterruptedException {
    Path in = Files.writeString(Files.createTempFile(tmp, "stdin", ".txt"), input);
    Path out = Files.createTempFile(tmp, "stdout", ".txt");
    Path err = Files.createTempFile(tmp, "stderr", ".txt");
    Process p = launcher(env, args).redirectInput(in.toFile()).redirectOutput(out.toFile())
        .redirectError(err.toFile()).start();
    started.add(p);
    boolean exited = p.waitFor(COMMAND_LIMIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(exited).as("'latchkey %s' exited within %s", String.join(" ", args), COMMAND_LIMIT).isTrue();
    return new Finished(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  /** Starts {@code serve} and reads stdout until the banner is complete (its "Try:" line) or the limit passes. */
  private Serving serve(Map<String, String> env) throws IOException, InterruptedException {
    Path err = Files.createTempFile(tmp, "serve-stderr", ".txt");
    Process p = launcher(env, "serve").redirectError(err.toFile()).start();
    started.add(p);
    BlockingQueue<String> queue = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          queue.add(line);
        }
      } catch (IOException ignored) {
        // the process is gone; the deadline below reports it
      }
    }, "launcher-test-stdout");
    reader.setDaemon(true);
    reader.start();

    Instant deadline = Instant.now().plus(BANNER_LIMIT);
    List<String> lines = new ArrayList<>();
    Map<String, String> banner = new HashMap<>();
    String url = null;
    while (Instant.now().isBefore(deadline)) {
      String line = queue.poll(Duration.between(Instant.now(), deadline).toMillis(), TimeUnit.MILLISECONDS);
      if (line == null) {
        break;
      }
      lines.add(line);
      Matcher m = RUNNING.matcher(line);
      if (m.find()) {
        url = m.group(1);
      } else if (url != null && line.startsWith("  ") && line.contains(":")) {
        int colon = line.indexOf(':');
        banner.put(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
      } else if (url != null && line.startsWith("Try: ")) {
        return new Serving(p, url, banner, lines);
      }
    }
    throw new AssertionError("no complete banner within " + BANNER_LIMIT + "; alive=" + p.isAlive() + "\nstdout:\n"
        + String.join("\n", lines) + "\nstderr:\n" + Files.readString(err));
  }
}
