package dev.latchkey.client.okhttp;

import dev.latchkey.client.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Objects;
import okhttp3.Call;
import okhttp3.OkHttpClient;
import okhttp3.RequestBody;
import okhttp3.ResponseBody;

/**
 * A {@link Transport} on OkHttp, for Android (which has no {@code java.net.http}) and for apps that already
 * configure OkHttp (proxies, certificate pinning, interceptors). It behaves as the client's default transport does:
 * redirects are returned, never followed (a redirect must not carry the session token elsewhere); one timeout
 * bounds the whole call; a reply larger than 1 MiB is refused unread.
 *
 * <pre>{@code
 * LatchkeyClient client = LatchkeyClient.builder()
 *     .baseUrl(URI.create("https://auth.example.com"))
 *     .publicToken("public-token-live-...")
 *     .transport(OkHttpTransport.wrap(appOkHttpClient, Duration.ofSeconds(10)))
 *     .build();
 * }</pre>
 */
public final class OkHttpTransport implements Transport {
  /** No SDK reply is near this size (a user with every list full is a few KiB); a larger one is refused unread. */
  static final int MAX_REPLY_BYTES = 1024 * 1024;

  private final OkHttpClient http;

  private OkHttpTransport(OkHttpClient http) {
    this.http = http;
  }

  /** A transport on a new OkHttp client whose calls (connect, send, wait, read) each end within {@code timeout}. */
  public static OkHttpTransport create(Duration timeout) {
    return wrap(new OkHttpClient(), timeout);
  }

  /**
   * A transport on the app's own OkHttp client (sharing its connection pool, interceptors and TLS settings), with
   * redirects turned off and {@code timeout} as the bound of each whole call. The app's client is not changed.
   */
  public static OkHttpTransport wrap(OkHttpClient client, Duration timeout) {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout is " + timeout + "; it must be positive");
    }
    return new OkHttpTransport(client.newBuilder()
        .followRedirects(false)
        .followSslRedirects(false)
        .connectTimeout(timeout)
        .callTimeout(timeout)
        .build());
  }

  @Override
  public Response execute(Request request) throws IOException {
    okhttp3.Request.Builder b = new okhttp3.Request.Builder().url(request.uri().toString());
    request.headers().forEach(b::header);
    b.method(request.method(), body(request));
    Call call = http.newCall(b.build());
    try (okhttp3.Response r = call.execute()) {
      ResponseBody body = r.body();
      if (body.contentLength() > MAX_REPLY_BYTES) {
        throw tooLarge(request);
      }
      byte[] bytes;
      try (InputStream in = body.byteStream()) {
        bytes = in.readNBytes(MAX_REPLY_BYTES + 1);
      }
      if (bytes.length > MAX_REPLY_BYTES) {
        throw tooLarge(request);
      }
      return new Response(r.code(), bytes);
    }
  }

  /** OkHttp wants a body on POST and PUT (an empty one when the client sends none) and none on GET. */
  private static RequestBody body(Request request) {
    if (request.body() != null) {
      return RequestBody.create(request.body(), null);
    }
    return switch (request.method()) {
      case "POST", "PUT", "PATCH" -> RequestBody.create(new byte[0], null);
      default -> null;
    };
  }

  private static IOException tooLarge(Request request) {
    return new IOException("The reply to " + request.method() + " " + request.uri().getPath() + " exceeds "
        + MAX_REPLY_BYTES + " bytes");
  }

  @Override
  public String toString() {
    return "OkHttpTransport[callTimeout=" + http.callTimeoutMillis() + "ms]";
  }
}
