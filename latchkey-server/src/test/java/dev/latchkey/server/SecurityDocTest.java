package dev.latchkey.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/security.md tells a reviewer which test shows each claim; this keeps those pointers true. Every
 * {@code SomethingTest.method} it names is a method of a test class in the repository ({@code method…}: a method
 * whose name starts so), and every {@code package/SomethingTest} is a test class in that package.
 */
class SecurityDocTest {
  private static final Pattern METHOD = Pattern.compile("([A-Z][A-Za-z0-9]*Test)\\.([a-z][A-Za-z0-9]*)(…)?");
  private static final Pattern CLASS = Pattern.compile("([a-z]+)/([A-Z][A-Za-z0-9]*Test)\\b");

  @Test
  void everyTestTheSecurityDocumentNamesExists() throws IOException {
    Path root = projectRoot();
    String doc = Files.readString(root.resolve("docs/security.md"));
    Map<String, List<Path>> testClasses = new HashMap<>();
    try (Stream<Path> files = Files.walk(root)) {
      files.filter(p -> p.toString().contains("/src/test/java/") && p.toString().endsWith("Test.java"))
          .forEach(p -> testClasses.computeIfAbsent(p.getFileName().toString().replace(".java", ""),
              k -> new ArrayList<>()).add(p));
    }

    List<String> missing = new ArrayList<>();
    int checked = 0;
    Matcher m = METHOD.matcher(doc);
    while (m.find()) {
      checked++;
      String name = m.group(2);
      boolean prefix = m.group(3) != null;
      Pattern declared = Pattern.compile("\\s" + Pattern.quote(name) + (prefix ? "[A-Za-z0-9]*" : "") + "\\(");
      boolean found = testClasses.getOrDefault(m.group(1), List.of()).stream()
          .anyMatch(p -> declared.matcher(read(p)).find());
      if (!found) {
        missing.add(m.group());
      }
    }
    Matcher c = CLASS.matcher(doc);
    while (c.find()) {
      checked++;
      String pkg = "/" + c.group(1) + "/";
      if (testClasses.getOrDefault(c.group(2), List.of()).stream().noneMatch(p -> p.toString().contains(pkg))) {
        missing.add(c.group());
      }
    }

    assertThat(checked).as("test references in docs/security.md").isGreaterThan(50);
    assertThat(missing).as("tests named in docs/security.md that do not exist").isEmpty();
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static Path projectRoot() {
    String root = System.getProperty("latchkey.projectRoot");
    if (root != null && Files.isDirectory(Path.of(root, "docs"))) {
      return Path.of(root);
    }
    for (Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("docs/security.md")) && Files.isDirectory(dir.resolve("latchkey-server"))) {
        return dir;
      }
    }
    throw new AssertionError("docs/security.md not found above " + System.getProperty("user.dir")
        + "; set the system property latchkey.projectRoot");
  }
}
