package dev.latchkey.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code docs/api.md}, read the way {@link ApiDocTest} checks it. The format is described in the document itself
 * ("Reading the examples"): an endpoint is a heading {@code ### METHOD /path}; an example is an {@code http} block
 * (request line, headers, blank line, body) followed by the {@code json} block of its reply; the error table is
 * the table under {@code ## Errors}; an endpoint's errors are the backticked names after {@code **Errors:**}.
 *
 * <pre>{@code
 * ApiDocument doc = ApiDocument.parse(Files.readString(Path.of("docs/api.md")));
 * doc.endpoints();   // ["GET /healthz", "POST /v1/users", ...]
 * }</pre>
 */
final class ApiDocument {
  private static final Pattern HEADING = Pattern.compile("^(#{1,6}) (.+?)\\s*$");
  private static final Pattern ENDPOINT = Pattern.compile("^(GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS) (/\\S*)$");
  private static final Pattern ERROR_ROW = Pattern.compile("^\\| `([a-z0-9_]+)` \\| (\\d{3}) \\|.*\\|\\s*$");
  private static final Pattern BACKTICKED = Pattern.compile("`([^`]+)`");

  /** A fenced block: its info string, its text, the line it starts on, and the heading it sits under. */
  record Block(String info, String text, int line, String heading, String endpoint) {}

  /** One example: the {@code http} request block and the {@code json} reply block after it. */
  record Example(Block request, Block reply) {
    int line() {
      return request.line();
    }
  }

  /** Either an {@link Example} or a free-standing JSON block, in document order. */
  sealed interface Item permits ExampleItem, JsonItem {}

  record ExampleItem(Example example) implements Item {}

  record JsonItem(Block block) implements Item {}

  private final List<String> endpoints = new ArrayList<>();
  private final Map<String, List<String>> errorsByEndpoint = new LinkedHashMap<>();
  private final Map<String, List<Integer>> errorTable = new LinkedHashMap<>();
  private final List<Item> items = new ArrayList<>();

  private ApiDocument() {}

  static ApiDocument load(Path file) {
    try {
      return parse(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ApiDocument parse(String markdown) {
    ApiDocument doc = new ApiDocument();
    String[] lines = markdown.split("\n", -1);
    String heading = "";
    String endpoint = null;
    int endpointLevel = 0;
    List<Block> blocks = new ArrayList<>();
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (line.startsWith("```")) {
        String info = line.substring(3).strip();
        StringBuilder text = new StringBuilder();
        int start = i + 1;
        for (i++; i < lines.length && !lines[i].startsWith("```"); i++) {
          text.append(lines[i]).append('\n');
        }
        if (i >= lines.length) {
          throw new IllegalArgumentException("line " + start + ": a fenced block is never closed");
        }
        blocks.add(new Block(info, text.toString(), start, heading, endpoint));
        continue;
      }
      Matcher h = HEADING.matcher(line);
      if (h.matches()) {
        int level = h.group(1).length();
        heading = h.group(2);
        if (endpoint != null && level <= endpointLevel) {
          endpoint = null;
        }
        if (ENDPOINT.matcher(heading).matches()) {
          endpoint = heading;
          endpointLevel = level;
          doc.endpoints.add(heading);
        }
        continue;
      }
      if (endpoint != null && line.startsWith("**Errors:**")) {
        List<String> names = new ArrayList<>();
        for (int j = i; j < lines.length && !lines[j].isBlank(); j++) {
          Matcher m = BACKTICKED.matcher(lines[j]);
          while (m.find()) {
            names.add(m.group(1));
          }
        }
        doc.errorsByEndpoint.put(endpoint, names);
      }
      Matcher row = ERROR_ROW.matcher(line);
      if (heading.equals("Errors") && row.matches()) {
        doc.errorTable.computeIfAbsent(row.group(1), k -> new ArrayList<>()).add(Integer.parseInt(row.group(2)));
      }
    }
    for (int b = 0; b < blocks.size(); b++) {
      Block block = blocks.get(b);
      if (block.info().equals("http")) {
        Block reply = b + 1 < blocks.size() ? blocks.get(b + 1) : null;
        if (reply == null || !reply.info().equals("json")) {
          throw new IllegalArgumentException("line " + block.line() + ": an http request block must be followed by"
              + " the json block of its reply");
        }
        doc.items.add(new ExampleItem(new Example(block, reply)));
        b++;
      } else if (block.info().equals("json")) {
        doc.items.add(new JsonItem(block));
      }
    }
    return doc;
  }

  /** Every endpoint heading, as {@code "METHOD /path"}, in document order (duplicates kept). */
  List<String> endpoints() {
    return List.copyOf(endpoints);
  }

  /** The error names listed after {@code **Errors:**} in each endpoint's section. */
  Map<String, List<String>> errorsByEndpoint() {
    return errorsByEndpoint;
  }

  /** The error table: each error_type with the statuses of its rows (one row each when the table is right). */
  Map<String, List<Integer>> errorTable() {
    return errorTable;
  }

  /** Examples and free-standing JSON blocks, in document order. */
  List<Item> items() {
    return List.copyOf(items);
  }

  List<Example> examples() {
    return items.stream().filter(ExampleItem.class::isInstance).map(i -> ((ExampleItem) i).example()).toList();
  }
}
