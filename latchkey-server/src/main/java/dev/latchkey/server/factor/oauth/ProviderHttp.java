package dev.latchkey.server.factor.oauth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.server.error.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The calls Latchkey makes to a provider: JSON over HTTPS with tight timeouts and a size limit, never following
 * redirects. A provider that cannot be reached or answers something unreadable is {@code oauth_provider_unavailable}
 * (502, "could not check"); a provider that answers with a refusal is left to the caller to judge.
 */
final class ProviderHttp {
  /** Discovery documents, JWKS, token replies and profiles are a few KB; 1 MiB is generous. */
  private static final int MAX_REPLY_BYTES = 1024 * 1024;
  /** A provider slower than this is treated as down: the user is waiting on a redirect. */
  static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT)
      .followRedirects(HttpClient.Redirect.NEVER).build();

  /** A reply: its status and its body read as JSON (null when it is not JSON). */
  record Reply(int status, JsonNode body) {}

  Reply get(String url, String bearer) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).GET()
        .header("Accept", "application/json").header("User-Agent", "Latchkey");
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    return send(b.build(), url);
  }

  Reply postForm(String url, Map<String, String> form) {
    String body = form.entrySet().stream().filter(e -> e.getValue() != null)
        .map(e -> enc(e.getKey()) + "=" + enc(e.getValue())).collect(Collectors.joining("&"));
    return send(HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT)
        .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json")
        .header("User-Agent", "Latchkey").POST(HttpRequest.BodyPublishers.ofString(body)).build(), url);
  }

  private Reply send(HttpRequest request, String url) {
    try {
      HttpResponse<InputStream> r = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
      byte[] bytes;
      try (InputStream in = r.body()) {
        bytes = in.readNBytes(MAX_REPLY_BYTES + 1);
      }
      if (bytes.length > MAX_REPLY_BYTES) {
        throw unavailable("the reply of " + host(url) + " is larger than 1 MiB");
      }
      JsonNode body;
      try {
        body = JSON.readTree(bytes);
      } catch (IOException e) {
        body = null;
      }
      return new Reply(r.statusCode(), body);
    } catch (IOException e) {
      throw unavailable(host(url) + " could not be reached (" + e.getClass().getSimpleName() + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable("interrupted while calling " + host(url));
    } catch (IllegalArgumentException e) {
      throw unavailable("the provider's URL " + host(url) + " is not usable");
    }
  }

  static dev.latchkey.server.error.ApiException unavailable(String why) {
    return ErrorCode.OAUTH_PROVIDER_UNAVAILABLE.exception("The OAuth provider could not be used: " + why
        + "; retry shortly.");
  }

  private static String host(String url) {
    try {
      URI u = URI.create(url);
      return u.getScheme() + "://" + u.getAuthority();
    } catch (IllegalArgumentException e) {
      return "the provider";
    }
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** A text field, or null when absent, null or not text. */
  static String text(JsonNode node, String field) {
    JsonNode v = node == null ? null : node.get(field);
    return v != null && v.isTextual() ? v.asText() : null;
  }
}
