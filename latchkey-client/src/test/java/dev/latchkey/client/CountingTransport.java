package dev.latchkey.client;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The real JDK transport, recording each request path and able to hold requests at a gate (to make a request be
 * in flight while the test changes the session). The answers are the real server's.
 */
final class CountingTransport implements Transport {
  private final Transport real = Transport.jdk(java.time.Duration.ofSeconds(10));
  final List<String> paths = new CopyOnWriteArrayList<>();
  private volatile CountDownLatch gate;
  private volatile String heldPath;
  private volatile CountDownLatch arrived = new CountDownLatch(1);

  /** Holds every request to {@code path} until {@link #open()}, after recording it; others pass. */
  void hold(String path) {
    heldPath = path;
    gate = new CountDownLatch(1);
    arrived = new CountDownLatch(1);
  }

  void open() {
    gate.countDown();
  }

  /** Waits until a request reached the gate. */
  void awaitArrival() throws InterruptedException {
    if (!arrived.await(20, TimeUnit.SECONDS)) {
      throw new AssertionError("no request arrived within 20 s");
    }
  }

  long count(String path) {
    return paths.stream().filter(path::equals).count();
  }

  @Override
  public Response execute(Request request) throws IOException {
    paths.add(request.uri().getPath());
    CountDownLatch g = gate;
    if (g != null && request.uri().getPath().equals(heldPath)) {
      arrived.countDown();
      try {
        if (!g.await(20, TimeUnit.SECONDS)) {
          throw new IOException("the test never opened the gate");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
    }
    return real.execute(request);
  }
}
