package dev.latchkey.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The driver's bookkeeping against a small local HTTP server whose behaviour the test sets: one successful call in
 * {@link #STALL_EVERY} stalls for {@link #STALL}. Nothing asserts how fast anything is; the windows are seconds
 * long so that a loaded CI machine still completes calls inside them.
 */
class LoadDriverTest {
  private static final int STALL_EVERY = 25;
  private static final Duration STALL = Duration.ofMillis(250);
  private final AtomicLong calls = new AtomicLong();
  private HttpServer server;
  private LoadDriver.Target target;

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/", exchange -> {
      exchange.getRequestBody().readAllBytes();
      int status = exchange.getRequestURI().getPath().equals("/missing") ? 404 : 200;
      if (status == 200 && calls.incrementAndGet() % STALL_EVERY == 0) {
        // The behaviour under test is the driver's view of a stalling server, so the server really stalls.
        try {
          Thread.sleep(STALL);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      byte[] body = "{\"status_code\":200}".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(status, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    target = new LoadDriver.Target("127.0.0.1", server.getAddress().getPort());
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  private Workload post(String path) {
    return (c, s) -> Workload.post(target.host(), target.port(), path, null, null, "{\"n\":" + s + "}");
  }

  @Test
  void closedLoopChargesAStallToTheRequestsItHeldBack() throws InterruptedException {
    LoadResult r = LoadDriver.run("stall", "test", List.of(target), List.of(), post("/"),
        new LoadDriver.Spec(2, Duration.ofMillis(500), Duration.ofSeconds(2), 0));

    assertThat(r.requests()).isPositive();
    assertThat(r.errors()).isZero();
    assertThat(r.recorded()).as("latency samples, with the ones the stalls held back").isGreaterThan(r.requests());
    assertThat(r.maxMicros()).as("a stalled call is in the histogram").isGreaterThanOrEqualTo(STALL.toNanos() / 1000);
  }

  @Test
  void openLoopNeverSendsMoreThanItsSchedule() throws InterruptedException {
    double rate = 200;
    LoadResult r = LoadDriver.run("paced", "test", List.of(target), List.of(), post("/"),
        new LoadDriver.Spec(4, Duration.ofMillis(200), Duration.ofSeconds(2), rate));

    assertThat(r.requests()).isPositive().isLessThanOrEqualTo((long) (rate * r.seconds()) + 4);
    assertThat(r.recorded()).as("open loop needs no correction: one sample per call").isEqualTo(r.requests());
  }

  @Test
  void anUnexpectedStatusIsAnErrorQuotedInTheResult() throws InterruptedException {
    LoadResult r = LoadDriver.run("missing", "test", List.of(target), List.of(), post("/missing"),
        new LoadDriver.Spec(1, Duration.ZERO, Duration.ofSeconds(2), 0));

    assertThat(r.requests()).isZero();
    assertThat(r.errors()).isPositive();
    assertThat(r.firstError()).startsWith("HTTP 404: {\"status_code\":200}");
  }
}
