package dev.latchkey.bench.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A child JVM (the server or the ceiling) with this JVM's class path and the harness's JVM flags, so both sides of a
 * comparison run the same way. Waits for a line of its output to say it is ready; stops with SIGTERM, then SIGKILL.
 */
final class JavaProcess implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(300);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

  private final Process process;
  private final String name;
  private final List<String> output = new ArrayList<>();
  private final String readyMatch;

  private JavaProcess(String name, Process process, Pattern ready) {
    this.name = name;
    this.process = process;
    CompletableFuture<String> readyLine = new CompletableFuture<>();
    Thread pump = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
          StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          synchronized (output) {
            if (output.size() < 500) {
              output.add(line);
            }
          }
          Matcher m = ready.matcher(line);
          if (!readyLine.isDone() && m.find()) {
            readyLine.complete(m.group(1));
          }
        }
      } catch (IOException e) {
        // The process ended; the wait below reports it.
      }
      readyLine.completeExceptionally(new IllegalStateException(name + " exited before it was ready"));
    }, name + "-output");
    pump.setDaemon(true);
    pump.start();
    try {
      this.readyMatch = readyLine.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new IllegalStateException("interrupted while starting " + name, e);
    } catch (ExecutionException | TimeoutException e) {
      close();
      throw new IllegalStateException(name + " did not start: " + e.getMessage() + "\n" + output(), e);
    }
  }

  /** Starts {@code mainClass} with {@code args}; ready when a line matches {@code ready} (group 1 is kept). */
  static JavaProcess start(String name, List<String> jvmFlags, String mainClass, List<String> args,
      Map<String, String> env, Pattern ready) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmFlags);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("LATCHKEY_"));
    pb.environment().putAll(env);
    try {
      return new JavaProcess(name, pb.start(), ready);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
  }

  /**
   * Starts a JVM through its own launcher ({@code command}; Keycloak's {@code kc.sh} ends in {@code exec java}, so the
   * process is the JVM), in {@code dir}, with {@code env} added; ready as in {@link #start}.
   */
  static JavaProcess exec(String name, List<String> command, Path dir, Map<String, String> env, Pattern ready) {
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().putAll(env);
    try {
      return new JavaProcess(name, pb.start(), ready);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
  }

  /** What the ready line's first group captured (a URL, a port). */
  String readyMatch() {
    return readyMatch;
  }

  long pid() {
    return process.pid();
  }

  /** A field of /proc/<pid>/status in KiB (VmRSS: resident now, VmHWM: the peak); -1 when unreadable. */
  long statusKib(String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
        if (line.startsWith(field + ":")) {
          return Long.parseLong(line.substring(field.length() + 1).replace("kB", "").trim());
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  String output() {
    synchronized (output) {
      return String.join("\n", output);
    }
  }

  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  @Override
  public String toString() {
    return name + " (pid " + process.pid() + ")";
  }
}
