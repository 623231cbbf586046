package dev.latchkey.server.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A tiny web server for browser tests: serves pages and scripts a test registers, on {@code localhost} and a free
 * port (a secure context for WebAuthn without TLS). Its {@link #origin()} is what the browser sends as
 * {@code Origin}, so the server under test can be told to allow it.
 *
 * <pre>{@code
 * try (StaticSite site = StaticSite.start()) {
 *   site.add("/index.html", "text/html", "<!doctype html>...");
 *   site.addFile("/sdk.js", "text/javascript", Path.of("compat/node/node_modules/..."));
 *   browser.driver().get(site.url("/index.html"));
 * }
 * }</pre>
 */
public final class StaticSite implements AutoCloseable {
  private record Resource(String contentType, byte[] body) {}

  private final HttpServer server;
  private final Map<String, Resource> resources = new ConcurrentHashMap<>();

  private StaticSite(HttpServer server) {
    this.server = server;
  }

  public static StaticSite start() {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      StaticSite site = new StaticSite(server);
      server.createContext("/", exchange -> {
        Resource r = site.resources.get(exchange.getRequestURI().getPath());
        byte[] body = r == null ? "not found".getBytes(StandardCharsets.UTF_8) : r.body();
        exchange.getResponseHeaders().set("Content-Type", r == null ? "text/plain" : r.contentType());
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(r == null ? 404 : 200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      });
      server.start();
      return site;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public StaticSite add(String path, String contentType, String body) {
    resources.put(path, new Resource(contentType + "; charset=utf-8", body.getBytes(StandardCharsets.UTF_8)));
    return this;
  }

  public StaticSite addFile(String path, String contentType, Path file) {
    try {
      resources.put(path, new Resource(contentType + "; charset=utf-8", Files.readAllBytes(file)));
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** {@code http://localhost:<port>}: the page's origin as the browser sends it. */
  public String origin() {
    return "http://localhost:" + server.getAddress().getPort();
  }

  public String url(String path) {
    return origin() + path;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
