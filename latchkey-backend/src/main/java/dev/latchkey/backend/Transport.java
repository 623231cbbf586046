package dev.latchkey.backend;

import dev.latchkey.model.ErrorBody;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.model.WireJson;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

/**
 * HTTP and JSON for every call: HTTP Basic {@code project_id:secret}, Stytch's error shape mapped onto {@link
 * LatchkeyException}, a size limit on every reply, and a timeout on every request.
 */
final class Transport {
  /** No API reply is near this size (a user with every list full is a few KiB); a larger one is refused unread. */
  static final int MAX_API_REPLY_BYTES = 1024 * 1024;

  /** A reply: its status, body bytes, and the {@code Cache-Control} header if any. */
  record Reply(int status, byte[] body, Optional<String> cacheControl) {}

  private final HttpClient http;
  private final URI baseUrl;
  private final String authorization;
  private final Duration timeout;
  private final ObjectMapper json;

  Transport(HttpClient http, URI baseUrl, String projectId, String secret, Duration timeout) {
    this.http = http;
    this.baseUrl = baseUrl;
    this.authorization = "Basic " + Base64.getEncoder()
        .encodeToString((projectId + ":" + secret).getBytes(StandardCharsets.UTF_8));
    this.timeout = timeout;
    ObjectMapper mapper = WireJson.mapper();
    // Absent optional fields are left out rather than sent as null, as the official SDKs do.
    mapper.setDefaultPropertyInclusion(
        JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL));
    this.json = mapper;
  }

  Duration timeout() {
    return timeout;
  }

  ObjectMapper json() {
    return json;
  }

  /** An authenticated JSON call; a non-2xx reply becomes the server's error as a {@link LatchkeyException}. */
  <T> T call(String method, String path, Object body, Class<T> type) {
    HttpRequest.BodyPublisher publisher;
    try {
      publisher = body == null ? HttpRequest.BodyPublishers.noBody()
          : HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("The request cannot be written as JSON: " + e.getOriginalMessage(), e);
    }
    HttpRequest.Builder request = HttpRequest.newBuilder(resolve(path)).timeout(timeout)
        .header("Authorization", authorization).header("Accept", "application/json").method(method, publisher);
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    Reply reply = send(request.build(), MAX_API_REPLY_BYTES, timeout);
    if (reply.status() / 100 != 2) {
      throw serverError(reply);
    }
    return read(reply.body(), type);
  }

  /**
   * Opens an authenticated Server-Sent Events stream: the reply's status and, on 200, its body as it arrives (the
   * caller closes it). {@code timeout} bounds only the wait for the reply's headers.
   */
  java.net.http.HttpResponse<java.io.InputStream> openStream(String path, String lastEventId)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(resolve(path)).timeout(timeout)
        .header("Authorization", authorization).header("Accept", "text/event-stream").GET();
    if (lastEventId != null) {
      request.header("Last-Event-ID", lastEventId);
    }
    return http.send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofInputStream());
  }

  /** A GET without credentials (the JWKS is public), with its own timeout and size limit. */
  Reply getPublic(String path, Duration requestTimeout, int maxBytes) {
    HttpRequest request = HttpRequest.newBuilder(resolve(path)).timeout(requestTimeout)
        .header("Accept", "application/json").GET().build();
    return send(request, maxBytes, requestTimeout);
  }

  <T> T read(byte[] body, Class<T> type) {
    try {
      return json.readValue(body, type);
    } catch (IOException e) {
      throw LatchkeyException.local(LatchkeyException.Reason.BAD_RESPONSE,
          "The server's reply is not a valid " + type.getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  LatchkeyException serverError(Reply reply) {
    ErrorBody body = ErrorBody.fromReply(json, reply.status(), reply.body(), "");
    return LatchkeyException.fromServer(body.statusCode(), body.requestId(), body.errorType(), body.errorMessage());
  }

  private URI resolve(String path) {
    String base = baseUrl.toString();
    return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path);
  }

  private Reply send(HttpRequest request, int maxBytes, Duration requestTimeout) {
    try {
      HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = response.body()) {
        long declared = response.headers().firstValueAsLong("Content-Length").orElse(-1);
        if (declared > maxBytes) {
          throw tooLarge(request, maxBytes);
        }
        byte[] bytes = in.readNBytes(maxBytes + 1);
        if (bytes.length > maxBytes) {
          throw tooLarge(request, maxBytes);
        }
        return new Reply(response.statusCode(), bytes, response.headers().firstValue("Cache-Control"));
      }
    } catch (HttpTimeoutException e) {
      throw LatchkeyException.local(LatchkeyException.Reason.NETWORK_ERROR,
          request.method() + " " + request.uri().getPath() + " got no answer within " + requestTimeout, e);
    } catch (IOException e) {
      throw LatchkeyException.local(LatchkeyException.Reason.NETWORK_ERROR,
          request.method() + " " + request.uri().getPath() + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw LatchkeyException.local(LatchkeyException.Reason.NETWORK_ERROR,
          request.method() + " " + request.uri().getPath() + " was interrupted", e);
    }
  }

  private static LatchkeyException tooLarge(HttpRequest request, int maxBytes) {
    return LatchkeyException.local(LatchkeyException.Reason.BAD_RESPONSE,
        "The reply to " + request.method() + " " + request.uri().getPath() + " exceeds " + maxBytes + " bytes");
  }
}
