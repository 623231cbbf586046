package dev.latchkey.backend;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A real HTTP proxy in front of a Latchkey server that records every request line it forwards, so tests can count
 * JWKS fetches and API calls over the wire. Its own address stays the same when the upstream server is restarted on
 * another port ({@link #upstream(String)}). When the upstream is down it answers 502 with an empty body.
 */
final class CountingProxy implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "counting-proxy");
    t.setDaemon(true);
    return t;
  });
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private volatile String upstream;

  CountingProxy(String upstream) throws IOException {
    this.upstream = upstream;
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::forward);
    server.setExecutor(executor);
    server.start();
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  void upstream(String baseUrl) {
    this.upstream = baseUrl;
  }

  /** How many requests went through whose {@code "METHOD /path"} starts with {@code prefix}. */
  long count(String prefix) {
    return requests.stream().filter(r -> r.startsWith(prefix)).count();
  }

  long jwksFetches() {
    return count("GET /v1/sessions/jwks/");
  }

  private void forward(HttpExchange ex) throws IOException {
    String pathAndQuery = ex.getRequestURI().getRawPath()
        + (ex.getRequestURI().getRawQuery() == null ? "" : "?" + ex.getRequestURI().getRawQuery());
    requests.add(ex.getRequestMethod() + " " + pathAndQuery);
    byte[] body = ex.getRequestBody().readAllBytes();
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(upstream + pathAndQuery)).timeout(Duration.ofSeconds(10))
        .method(ex.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body));
    for (String h : List.of("Authorization", "Content-Type", "Accept")) {
      String v = ex.getRequestHeaders().getFirst(h);
      if (v != null) {
        b.header(h, v);
      }
    }
    try {
      HttpResponse<byte[]> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      for (String h : List.of("Content-Type", "Cache-Control")) {
        r.headers().firstValue(h).ifPresent(v -> ex.getResponseHeaders().set(h, v));
      }
      ex.sendResponseHeaders(r.statusCode(), r.body().length == 0 ? -1 : r.body().length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(r.body());
      }
    } catch (IOException e) {
      ex.sendResponseHeaders(502, -1);
      ex.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ex.sendResponseHeaders(502, -1);
      ex.close();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
