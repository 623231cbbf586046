package dev.latchkey.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A browser for the redirect part of an OAuth flow: it keeps cookies and follows redirects one hop at a time, so a
 * test sees every stop (Latchkey's start, the provider's authorize, Latchkey's callback) and stops where the browser
 * would leave for the app ({@link #appPrefix}).
 *
 * <pre>{@code
 * OAuthBrowser browser = new OAuthBrowser(TestServer.REDIRECT_URL);
 * String landing = browser.follow(server.baseUrl() + "/v1/public/oauth/google/start?public_token=" + token).url();
 * }</pre>
 */
public final class OAuthBrowser {
  private final String appPrefix;
  private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
  private final HttpClient http;

  public OAuthBrowser(String appPrefix) {
    this.appPrefix = appPrefix;
    this.http = HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(Duration.ofSeconds(10)).build();
  }

  /** One response, and every URL visited to reach it. */
  public record Landing(int status, String url, String body, List<String> visited) {
    /** A query parameter of {@link #url}, URL-decoded, or null. */
    public String param(String name) {
      String query = URI.create(url).getRawQuery();
      if (query == null) {
        return null;
      }
      for (String pair : query.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0 && pair.substring(0, eq).equals(name)) {
          return java.net.URLDecoder.decode(pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8);
        }
      }
      return null;
    }
  }

  /**
   * Follows redirects from {@code url} until the next one points into the app (returned without being fetched,
   * status 302) or a response is not a redirect (returned with its status and body).
   */
  public Landing follow(String url) {
    List<String> visited = new ArrayList<>();
    String current = url;
    for (int hop = 0; hop < 10; hop++) {
      visited.add(current);
      HttpResponse<String> r = get(current);
      String location = r.headers().firstValue("Location").orElse(null);
      if (r.statusCode() / 100 != 3 || location == null) {
        return new Landing(r.statusCode(), current, r.body(), visited);
      }
      String next = URI.create(current).resolve(location).toString();
      if (next.startsWith(appPrefix)) {
        visited.add(next);
        return new Landing(302, next, "", visited);
      }
      current = next;
    }
    throw new IllegalStateException("more than 10 redirects from " + url);
  }

  /** One GET, without following its redirect. */
  public HttpResponse<String> get(String url) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The cookies this browser holds for {@code url}. */
  public List<java.net.HttpCookie> cookiesFor(String url) {
    return cookies.getCookieStore().get(URI.create(url));
  }

  /** Forgets every cookie, as another browser would. */
  public void clearCookies() {
    cookies.getCookieStore().removeAll();
  }
}
