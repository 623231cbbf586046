package dev.latchkey.backend;

import dev.latchkey.model.AuthenticationFactor;
import dev.latchkey.model.Session;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A session whose JWT was verified, locally or by the API.
 *
 * <p>{@code session} is the model {@link Session}: id, user id, started / last accessed / expires, attributes,
 * authentication factors, roles, and custom claims (every top-level JWT claim except {@code aud exp iat iss jti nbf
 * sub} and {@code https://stytch.com/session}). Factors read from a JWT carry no {@code created_at} / {@code
 * updated_at} (the JWT does not have them). {@code jwt} is the JWT that was verified, or the fresh one the API
 * returned when {@code source} is {@link Source#API}: send that one back to the client.
 *
 * <pre>{@code
 * VerifiedSession s = backend.sessions().authenticateJwt(jwt, Duration.ofMinutes(1));
 * String userId = s.userId();
 * boolean admin = s.roles().contains("admin");
 * if (s.source() == VerifiedSession.Source.API) {
 *   response.addCookie(new Cookie("stytch_session_jwt", s.jwt()));
 * }
 * }</pre>
 */
public record VerifiedSession(Session session, String jwt, Instant jwtIssuedAt, Instant jwtExpiresAt,
    Source source) {

  /** Who vouched for the session. */
  public enum Source {
    /** The JWT's signature and claims were checked locally against the cached key set; no API call. */
    LOCAL,
    /** The API authenticated the session ({@code POST /v1/sessions/authenticate}) and returned a fresh JWT. */
    API
  }

  public VerifiedSession {
    Objects.requireNonNull(session, "session");
    Objects.requireNonNull(jwt, "jwt");
    Objects.requireNonNull(jwtIssuedAt, "jwtIssuedAt");
    Objects.requireNonNull(jwtExpiresAt, "jwtExpiresAt");
    Objects.requireNonNull(source, "source");
  }

  public String sessionId() {
    return session.sessionId();
  }

  public String userId() {
    return session.userId();
  }

  public List<AuthenticationFactor> authenticationFactors() {
    return session.authenticationFactors();
  }

  public List<String> roles() {
    return session.roles();
  }

  public Map<String, Object> customClaims() {
    return session.customClaims();
  }

  /** The JWT is a bearer credential: it is left out. */
  @Override
  public String toString() {
    return "VerifiedSession[sessionId=" + sessionId() + ", userId=" + userId() + ", factors="
        + authenticationFactors().size() + ", roles=" + roles() + ", jwtIssuedAt=" + jwtIssuedAt + ", jwtExpiresAt="
        + jwtExpiresAt + ", source=" + source + ", jwt=<redacted>]";
  }
}
