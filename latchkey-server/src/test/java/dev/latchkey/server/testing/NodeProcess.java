package dev.latchkey.server.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One Latchkey node in a JVM of its own ({@code java -cp <test class path> dev.latchkey.server.Main serve}), the
 * way an operator runs it: settings from the environment, logs on stderr (kept in a file), stopped by SIGTERM.
 *
 * <pre>{@code
 * try (NodeProcess a = NodeProcess.start(dir, env)) {
 *   new ApiClient(a.url(), projectId, secret).get("/readyz");
 * }
 * }</pre>
 */
public final class NodeProcess implements AutoCloseable {
  /** JVM start, migration (or waiting for another node's) and the first RSA key, on a loaded 2-core machine. */
  private static final Duration START_LIMIT = Duration.ofSeconds(90);
  /** What an operator may expect of a SIGTERM: in-flight requests finish and the database closes. */
  private static final Duration STOP_LIMIT = Duration.ofSeconds(20);
  private static final Pattern RUNNING = Pattern.compile("Latchkey is running at (http://127\\.0\\.0\\.1:\\d+)");

  private final Process process;
  private final String url;
  private final Path log;

  private NodeProcess(Process process, String url, Path log) {
    this.process = process;
    this.url = url;
    this.log = log;
  }

  /** Starts {@code latchkey serve} with exactly {@code env} as its LATCHKEY_* settings and waits for its banner. */
  public static NodeProcess start(Path workDir, Map<String, String> env) {
    try {
      Files.createDirectories(workDir);
      Path log = Files.createTempFile(workDir, "node-", ".log");
      Process p = java(workDir, env, "serve").redirectError(log.toFile()).start();
      BlockingQueue<String> lines = new LinkedBlockingQueue<>();
      Thread reader = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line; (line = r.readLine()) != null; ) {
            lines.add(line);
          }
        } catch (IOException ignored) {
          // the process is gone; the deadline below reports it
        }
      }, "node-process-stdout");
      reader.setDaemon(true);
      reader.start();
      Instant deadline = Instant.now().plus(START_LIMIT);
      List<String> seen = new ArrayList<>();
      while (Instant.now().isBefore(deadline)) {
        String line = lines.poll(Duration.between(Instant.now(), deadline).toMillis(), TimeUnit.MILLISECONDS);
        if (line == null) {
          break;
        }
        seen.add(line);
        Matcher m = RUNNING.matcher(line);
        if (m.find()) {
          return new NodeProcess(p, m.group(1), log);
        }
      }
      p.destroyForcibly();
      throw new AssertionError("no banner within " + START_LIMIT + "; stdout:\n" + String.join("\n", seen)
          + "\nstderr:\n" + Files.readString(log));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Runs a {@code latchkey} command (e.g. {@code keys rotate}) to its end; returns its exit code, stdout, stderr. */
  public static Finished run(Path workDir, Map<String, String> env, String... args) {
    try {
      Files.createDirectories(workDir);
      Path out = Files.createTempFile(workDir, "stdout", ".txt");
      Path err = Files.createTempFile(workDir, "stderr", ".txt");
      Process p = java(workDir, env, args).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!p.waitFor(START_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("'latchkey " + String.join(" ", args) + "' did not exit within " + START_LIMIT);
      }
      return new Finished(p.exitValue(), Files.readString(out), Files.readString(err));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public record Finished(int exitCode, String stdout, String stderr) {}

  /** Starts a {@code latchkey} command without waiting for it (to kill it midway); output goes to the two files. */
  public static Process launch(Path workDir, Map<String, String> env, Path stdout, Path stderr, String... args) {
    try {
      Files.createDirectories(workDir);
      return java(workDir, env, args).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ProcessBuilder java(Path workDir, Map<String, String> env, String... args) {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
        "dev.latchkey.server.Main"));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("LATCHKEY_") || k.startsWith("JAVA_TOOL_OPTIONS"));
    pb.environment().putAll(env);
    return pb;
  }

  public String url() {
    return url;
  }

  /** Everything the node logged so far. */
  public String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * {@code kill -9}: the process ends at once, with no shutdown hook, no request finished and no database closed,
   * as when a machine loses power or the OOM killer strikes. Returns once the process is gone.
   */
  public void kill() {
    process.destroyForcibly();
    try {
      if (!process.waitFor(STOP_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
        throw new AssertionError("the node survived SIGKILL for " + STOP_LIMIT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** SIGTERM, then a bounded wait; a node that does not stop is killed. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(STOP_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(STOP_LIMIT.toSeconds(), TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
