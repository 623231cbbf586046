package dev.latchkey.model;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The session JWT as Stytch defines it and as the server mints and the backend SDK verifies it: one place, so the
 * two can never disagree. RS256 with a {@code kid} and {@code typ: JWT}; {@code iss = stytch.com/<project_id>},
 * {@code aud = [project_id]}, {@code sub = user_id}, {@code nbf = iat}, {@code exp = iat + 5 minutes}; the session
 * itself under {@link #SESSION_CLAIM}; custom claims at the top level.
 *
 * <pre>{@code
 * String issuer = SessionJwtContract.issuer("project-live-...");   // "stytch.com/project-live-..."
 * }</pre>
 */
public final class SessionJwtContract {
  /** The claim holding the session (id, factors, timestamps), as Stytch names it. */
  public static final String SESSION_CLAIM = "https://stytch.com/session";
  /** Claim names under this prefix belong to Stytch's contract; custom claims may not use them. */
  public static final String RESERVED_CLAIM_PREFIX = "https://stytch.com/";
  /** The registered claims (RFC 7519) the contract sets; custom claims may not use them. */
  public static final Set<String> REGISTERED_CLAIMS = Set.of("iss", "sub", "aud", "exp", "nbf", "iat", "jti");
  /** How long a minted JWT verifies: Stytch's five minutes. */
  public static final Duration LIFETIME = Duration.ofMinutes(5);
  /**
   * No session JWT the server mints is near this size (a few KiB with 4 KiB of custom claims); anything longer is
   * refused before it is parsed, by the server and by the backend SDK alike.
   */
  public static final int MAX_JWT_CHARS = 16 * 1024;

  private SessionJwtContract() {}

  /** The {@code iss} of the project's JWTs: {@code stytch.com/<project_id>}. */
  public static String issuer(String projectId) {
    return "stytch.com/" + projectId;
  }

  /** The {@code aud} of the project's JWTs: an array holding the project id (Stytch's SDKs expect an array). */
  public static List<String> audience(String projectId) {
    return List.of(projectId);
  }
}
