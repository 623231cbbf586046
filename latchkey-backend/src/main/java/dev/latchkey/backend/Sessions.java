package dev.latchkey.backend;

import dev.latchkey.model.internal.Checks;

import dev.latchkey.backend.LatchkeyException.Reason;
import dev.latchkey.model.AuthenticateResponse;
import dev.latchkey.model.JwksResponse;
import dev.latchkey.model.RevokeResponse;
import dev.latchkey.model.SessionAuthenticateRequest;
import dev.latchkey.model.SessionListResponse;
import dev.latchkey.model.RevokeOthersResponse;
import dev.latchkey.model.SessionRevokeOthersRequest;
import dev.latchkey.model.SessionRevokeRequest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * The Sessions API ({@code /v1/sessions}) and local JWT verification. Get it from {@link LatchkeyBackend#sessions()}.
 *
 * <pre>{@code
 * Sessions sessions = backend.sessions();
 * VerifiedSession s = sessions.authenticateJwt(jwtFromCookie, Duration.ofMinutes(1)); // local, API when needed
 * VerifiedSession local = sessions.authenticateJwtLocal(jwtFromCookie);                // never calls the API
 * AuthenticateResponse r = sessions.authenticateToken(tokenFromCookie);                 // always calls the API
 * sessions.revoke(new SessionRevokeRequest(s.sessionId(), null, null));
 * }</pre>
 */
public final class Sessions {
  /** Local failures the API can settle: it accepts an expired or old JWT whose session is alive, knows new keys. */
  private static final Set<Reason> API_CAN_SETTLE =
      EnumSet.of(Reason.JWT_EXPIRED, Reason.JWT_TOO_OLD, Reason.JWT_UNKNOWN_KEY, Reason.JWKS_UNAVAILABLE);

  private final Transport transport;
  private final JwtVerifier verifier;
  private final String projectId;
  /** Null unless the builder turned the revocation stream on. */
  private final RevocationStream revocations;
  private final Duration maxStreamDowntime;
  private final LatchkeyBackend.FailSafe failSafe;

  Sessions(Transport transport, JwtVerifier verifier, String projectId, RevocationStream revocations,
      Duration maxStreamDowntime, LatchkeyBackend.FailSafe failSafe) {
    this.transport = transport;
    this.verifier = verifier;
    this.projectId = projectId;
    this.revocations = revocations;
    this.maxStreamDowntime = maxStreamDowntime;
    this.failSafe = failSafe;
  }

  /**
   * Verifies locally, then, with the revocation stream on: refuses a JWT of a session the stream reported revoked
   * ({@code REVOKED}); and when the stream has been down longer than its bound, never trusts the local answer: asks
   * the API ({@link LatchkeyBackend.FailSafe#CALL_API}) or refuses with {@code REVOCATION_STREAM_DOWN}
   * ({@link LatchkeyBackend.FailSafe#REFUSE}).
   */
  private VerifiedSession verifyLocally(String jwt, Duration maxTokenAge) {
    VerifiedSession local = verifier.verify(jwt, maxTokenAge);
    if (revocations == null) {
      return local;
    }
    if (revocations.isDenied(local.sessionId())) {
      throw LatchkeyException.local(Reason.REVOKED, "The session was revoked; its JWT is no longer accepted.");
    }
    Duration down = revocations.downFor();
    if (down.compareTo(maxStreamDowntime) > 0) {
      if (failSafe == LatchkeyBackend.FailSafe.REFUSE) {
        throw LatchkeyException.local(Reason.REVOCATION_STREAM_DOWN, "The revocation stream has been down for "
            + down.toSeconds() + " s (bound " + maxStreamDowntime.toSeconds() + " s): local verification refused.");
      }
      return fromApi(authenticate(new SessionAuthenticateRequest(null, jwt, null, null)));
    }
    return local;
  }

  /** {@code POST /v1/sessions/authenticate}: exactly one of {@code session_token} and {@code session_jwt}. */
  public AuthenticateResponse authenticate(SessionAuthenticateRequest request) {
    Objects.requireNonNull(request, "request");
    return transport.call("POST", "/v1/sessions/authenticate", request, AuthenticateResponse.class);
  }

  /** {@code POST /v1/sessions/authenticate} with an opaque session token, neither extending nor changing it. */
  public AuthenticateResponse authenticateToken(String sessionToken) {
    Checks.text(sessionToken, "sessionToken");
    return authenticate(new SessionAuthenticateRequest(sessionToken, null, null, null));
  }

  /**
   * Verifies {@code jwt} locally and calls the API only when the local check cannot decide: the JWT is at least
   * {@code maxTokenAge} old ({@code now - iat >= maxTokenAge}), has expired, names a key the cached key set does
   * not have, or no key set could be fetched. Every other local failure (bad signature, wrong issuer or audience,
   * {@code alg: none}, ...) is thrown as it is, with no API call. {@code Duration.ZERO} sends every JWT to the API.
   *
   * @throws LatchkeyException {@code JWT_*} when rejected locally; {@code API_REJECTED} when the API refused it
   *     (e.g. {@code session_not_found} for a revoked session); a could-not-check reason otherwise
   */
  public VerifiedSession authenticateJwt(String jwt, Duration maxTokenAge) {
    Checks.duration("maxTokenAge", maxTokenAge, Duration.ZERO, Duration.ofDays(366));
    try {
      return verifyLocally(jwt, maxTokenAge);
    } catch (LatchkeyException e) {
      if (!API_CAN_SETTLE.contains(e.reason())) {
        throw e;
      }
      return fromApi(authenticate(new SessionAuthenticateRequest(null, jwt, null, null)));
    }
  }

  /**
   * Verifies {@code jwt} locally with no age limit. Never calls the API; only the key set is fetched, when first
   * needed, when its max-age ran out, or (once per cool-down) for an unknown {@code kid}.
   */
  public VerifiedSession authenticateJwtLocal(String jwt) {
    return verifyLocally(jwt, null);
  }

  /**
   * As {@link #authenticateJwtLocal(String)}, refusing with {@code JWT_TOO_OLD} when {@code now - iat >=
   * maxTokenAge}.
   */
  public VerifiedSession authenticateJwtLocal(String jwt, Duration maxTokenAge) {
    Checks.duration("maxTokenAge", maxTokenAge, Duration.ZERO, Duration.ofDays(366));
    return verifyLocally(jwt, maxTokenAge);
  }

  /** {@code POST /v1/sessions/revoke}: exactly one of session id, token and JWT. */
  public RevokeResponse revoke(SessionRevokeRequest request) {
    Objects.requireNonNull(request, "request");
    return transport.call("POST", "/v1/sessions/revoke", request, RevokeResponse.class);
  }

  /**
   * {@code POST /v1/sessions/revoke_others} (a Latchkey extension): "sign out my other devices". Every other live
   * session of the user whose session the request names (by token or JWT) is revoked, each with its
   * {@code session.revoked} event; the named one stays. The reply lists the revoked ids.
   */
  public RevokeOthersResponse revokeOthers(SessionRevokeOthersRequest request) {
    Objects.requireNonNull(request, "request");
    return transport.call("POST", "/v1/sessions/revoke_others", request, RevokeOthersResponse.class);
  }

  /** {@code GET /v1/sessions?user_id=}: the user's active sessions. */
  public SessionListResponse list(String userId) {
    Checks.text(userId, "userId");
    return transport.call("GET", "/v1/sessions?user_id=" + URLEncoder.encode(userId, StandardCharsets.UTF_8), null,
        SessionListResponse.class);
  }

  /** {@code GET /v1/sessions/jwks/{project_id}}, fetched now, bypassing (and not filling) the verification cache. */
  public JwksResponse jwks() {
    Transport.Reply reply = transport.getPublic("/v1/sessions/jwks/"
        + URLEncoder.encode(projectId, StandardCharsets.UTF_8), transport.timeout(), JwksCache.MAX_JWKS_BYTES);
    if (reply.status() != 200) {
      throw transport.serverError(reply);
    }
    return transport.read(reply.body(), JwksResponse.class);
  }

  /** The session an opaque token names, as the API reports it (used by the filter). */
  VerifiedSession verifyToken(String sessionToken) {
    return fromApi(authenticateToken(sessionToken));
  }

  private static VerifiedSession fromApi(AuthenticateResponse r) {
    if (r.session() == null || r.sessionJwt() == null || r.sessionJwt().isEmpty()) {
      throw LatchkeyException.local(Reason.BAD_RESPONSE, "The API authenticated the session but returned no "
          + "session or session_jwt");
    }
    Instant[] times = JwtVerifier.unverifiedTimes(r.sessionJwt());
    return new VerifiedSession(r.session(), r.sessionJwt(), times[0], times[1], VerifiedSession.Source.API);
  }
}
