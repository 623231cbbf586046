package dev.latchkey.server.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the official SDKs' scripts in {@code compat/node} with Node.js, as the compatibility tests need them. */
final class NodeScripts {
  private NodeScripts() {}

  /** What a script did: its exit code and everything it printed. */
  record Run(int exitCode, String stdout, String stderr) {}

  /** {@code compat/node} of this checkout, where {@code bin/test} ran {@code npm ci}. */
  static Path dir() {
    String root = System.getProperty("latchkey.projectRoot");
    assertThat(root).as("system property latchkey.projectRoot (set by surefire in latchkey-server/pom.xml)")
        .isNotBlank();
    return Path.of(root).resolve("compat/node");
  }

  /** Runs {@code script} (a file in {@link #dir()}) with {@code env} added; fails the test after {@code timeout}. */
  static Run run(String script, Map<String, String> env, Duration timeout) throws IOException, InterruptedException {
    Path nodeDir = dir();
    Path out = Files.createTempFile("latchkey-node-", ".out");
    Path err = Files.createTempFile("latchkey-node-", ".err");
    try {
      ProcessBuilder pb = new ProcessBuilder("node", nodeDir.resolve(script).toString())
          .directory(nodeDir.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
      pb.environment().putAll(env);
      Process p;
      try {
        p = pb.start();
      } catch (IOException e) {
        throw new AssertionError("cannot run 'node' (Node.js 18+ must be on the PATH; bin/test installs it)", e);
      }
      if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(script + " did not finish within " + timeout + ":\n"
            + Files.readString(out, StandardCharsets.UTF_8) + Files.readString(err, StandardCharsets.UTF_8));
      }
      return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
