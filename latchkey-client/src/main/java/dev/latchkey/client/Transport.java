package dev.latchkey.client;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * How the client sends one HTTP request. The default uses the JDK's {@link HttpClient}; an Android app (or one
 * with its own HTTP stack, proxy or certificate pinning) supplies its own, e.g. on OkHttp.
 *
 * <p>Rules for implementers: send exactly the method, URI, headers and body given; return any HTTP status as a
 * {@link Response} (a 4xx or 5xx is not an exception); throw {@link IOException} when no answer arrived (refused
 * connection, timeout, TLS failure). Enforce a timeout: a request that hangs holds back the background refresh.
 * Calls come from the client's I/O threads, several at a time.
 *
 * <pre>{@code
 * Transport okHttp = request -> {
 *   okhttp3.Request.Builder b = new okhttp3.Request.Builder().url(request.uri().toString());
 *   request.headers().forEach(b::header);
 *   b.method(request.method(), request.body() == null ? null : RequestBody.create(request.body()));
 *   try (okhttp3.Response r = okHttpClient.newCall(b.build()).execute()) {
 *     return new Transport.Response(r.code(), r.body().bytes());
 *   }
 * };
 * }</pre>
 */
@FunctionalInterface
public interface Transport {

  /** Sends the request and returns the server's answer, whatever its status. */
  Response execute(Request request) throws IOException;

  /** The default: the JDK's {@link HttpClient} with {@code timeout} as connect and whole-request timeout. */
  static Transport jdk(Duration timeout) {
    return new JdkTransport(timeout);
  }

  /**
   * One request.
   *
   * @param method {@code GET} or {@code POST}
   * @param uri the full URL
   * @param headers header names to values; the {@code Authorization} value is a secret and must not be logged
   * @param body the JSON body, or null for none
   */
  record Request(String method, URI uri, Map<String, String> headers, byte[] body) {
    public Request {
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(uri, "uri");
      headers = Map.copyOf(headers);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Request && method.equals(((Request) o).method) && uri.equals(((Request) o).uri)
          && headers.equals(((Request) o).headers) && Arrays.equals(body, ((Request) o).body);
    }

    @Override
    public int hashCode() {
      return Objects.hash(method, uri, headers, Arrays.hashCode(body));
    }

    @Override
    public String toString() {
      return "Request[" + method + " " + uri + "]"; // headers carry the session token
    }
  }

  /**
   * One answer.
   *
   * @param status the HTTP status
   * @param body the body bytes (empty, never null)
   */
  record Response(int status, byte[] body) {
    public Response {
      body = body == null ? new byte[0] : body;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Response && status == ((Response) o).status && Arrays.equals(body, ((Response) o).body);
    }

    @Override
    public int hashCode() {
      return 31 * status + Arrays.hashCode(body);
    }

    @Override
    public String toString() {
      return "Response[status=" + status + ", " + body.length + " bytes]";
    }
  }
}
