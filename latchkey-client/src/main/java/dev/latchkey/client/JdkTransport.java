package dev.latchkey.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** {@link Transport} on the JDK's {@link HttpClient}: no redirects, one timeout, a cap on the reply size. */
final class JdkTransport implements Transport, AutoCloseable {
  /** No SDK reply is near this size (a user with every list full is a few KiB); a larger one is refused unread. */
  static final int MAX_REPLY_BYTES = 1024 * 1024;

  private final HttpClient http;
  private final Duration timeout;

  JdkTransport(Duration timeout) {
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
  }

  @Override
  public Response execute(Request request) throws IOException {
    HttpRequest.Builder b = HttpRequest.newBuilder(request.uri()).timeout(timeout).method(request.method(),
        request.body() == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(request.body()));
    request.headers().forEach(b::header);
    try {
      HttpResponse<InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = r.body()) {
        byte[] bytes = in.readNBytes(MAX_REPLY_BYTES + 1);
        if (bytes.length > MAX_REPLY_BYTES) {
          throw new IOException("The reply to " + request.method() + " " + request.uri().getPath() + " exceeds "
              + MAX_REPLY_BYTES + " bytes");
        }
        return new Response(r.statusCode(), bytes);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(request.method() + " " + request.uri().getPath() + " was interrupted", e);
    }
  }

  /** Releases the HTTP client on Java 21 and later, where it can be closed; on 17 its threads end when collected. */
  @Override
  public void close() {
    Object client = http;
    if (client instanceof AutoCloseable) {
      try {
        ((AutoCloseable) client).close();
      } catch (Exception e) {
        // Closing only waits for requests in flight; a failure leaves nothing to clean up.
      }
    }
  }
}
