package dev.latchkey.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The settings table in README.md says what the declarations of {@link SettingsCatalog} say, row for row: name,
 * default, and meaning with the accepted range.
 */
class ReadmeSettingsTableTest {
  private static final String HEADER = "| Setting | Default | Meaning |";

  /** One row of the table, without the backticks that show a value as code. */
  private record Row(String name, String defaultValue, String description) {
    static Row of(Setting<?> setting) {
      return new Row(setting.name(), setting.documentedDefault(), setting.description());
    }
  }

  @Test
  void theReadmeSettingsTableListsExactlyTheDeclaredSettings() throws IOException {
    List<Row> documented = settingsTable(Files.readAllLines(readme()));

    assertThat(documented).containsExactlyElementsOf(SettingsCatalog.ALL.stream().map(Row::of).toList());
  }

  private static List<Row> settingsTable(List<String> lines) {
    int header = lines.indexOf(HEADER);
    assertThat(header).as("README.md has a line '%s'", HEADER).isNotNegative();
    List<Row> rows = new ArrayList<>();
    for (String line : lines.subList(header + 2, lines.size())) {
      if (!line.startsWith("|")) {
        break;
      }
      String[] cells = line.substring(1, line.length() - 1).split("\\|", -1);
      assertThat(cells).as("cells of the row %s", line).hasSize(3);
      rows.add(new Row(unquote(cells[0]), unquote(cells[1]), cells[2].strip()));
    }
    return rows;
  }

  /** {@code `8080`} is shown as code in the README; the value is {@code 8080}. */
  private static String unquote(String cell) {
    String s = cell.strip();
    return s.length() >= 2 && s.startsWith("`") && s.endsWith("`") ? s.substring(1, s.length() - 1) : s;
  }

  private static Path readme() {
    String root = System.getProperty("latchkey.projectRoot");
    if (root != null && Files.isRegularFile(Path.of(root, "README.md"))) {
      return Path.of(root, "README.md");
    }
    for (Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("README.md")) && Files.isDirectory(dir.resolve("latchkey-server"))) {
        return dir.resolve("README.md");
      }
    }
    throw new AssertionError("README.md not found above " + System.getProperty("user.dir")
        + "; set the system property latchkey.projectRoot");
  }
}
