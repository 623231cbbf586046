package dev.latchkey.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A Server-Sent Events reader for tests: opens a stream and parses what arrives, on its own thread, into a queue of
 * {@link Item}s (events, comments, and the end of the stream). Waits are bounded; nothing here measures time.
 */
public final class SseStream implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final ObjectMapper JSON = new ObjectMapper();
  /** How long a test waits for something that should arrive in milliseconds. */
  public static final Duration WAIT = Duration.ofSeconds(20);

  /** One thing read: an event (id, event, data), a comment (comment set), or the end (ended). */
  public record Item(String id, String event, String data, String comment, boolean ended) {
    public JsonNode json() {
      try {
        return JSON.readTree(data);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  public final int status;
  public final String contentType;
  private final BlockingQueue<Item> items = new LinkedBlockingQueue<>();
  private final InputStream body;
  private final String errorBody;

  private SseStream(HttpResponse<InputStream> r) throws IOException {
    this.status = r.statusCode();
    this.contentType = r.headers().firstValue("content-type").orElse("");
    this.body = r.body();
    if (status != 200) {
      this.errorBody = new String(body.readAllBytes(), StandardCharsets.UTF_8);
      return;
    }
    this.errorBody = null;
    Thread.ofVirtual().start(this::read);
  }

  /** Opens {@code baseUrl + path} with {@code authorization} and the extra headers (e.g. Last-Event-ID). */
  public static SseStream open(String baseUrl, String path, String authorization, Map<String, String> headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).GET()
        .header("Accept", "text/event-stream").header("Authorization", authorization);
    headers.forEach(b::header);
    try {
      return new SseStream(HTTP.send(b.build(), HttpResponse.BodyHandlers.ofInputStream()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The error reply's body parsed as JSON, when the status was not 200. */
  public JsonNode error() {
    try {
      return JSON.readTree(errorBody);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void read() {
    String id = null;
    String event = null;
    StringBuilder data = null;
    try (BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isEmpty()) {
          if (data != null || event != null) {
            items.add(new Item(id, event, data == null ? "" : data.toString(), null, false));
          }
          id = null;
          event = null;
          data = null;
        } else if (line.startsWith(":")) {
          items.add(new Item(null, null, null, line.substring(1).trim(), false));
        } else if (line.startsWith("id:")) {
          id = line.substring(3).trim();
        } else if (line.startsWith("event:")) {
          event = line.substring(6).trim();
        } else if (line.startsWith("data:")) {
          data = (data == null ? new StringBuilder() : data.append('\n')).append(line.substring(5).trim());
        }
      }
    } catch (IOException e) {
      // closed
    }
    items.add(new Item(null, null, null, null, true));
  }

  /** The next item, waiting at most {@link #WAIT}; fails the test when nothing comes. */
  public Item next() {
    try {
      Item item = items.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      if (item == null) {
        throw new AssertionError("nothing arrived on the event stream within " + WAIT);
      }
      return item;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The next event (comments skipped), or an item with {@code ended} when the stream ended first. */
  public Item nextEvent() {
    while (true) {
      Item item = next();
      if (item.comment() == null) {
        return item;
      }
    }
  }

  /** The next event of {@code type}, skipping others and comments. */
  public Item nextEvent(String type) {
    while (true) {
      Item item = nextEvent();
      if (item.ended() || type.equals(item.event())) {
        return item;
      }
    }
  }

  @Override
  public void close() {
    try {
      body.close();
    } catch (IOException e) {
      // already closed
    }
  }
}
