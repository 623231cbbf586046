package dev.latchkey.server.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * GitHub's OAuth web flow and the two REST calls Latchkey makes, on loopback, answering as GitHub's documentation
 * records them (a recorded contract, not a mock of Latchkey): {@code GET /login/oauth/authorize} signs the next user
 * in at once and redirects with {@code code} and {@code state}; {@code POST /login/oauth/access_token} checks the
 * client, the redirect URI and the PKCE verifier and answers {@code {access_token, token_type, scope}} (a refused
 * code is 200 with {@code error}, as GitHub does); {@code GET /user} and {@code GET /user/emails} need the bearer
 * token.
 *
 * <pre>{@code
 * try (FakeGitHub github = FakeGitHub.start("client-id", "client-secret")) {
 *   github.nextUser(583231, "octocat", List.of(FakeGitHub.email("octo@example.com", true, true)));
 * }
 * }</pre>
 */
public final class FakeGitHub implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpServer server;
  private final String clientId;
  private final String clientSecret;
  private final Map<String, Grant> codes = new ConcurrentHashMap<>();
  private final Map<String, User> tokens = new ConcurrentHashMap<>();
  private volatile User next = new User(1, "octocat", List.of(email("octocat@example.com", true, true)));

  /** A GitHub account as its API shows it. */
  public record User(long id, String login, List<Map<String, Object>> emails) {}

  private record Grant(User user, String redirectUri, String codeChallenge) {}

  private FakeGitHub(HttpServer server, String clientId, String clientSecret) {
    this.server = server;
    this.clientId = clientId;
    this.clientSecret = clientSecret;
  }

  public static FakeGitHub start(String clientId, String clientSecret) {
    try {
      HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      FakeGitHub g = new FakeGitHub(s, clientId, clientSecret);
      s.createContext("/login/oauth/authorize", g::authorize);
      s.createContext("/login/oauth/access_token", g::accessToken);
      s.createContext("/user", g::api);
      s.start();
      return g;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Map<String, Object> email(String address, boolean primary, boolean verified) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("email", address);
    m.put("primary", primary);
    m.put("verified", verified);
    m.put("visibility", primary ? "public" : null);
    return m;
  }

  /** The account the next authorize signs in as. */
  public void nextUser(long id, String login, List<Map<String, Object>> emails) {
    next = new User(id, login, emails);
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The settings that point Latchkey's github provider here. */
  public Map<String, String> env() {
    return Map.of("LATCHKEY_OAUTH_GITHUB_CLIENT_ID", clientId, "LATCHKEY_OAUTH_GITHUB_CLIENT_SECRET", clientSecret,
        "LATCHKEY_OAUTH_GITHUB_BASE_URL", url(), "LATCHKEY_OAUTH_GITHUB_API_URL", url());
  }

  private void authorize(HttpExchange ex) throws IOException {
    Map<String, String> q = form(ex.getRequestURI().getRawQuery());
    if (!clientId.equals(q.get("client_id")) || q.get("redirect_uri") == null || q.get("state") == null) {
      reply(ex, 400, Map.of("error", "invalid_request"));
      return;
    }
    String code = UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    codes.put(code, new Grant(next, q.get("redirect_uri"), q.get("code_challenge")));
    String target = q.get("redirect_uri") + "?code=" + code + "&state="
        + java.net.URLEncoder.encode(q.get("state"), StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Location", target);
    ex.sendResponseHeaders(302, -1);
    ex.close();
  }

  private void accessToken(HttpExchange ex) throws IOException {
    Map<String, String> f = form(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    Grant grant = codes.remove(String.valueOf(f.get("code")));
    if (!clientId.equals(f.get("client_id")) || !clientSecret.equals(f.get("client_secret"))) {
      reply(ex, 200, Map.of("error", "incorrect_client_credentials"));
      return;
    }
    if (grant == null || !grant.redirectUri().equals(f.get("redirect_uri"))) {
      reply(ex, 200, Map.of("error", "bad_verification_code"));
      return;
    }
    if (grant.codeChallenge() != null && (f.get("code_verifier") == null
        || !grant.codeChallenge().equals(s256(f.get("code_verifier"))))) {
      reply(ex, 200, Map.of("error", "bad_verification_code"));
      return;
    }
    String token = "gho_" + UUID.randomUUID().toString().replace("-", "");
    tokens.put(token, grant.user());
    reply(ex, 200, Map.of("access_token", token, "token_type", "bearer", "scope", "read:user,user:email"));
  }

  private void api(HttpExchange ex) throws IOException {
    String auth = ex.getRequestHeaders().getFirst("Authorization");
    User user = auth == null || !auth.startsWith("Bearer ") ? null : tokens.get(auth.substring(7));
    if (user == null) {
      reply(ex, 401, Map.of("message", "Requires authentication"));
      return;
    }
    String path = ex.getRequestURI().getPath();
    if (path.equals("/user")) {
      Map<String, Object> u = new HashMap<>();
      u.put("id", user.id());
      u.put("login", user.login());
      u.put("name", "The Octocat");
      u.put("avatar_url", "https://avatars.githubusercontent.com/u/" + user.id());
      reply(ex, 200, u);
    } else if (path.equals("/user/emails")) {
      reply(ex, 200, user.emails());
    } else {
      reply(ex, 404, Map.of("message", "Not Found"));
    }
  }

  private static void reply(HttpExchange ex, int status, Object body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    ex.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
    ex.sendResponseHeaders(status, bytes.length);
    ex.getResponseBody().write(bytes);
    ex.close();
  }

  private static Map<String, String> form(String text) {
    Map<String, String> out = new HashMap<>();
    if (text == null) {
      return out;
    }
    for (String pair : text.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  private static String s256(String verifier) {
    try {
      return Base64.getUrlEncoder().withoutPadding().encodeToString(
          MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
