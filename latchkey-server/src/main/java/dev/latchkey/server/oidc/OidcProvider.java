package dev.latchkey.server.oidc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

/**
 * One OpenID Connect provider, named by its issuer URL: finds its endpoints by OIDC discovery
 * ({@code <issuer>/.well-known/openid-configuration}) and calls its UserInfo endpoint with an access token. Shared by
 * whatever signs users in through another provider (session migration today).
 *
 * <p>Outgoing calls are bounded: {@link #TIMEOUT} to connect and to answer, replies of at most
 * {@link #MAX_REPLY_BYTES}, no redirects followed, and {@code https} only (plain {@code http} is allowed to a loopback
 * host, for tests and a provider on the same machine). The discovered document must name this issuer exactly (OIDC
 * Discovery 1.0, section 4.3). It is cached for {@link #DISCOVERY_TTL}; when a refresh fails the last good one is
 * used.
 *
 * <pre>{@code
 * OidcProvider idp = new OidcProvider(URI.create("https://login.example.com"), Clock.systemUTC());
 * Map<String, Object> claims = idp.userInfo(accessToken); // "sub", "email", "email_verified", ...
 * }</pre>
 */
public final class OidcProvider {
  /** Connect and reply deadline of every call: a provider slower than this is treated as down. */
  public static final Duration TIMEOUT = Duration.ofSeconds(5);
  /** Discovery documents and UserInfo replies are a few KiB; anything past this is refused unread. */
  public static final int MAX_REPLY_BYTES = 64 * 1024;
  /** How long a discovered configuration is used before it is fetched again. */
  public static final Duration DISCOVERY_TTL = Duration.ofHours(1);
  /** RFC 6750 {@code b64token}, bounded: anything else cannot be a bearer token and is not sent. */
  private static final Pattern BEARER_TOKEN = Pattern.compile("[A-Za-z0-9\\-._~+/]{1,8192}=*");
  private static final ObjectMapper JSON = new ObjectMapper();

  private record Discovered(URI userInfoEndpoint, Instant fetchedAt) {}

  private final URI issuer;
  private final Clock clock;
  private final HttpClient http;
  private final AtomicReference<Discovered> discovered = new AtomicReference<>();

  /** @throws IllegalArgumentException when {@code issuer} is not an https URL (or http to a loopback host) */
  public OidcProvider(URI issuer, Clock clock) {
    String problem = checkUrl(issuer);
    if (problem != null) {
      throw new IllegalArgumentException("issuer " + issuer + " " + problem);
    }
    this.issuer = issuer;
    this.clock = clock;
    this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
  }

  public URI issuer() {
    return issuer;
  }

  /**
   * Why {@code url} may not be called (null when it may): it must be absolute {@code https}, or {@code http} to a
   * loopback host ({@code localhost}, 127.0.0.0/8, {@code ::1}); without user info or fragment.
   */
  public static String checkUrl(URI url) {
    if (url == null || !url.isAbsolute() || url.getHost() == null) {
      return "is not an absolute URL with a host";
    }
    if (url.getRawUserInfo() != null || url.getRawFragment() != null) {
      return "may have neither user info nor a fragment";
    }
    String scheme = url.getScheme().toLowerCase(Locale.ROOT);
    if (scheme.equals("https")) {
      return null;
    }
    if (scheme.equals("http") && isLoopback(url.getHost())) {
      return null;
    }
    return "must use https (plain http only to a loopback host such as 127.0.0.1)";
  }

  private static boolean isLoopback(String host) {
    String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    if (h.equalsIgnoreCase("localhost")) {
      return true;
    }
    // Literals only: a name other than localhost is never resolved to decide this.
    if (!h.matches("[0-9.]+") && !h.contains(":")) {
      return false;
    }
    try {
      return InetAddress.getByName(h.contains(":") ? "[" + h + "]" : h).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /**
   * The provider's UserInfo claims for {@code accessToken} (a JSON object; it must have a {@code sub}).
   *
   * @throws OidcException {@code REJECTED} when the provider refuses the token (401 or 403, or a token that cannot
   *     be a bearer token), {@code UNAVAILABLE} for every other failure
   */
  public Map<String, Object> userInfo(String accessToken) {
    if (accessToken == null || !BEARER_TOKEN.matcher(accessToken).matches()) {
      throw new OidcException(OidcException.Kind.REJECTED, "the access token is not a bearer token");
    }
    URI endpoint = userInfoEndpoint();
    HttpResponse<InputStream> reply = send(HttpRequest.newBuilder(endpoint).timeout(TIMEOUT)
        .header("Authorization", "Bearer " + accessToken).header("Accept", "application/json").GET().build());
    int status = reply.statusCode();
    if (status == 401 || status == 403) {
      drain(reply);
      throw new OidcException(OidcException.Kind.REJECTED, "the UserInfo endpoint refused the token (" + status + ")");
    }
    if (status != 200) {
      drain(reply);
      throw new OidcException(OidcException.Kind.UNAVAILABLE, "the UserInfo endpoint answered " + status);
    }
    String type = reply.headers().firstValue("Content-Type").orElse("").toLowerCase(Locale.ROOT);
    if (!type.startsWith("application/json")) {
      drain(reply);
      throw new OidcException(OidcException.Kind.UNAVAILABLE,
          "the UserInfo reply is not application/json (signed or encrypted UserInfo is not supported)");
    }
    JsonNode claims = readObject(reply, "UserInfo reply");
    if (!claims.path("sub").isTextual() || claims.path("sub").asText().isEmpty()) {
      throw new OidcException(OidcException.Kind.UNAVAILABLE, "the UserInfo reply has no sub");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> map = JSON.convertValue(claims, Map.class);
    return map;
  }

  /** The UserInfo endpoint, discovered (or the cached one while it is fresh, or the last good one on failure). */
  URI userInfoEndpoint() {
    Instant now = clock.instant();
    Discovered d = discovered.get();
    if (d != null && now.isBefore(d.fetchedAt().plus(DISCOVERY_TTL))) {
      return d.userInfoEndpoint();
    }
    try {
      Discovered fresh = new Discovered(discover(), now);
      discovered.set(fresh);
      return fresh.userInfoEndpoint();
    } catch (OidcException e) {
      if (d != null) {
        return d.userInfoEndpoint();
      }
      throw e;
    }
  }

  private URI discover() {
    String base = issuer.toString();
    URI url = URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base)
        + "/.well-known/openid-configuration");
    HttpResponse<InputStream> reply = send(HttpRequest.newBuilder(url).timeout(TIMEOUT)
        .header("Accept", "application/json").GET().build());
    if (reply.statusCode() != 200) {
      drain(reply);
      throw new OidcException(OidcException.Kind.UNAVAILABLE, "OIDC discovery at " + url + " answered "
          + reply.statusCode());
    }
    JsonNode config = readObject(reply, "OIDC discovery document");
    if (!issuer.toString().equals(config.path("issuer").asText(null))) {
      throw new OidcException(OidcException.Kind.UNAVAILABLE, "the discovery document names another issuer than "
          + issuer);
    }
    String endpoint = config.path("userinfo_endpoint").asText("");
    URI userInfo;
    try {
      userInfo = new URI(endpoint);
    } catch (java.net.URISyntaxException e) {
      throw new OidcException(OidcException.Kind.UNAVAILABLE, "the discovery document's userinfo_endpoint is not a URL");
    }
    String problem = checkUrl(userInfo);
    if (endpoint.isEmpty() || problem != null) {
      throw new OidcException(OidcException.Kind.UNAVAILABLE, "the discovery document's userinfo_endpoint "
          + (endpoint.isEmpty() ? "is missing" : problem));
    }
    return userInfo;
  }

  private HttpResponse<InputStream> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw new OidcException(OidcException.Kind.UNAVAILABLE, "could not reach " + request.uri().getHost() + ": "
          + e.getClass().getSimpleName(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OidcException(OidcException.Kind.UNAVAILABLE, "interrupted while calling the provider", e);
    }
  }

  private static JsonNode readObject(HttpResponse<InputStream> reply, String what) {
    try (InputStream in = reply.body()) {
      byte[] body = in.readNBytes(MAX_REPLY_BYTES + 1);
      if (body.length > MAX_REPLY_BYTES) {
        throw new OidcException(OidcException.Kind.UNAVAILABLE, "the " + what + " is larger than "
            + MAX_REPLY_BYTES + " bytes");
      }
      JsonNode node = JSON.readTree(body);
      if (node == null || !node.isObject()) {
        throw new OidcException(OidcException.Kind.UNAVAILABLE, "the " + what + " is not a JSON object");
      }
      return node;
    } catch (IOException e) {
      throw new OidcException(OidcException.Kind.UNAVAILABLE, "the " + what + " could not be read as JSON", e);
    }
  }

  private static void drain(HttpResponse<InputStream> reply) {
    try (InputStream in = reply.body()) {
      in.readNBytes(MAX_REPLY_BYTES);
    } catch (IOException e) {
      // Only to release the connection; the status already decided the outcome.
    }
  }
}
