package dev.latchkey.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The Prometheus text exposition format read by Prometheus' own parser (the official Python client's
 * {@code prometheus_client.parser}, Debian's python3-prometheus-client, installed by bin/test), not by a parser
 * written here: a scrape that it refuses fails the test with its message.
 */
public final class PrometheusText {
  private static final String PARSE = String.join("\n",
      "import json, sys",
      "from prometheus_client.parser import text_string_to_metric_families",
      "out = []",
      "for f in text_string_to_metric_families(sys.stdin.read()):",
      "    out.append({'name': f.name, 'type': f.type, 'samples': [",
      "        {'name': s.name, 'labels': s.labels, 'value': s.value} for s in f.samples]})",
      "print(json.dumps(out))");

  public record Sample(String name, Map<String, String> labels, double value) {}

  public record Family(String name, String type, List<Sample> samples) {}

  private PrometheusText() {}

  public static Map<String, Family> parse(String text) {
    try {
      Process p = new ProcessBuilder("/usr/bin/python3", "-c", PARSE).start();
      try (OutputStream in = p.getOutputStream()) {
        in.write(text.getBytes(StandardCharsets.UTF_8));
      }
      byte[] out = p.getInputStream().readAllBytes();
      String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new AssertionError("Prometheus' parser refused the scrape (or is missing: bin/test installs "
            + "python3-prometheus-client): " + err);
      }
      Map<String, Family> families = new TreeMap<>();
      for (JsonNode f : new ObjectMapper().readTree(out)) {
        List<Sample> samples = new ArrayList<>();
        for (JsonNode s : f.path("samples")) {
          Map<String, String> labels = new TreeMap<>();
          s.path("labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
          samples.add(new Sample(s.path("name").asText(), labels, s.path("value").asDouble()));
        }
        families.put(f.path("name").asText(), new Family(f.path("name").asText(), f.path("type").asText(), samples));
      }
      return families;
    } catch (IOException e) {
      throw new AssertionError("cannot run /usr/bin/python3 for Prometheus' parser: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
