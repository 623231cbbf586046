package dev.latchkey.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The "Fields Latchkey ignores" table of {@code docs/api.md} marks refused exactly the fields the server refuses. */
class RefusedFieldsDocTest {
  private static final String SECTION = "## Fields Latchkey ignores";
  /** {@code | `POST /path` | `field` | refused | why |}. */
  private static final Pattern REFUSED_ROW =
      Pattern.compile("^\\| `POST ([^`]+)` \\| `([a-z_.]+)` \\| refused \\|.*", Pattern.MULTILINE);

  @Test
  void theDocumentsRefusedFieldsAreTheServersOwnList() throws IOException {
    String doc = Files.readString(apiDoc());
    int start = doc.indexOf("\n" + SECTION + "\n");
    assertThat(start).as(SECTION + " in docs/api.md").isPositive();
    int end = doc.indexOf("\n## ", start + 1);
    String section = doc.substring(start, end);
    int conventions = doc.indexOf("\n## Conventions\n");
    assertThat(doc.indexOf("\n## ", conventions + 1)).as("the section right after Conventions").isEqualTo(start);

    Set<String> documented = new HashSet<>();
    Matcher m = REFUSED_ROW.matcher(section);
    while (m.find()) {
      documented.add(m.group(1) + " " + m.group(2));
    }
    Set<String> refused = new HashSet<>();
    RefusedFields.BY_ROUTE.forEach((path, fields) -> fields.keySet().forEach(f -> refused.add(path + " " + f)));

    assertThat(documented).isEqualTo(refused);
  }

  private static Path apiDoc() {
    for (Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("docs/api.md"))) {
        return dir.resolve("docs/api.md");
      }
    }
    throw new IllegalStateException("docs/api.md not found from user.dir");
  }
}
