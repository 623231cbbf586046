package dev.latchkey.backend;

import dev.latchkey.model.internal.Checks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.model.ErrorBody;
import dev.latchkey.model.WireJson;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * A servlet filter that lets a request through only with a valid session, and puts the {@link VerifiedSession} in
 * the request attribute {@link #SESSION_ATTRIBUTE}.
 *
 * <pre>{@code
 * LatchkeyFilter filter = LatchkeyFilter.builder(backend).skipPaths("/health", "/public/*").build();
 * context.addFilter(new FilterHolder(filter), "/*", EnumSet.of(DispatcherType.REQUEST));
 * // in a servlet:
 * VerifiedSession session = LatchkeyFilter.session(request);
 * }</pre>
 *
 * <p>Where it looks, in order: the JWT cookie ({@code stytch_session_jwt}), then {@code Authorization: Bearer}
 * (a value with two dots is a JWT, anything else an opaque session token), then the opaque token cookie ({@code
 * stytch_session}). A JWT is checked with {@link Sessions#authenticateJwt(String, Duration)}; when it is rejected
 * and a token cookie is also present, the token is tried with the API.
 *
 * <p>Answers, all in the server's error shape {@code {status_code, request_id, error_type, error_message,
 * error_url}}:
 *
 * <ul>
 *   <li>401 {@code session_required}: no credential was sent;
 *   <li>401 {@code session_invalid}: the credential was rejected (the message names the reason);
 *   <li>403 {@code insufficient_factors}: the session is valid but has fewer authentication factors than {@link
 *       Builder#requiredFactors(int)}: the user is known, and must step up rather than sign in again;
 *   <li>503 {@code session_check_unavailable}: the session could not be checked (server or key set unreachable).
 *       The request is refused (fail closed), but a client should not discard its session for it.
 * </ul>
 */
public final class LatchkeyFilter implements Filter {
  /** The request attribute holding the {@link VerifiedSession} of a request the filter let through. */
  public static final String SESSION_ATTRIBUTE = "dev.latchkey.backend.session";
  public static final String DEFAULT_JWT_COOKIE = "stytch_session_jwt";
  public static final String DEFAULT_TOKEN_COOKIE = "stytch_session";
  private static final ObjectMapper JSON = WireJson.mapper();

  private final LatchkeyBackend backend;
  private final String jwtCookie;
  private final String tokenCookie;
  private final Duration maxTokenAge;
  private final int requiredFactors;
  private final List<String> skipPaths;

  private LatchkeyFilter(Builder b) {
    this.backend = b.backend;
    this.jwtCookie = b.jwtCookie;
    this.tokenCookie = b.tokenCookie;
    this.maxTokenAge = b.maxTokenAge;
    this.requiredFactors = b.requiredFactors;
    this.skipPaths = List.copyOf(b.skipPaths);
  }

  public static Builder builder(LatchkeyBackend backend) {
    return new Builder(backend);
  }

  /** The session the filter verified for this request, or null when the filter skipped it. */
  public static VerifiedSession session(HttpServletRequest request) {
    Object s = request.getAttribute(SESSION_ATTRIBUTE);
    return s instanceof VerifiedSession ? (VerifiedSession) s : null;
  }

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    HttpServletRequest request = (HttpServletRequest) req;
    HttpServletResponse response = (HttpServletResponse) res;
    if (skipped(request)) {
      chain.doFilter(req, res);
      return;
    }
    String jwt = cookie(request, jwtCookie);
    String token = cookie(request, tokenCookie);
    String bearer = bearer(request);
    if (jwt == null && bearer != null && looksLikeJwt(bearer)) {
      jwt = bearer;
    } else if (token == null && bearer != null && !looksLikeJwt(bearer)) {
      token = bearer;
    }
    if (jwt == null && token == null) {
      reply(response, 401, "", "session_required", "Sign in first: send the " + jwtCookie + " or " + tokenCookie
          + " cookie, or an Authorization: Bearer header.");
      return;
    }
    VerifiedSession session;
    try {
      session = verify(jwt, token);
    } catch (LatchkeyException e) {
      if (e.isRejection()) {
        reply(response, 401, e.requestId(), "session_invalid", "The session was rejected (" + e.errorType() + ").");
      } else {
        reply(response, 503, e.requestId(), "session_check_unavailable", "The session could not be checked ("
            + e.reason().code() + "); retry shortly.");
      }
      return;
    }
    if (session.authenticationFactors().size() < requiredFactors) {
      reply(response, 403, "", "insufficient_factors", "This requires " + requiredFactors + " authentication "
          + "factors; the session has " + session.authenticationFactors().size() + ".");
      return;
    }
    request.setAttribute(SESSION_ATTRIBUTE, session);
    chain.doFilter(req, res);
  }

  private VerifiedSession verify(String jwt, String token) {
    if (jwt == null) {
      return backend.sessions().verifyToken(token);
    }
    try {
      return backend.sessions().authenticateJwt(jwt, maxTokenAge);
    } catch (LatchkeyException e) {
      if (token == null || !e.isRejection()) {
        throw e;
      }
      return backend.sessions().verifyToken(token);
    }
  }

  private boolean skipped(HttpServletRequest request) {
    String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
    for (String p : skipPaths) {
      if (p.endsWith("/*") ? path.equals(p.substring(0, p.length() - 2)) || path.startsWith(p.substring(0,
          p.length() - 1)) : path.equals(p)) {
        return true;
      }
    }
    return false;
  }

  private static String cookie(HttpServletRequest request, String name) {
    Cookie[] cookies = request.getCookies();
    if (cookies != null) {
      for (Cookie c : cookies) {
        if (name.equals(c.getName()) && c.getValue() != null && !c.getValue().isEmpty()) {
          return c.getValue();
        }
      }
    }
    return null;
  }

  private static String bearer(HttpServletRequest request) {
    String header = request.getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String value = header.substring(7).strip();
    return value.isEmpty() ? null : value;
  }

  private static boolean looksLikeJwt(String value) {
    int first = value.indexOf('.');
    return first > 0 && value.indexOf('.', first + 1) > first;
  }

  private static void reply(HttpServletResponse response, int status, String requestId, String type, String message)
      throws IOException {
    String id = requestId == null || requestId.isEmpty() ? "request-id-backend-" + UUID.randomUUID() : requestId;
    byte[] body;
    try {
      body = JSON.writeValueAsBytes(new ErrorBody(status, id, type, message, ErrorBody.urlFor(status, type)));
    } catch (JsonProcessingException e) {
      throw new IOException("the error body could not be written", e);
    }
    response.setStatus(status);
    if (status == 401) {
      response.setHeader("WWW-Authenticate", "Bearer realm=\"latchkey\"");
    }
    response.setHeader("Cache-Control", "no-store");
    response.setContentType("application/json");
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }

  /** Options for a {@link LatchkeyFilter}. */
  public static final class Builder {
    private final LatchkeyBackend backend;
    private String jwtCookie = DEFAULT_JWT_COOKIE;
    private String tokenCookie = DEFAULT_TOKEN_COOKIE;
    private Duration maxTokenAge = Duration.ofMinutes(5);
    private int requiredFactors = 1;
    private final List<String> skipPaths = new ArrayList<>();

    private Builder(LatchkeyBackend backend) {
      this.backend = Objects.requireNonNull(backend, "backend");
    }

    /** The cookie holding the session JWT; default {@value #DEFAULT_JWT_COOKIE}. */
    public Builder jwtCookie(String name) {
      this.jwtCookie = Checks.text(name, "jwtCookie");
      return this;
    }

    /** The cookie holding the opaque session token; default {@value #DEFAULT_TOKEN_COOKIE}. */
    public Builder tokenCookie(String name) {
      this.tokenCookie = Checks.text(name, "tokenCookie");
      return this;
    }

    /**
     * JWTs at least this old are re-checked with the API (which also catches revoked sessions); default 5 minutes,
     * the JWT lifetime, so only expired JWTs reach the API.
     */
    public Builder maxTokenAge(Duration maxTokenAge) {
      this.maxTokenAge = Checks.duration("maxTokenAge", maxTokenAge, Duration.ZERO, Duration.ofDays(366));
      return this;
    }

    /** Sessions with fewer authentication factors get 403 {@code insufficient_factors}; 1 to 10, default 1. */
    public Builder requiredFactors(int count) {
      if (count < 1 || count > 10) {
        throw new IllegalArgumentException("requiredFactors is " + count + "; it must be between 1 and 10");
      }
      this.requiredFactors = count;
      return this;
    }

    /**
     * Paths let through without a session, relative to the context: exact ({@code /health}) or a prefix ending
     * in {@code /*} ({@code /public/*} matches {@code /public} and everything under it).
     */
    public Builder skipPaths(String... paths) {
      for (String p : paths) {
        if (p == null || !p.startsWith("/")) {
          throw new IllegalArgumentException("skipPaths entry " + p + " must start with /");
        }
        skipPaths.add(p);
      }
      return this;
    }

    public LatchkeyFilter build() {
      return new LatchkeyFilter(this);
    }
  }
}
