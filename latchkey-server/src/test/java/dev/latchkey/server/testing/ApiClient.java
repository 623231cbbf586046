package dev.latchkey.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

/** A plain HTTP client for black-box tests: sends JSON text, returns status, headers and the parsed body. */
public final class ApiClient {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final ObjectMapper JSON = new ObjectMapper();
  private final String baseUrl;
  private final String authorization;
  private final Duration timeout;

  public ApiClient(String baseUrl, String projectId, String secret) {
    this(baseUrl, projectId == null ? null : basic(projectId, secret), Duration.ofSeconds(30));
  }

  private ApiClient(String baseUrl, String authorization, Duration timeout) {
    this.baseUrl = baseUrl;
    this.authorization = authorization;
    this.timeout = timeout;
  }

  /**
   * The same client, giving up on a reply after {@code timeout} (an {@link java.io.UncheckedIOException} wrapping
   * {@link java.net.http.HttpTimeoutException}), as a caller with its own deadline does, e.g. an orchestrator's probe.
   */
  public ApiClient withTimeout(Duration timeout) {
    return new ApiClient(baseUrl, authorization, timeout);
  }

  public static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  /** A reply: HTTP status, headers, raw body text, and the body parsed as JSON (null if it is not JSON). */
  public record Reply(int status, Map<String, java.util.List<String>> headers, String text, JsonNode json) {
    public String header(String name) {
      return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).findFirst()
          .map(e -> e.getValue().get(0)).orElse(null);
    }

    /** {@code json.path(field).asText()}, for brevity. */
    public String text(String field) {
      return json.path(field).asText();
    }
  }

  public Reply get(String path) {
    return send("GET", path, null, Map.of());
  }

  public Reply post(String path, String body) {
    return send("POST", path, body, Map.of());
  }

  public Reply put(String path, String body) {
    return send("PUT", path, body, Map.of());
  }

  public Reply delete(String path) {
    return send("DELETE", path, null, Map.of());
  }

  /** Any method, body and extra headers (which replace the defaults, Authorization included). */
  public Reply send(String method, String path, String body, Map<String, String> headers) {
    return exchange(method, path, body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8), body != null, headers);
  }

  /**
   * Any method with a raw byte body (for bytes that are not valid UTF-8, or bodies built in memory), sent with
   * {@code Content-Type: application/json} and this client's credentials unless {@code headers} replace them.
   */
  public Reply sendBytes(String method, String path, byte[] body, Map<String, String> headers) {
    return exchange(method, path, HttpRequest.BodyPublishers.ofByteArray(body), true, headers);
  }

  private Reply exchange(String method, String path, HttpRequest.BodyPublisher body, boolean hasBody,
      Map<String, String> headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(timeout)
        .method(method, body);
    if (authorization != null && !headers.containsKey("Authorization")) {
      b.header("Authorization", authorization);
    }
    if (hasBody && !headers.containsKey("Content-Type")) {
      b.header("Content-Type", "application/json");
    }
    headers.forEach(b::header);
    try {
      HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      JsonNode json;
      try {
        json = r.body().isEmpty() ? null : JSON.readTree(r.body());
      } catch (IOException e) {
        json = null;
      }
      return new Reply(r.statusCode(), r.headers().map(), r.body(), json);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** {@code POST} of raw bytes. */
  public Reply postBytes(String path, byte[] body) {
    return sendBytes("POST", path, body, Map.of());
  }

  public String baseUrl() {
    return baseUrl;
  }
}
