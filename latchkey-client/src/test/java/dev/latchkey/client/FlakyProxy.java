package dev.latchkey.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTP reverse proxy in front of a real server, which a test can switch to answer like a broken gateway
 * (HTTP 502 with an HTML page, or 503 with a JSON error), to hang, or to drop the {@code Authorization} header, as
 * happens in front of real deployments.
 */
final class FlakyProxy implements AutoCloseable {
  enum Mode { PASS, STRIP_AUTHORIZATION, BAD_GATEWAY_HTML, UNAVAILABLE_JSON, HANG }

  private static final Set<String> HOP_HEADERS = Set.of("connection", "content-length", "host", "transfer-encoding",
      "upgrade", "keep-alive", "expect");
  private final HttpServer http;
  private final HttpClient client = HttpClient.newHttpClient();
  private final CountDownLatch released = new CountDownLatch(1);
  private volatile URI upstream;
  private volatile Mode mode = Mode.PASS;

  FlakyProxy(String upstream) throws IOException {
    this.upstream = URI.create(upstream);
    http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    http.setExecutor(Executors.newCachedThreadPool());
    http.createContext("/", this::handle);
    http.start();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + http.getAddress().getPort();
  }

  void mode(Mode m) {
    mode = m;
  }

  void upstream(String baseUrl) {
    upstream = URI.create(baseUrl);
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      byte[] body = ex.getRequestBody().readAllBytes();
      switch (mode) {
        case BAD_GATEWAY_HTML -> reply(ex, 502, "text/html", "<html><body>502 Bad Gateway</body></html>");
        case UNAVAILABLE_JSON -> reply(ex, 503, "application/json", "{\"status_code\":503,\"request_id\":\"r\","
            + "\"error_type\":\"internal_server_error\",\"error_message\":\"down\",\"error_url\":\"u\"}");
        case HANG -> {
          released.await(30, TimeUnit.SECONDS);
          reply(ex, 504, "text/plain", "gave up");
        }
        default -> forward(ex, body); // PASS, and STRIP_AUTHORIZATION as a misconfigured proxy does
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void forward(HttpExchange ex, byte[] body) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(upstream.resolve(ex.getRequestURI().toString()))
        .method(ex.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body));
    ex.getRequestHeaders().forEach((name, values) -> {
      boolean stripped = mode == Mode.STRIP_AUTHORIZATION && name.equalsIgnoreCase("Authorization");
      if (!HOP_HEADERS.contains(name.toLowerCase()) && !stripped) {
        values.forEach(v -> b.header(name, v));
      }
    });
    HttpResponse<InputStream> r;
    try {
      r = client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      reply(ex, 502, "text/html", "<html>upstream unreachable</html>");
      return;
    }
    byte[] bytes;
    try (InputStream in = r.body()) {
      bytes = in.readAllBytes();
    }
    r.headers().firstValue("Content-Type").ifPresent(v -> ex.getResponseHeaders().add("Content-Type", v));
    ex.sendResponseHeaders(r.statusCode(), bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static void reply(HttpExchange ex, int status, String type, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", type);
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    released.countDown();
    http.stop(0);
  }
}
