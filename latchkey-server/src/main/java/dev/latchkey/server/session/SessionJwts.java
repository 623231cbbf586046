package dev.latchkey.server.session;

import dev.latchkey.model.SessionJwtContract;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.latchkey.model.AuthenticationFactor;
import dev.latchkey.server.error.ErrorCode;
import dev.latchkey.server.keys.KeyRing;
import dev.latchkey.server.keys.SigningKey;
import dev.latchkey.server.store.SessionRecord;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Provider;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Session JWTs exactly as Stytch mints them: RS256 with {@code kid} and {@code typ: JWT}; {@code iss =
 * stytch.com/<project_id>}, {@code aud = [project_id]}, {@code sub = user_id}, {@code nbf = iat}, {@code exp = iat +
 * 300}; the {@code https://stytch.com/session} claim; custom claims at the top level.
 */
public final class SessionJwts {
  public static final Duration LIFETIME = SessionJwtContract.LIFETIME;
  public static final String SESSION_CLAIM = SessionJwtContract.SESSION_CLAIM;

  private final KeyRing keys;
  private final String projectId;
  private final String issuer;
  /** The JCA provider that signs RS256; null for the JDK's own (see {@code CryptoProviders}). */
  private final Provider provider;
  /**
   * The signing key as {@link #provider} holds it natively, translated once per key: handing a provider like ACCP a
   * JDK key makes it translate the key on every signature, which costs most of its gain.
   */
  private final AtomicReference<ProviderKey> providerKey = new AtomicReference<>();

  private record ProviderKey(String kid, PrivateKey key) {}

  public SessionJwts(KeyRing keys, String projectId) {
    this(keys, projectId, null);
  }

  public SessionJwts(KeyRing keys, String projectId, Provider provider) {
    this.keys = keys;
    this.projectId = projectId;
    this.issuer = SessionJwtContract.issuer(projectId);
    this.provider = provider;
  }

  /** A fresh JWT for the session as it is now, signed at {@code now} with the current signing key. */
  public String mint(SessionRecord s, List<String> roles, Instant now) {
    return mint(s, roles, now, keys.signingKey());
  }

  /** The key that signs new JWTs now. */
  SigningKey signingKey() {
    return keys.signingKey();
  }

  /** {@link #mint(SessionRecord, List, Instant)} with a given key, so the caller knows which key signed. */
  String mint(SessionRecord s, List<String> roles, Instant now, SigningKey key) {
    long iat = now.getEpochSecond();
    // Built as a map rather than a JWTClaimsSet: Nimbus writes a one-element audience as a bare string, and
    // Stytch's contract (and its SDKs) expect "aud" to be an array.
    Map<String, Object> payload = new LinkedHashMap<>(s.customClaims());
    payload.put("aud", SessionJwtContract.audience(projectId));
    payload.put("exp", iat + LIFETIME.toSeconds());
    payload.put(SESSION_CLAIM, sessionClaim(s, roles));
    payload.put("iat", iat);
    payload.put("iss", issuer);
    payload.put("nbf", iat);
    payload.put("sub", s.userId());
    JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.kid()).type(JOSEObjectType.JWT).build();
    JWSObject jws = new JWSObject(header, new Payload(payload));
    try {
      RSASSASigner signer = new RSASSASigner(privateKeyFor(key));
      if (provider != null) {
        signer.getJCAContext().setProvider(provider);
      }
      jws.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign with " + key.kid(), e);
    }
    return jws.serialize();
  }

  private PrivateKey privateKeyFor(SigningKey key) {
    if (provider == null) {
      return key.privateKey();
    }
    ProviderKey held = providerKey.get();
    if (held != null && held.kid().equals(key.kid())) {
      return held.key();
    }
    PrivateKey translated;
    try {
      translated = (PrivateKey) KeyFactory.getInstance("RSA", provider).translateKey(key.privateKey());
    } catch (GeneralSecurityException e) {
      // The provider still signs with the JDK key, only more slowly.
      translated = key.privateKey();
    }
    providerKey.set(new ProviderKey(key.kid(), translated));
    return translated;
  }

  /** What a verified JWT says: whose session it is. */
  public record Subject(String sessionId, String userId) {}

  /**
   * Verifies signature, algorithm, type, issuer and audience, but not {@code exp}: Stytch's authenticate accepts an
   * expired JWT whose signature is good and whose session is still alive, and so does revoke.
   */
  public Subject verifyIgnoringExpiry(String serialized) {
    SignedJWT jwt = parse(serialized);
    JWSHeader header = jwt.getHeader();
    if (!JWSAlgorithm.RS256.equals(header.getAlgorithm()) || !JOSEObjectType.JWT.equals(header.getType())
        || header.getKeyID() == null) {
      throw ErrorCode.INVALID_SESSION_JWT.exception("The session_jwt must be an RS256 JWT with a kid.");
    }
    Optional<SigningKey> key = keys.findOrReload(header.getKeyID());
    if (key.isEmpty() || !verifies(jwt, key.get())) {
      throw ErrorCode.INVALID_SESSION_JWT.exception();
    }
    try {
      JWTClaimsSet claims = jwt.getJWTClaimsSet();
      Map<String, Object> session = claims.getJSONObjectClaim(SESSION_CLAIM);
      if (!issuer.equals(claims.getIssuer()) || claims.getAudience() == null
          || !claims.getAudience().contains(projectId) || claims.getSubject() == null || session == null
          || !(session.get("id") instanceof String sessionId)) {
        throw ErrorCode.INVALID_SESSION_JWT.exception();
      }
      return new Subject(sessionId, claims.getSubject());
    } catch (ParseException e) {
      throw ErrorCode.UNABLE_TO_PARSE_SESSION_JWT.exception();
    }
  }

  private static SignedJWT parse(String serialized) {
    if (serialized.length() > SessionJwtContract.MAX_JWT_CHARS) {
      throw ErrorCode.UNABLE_TO_PARSE_SESSION_JWT.exception("The session_jwt is too long to be one of ours.");
    }
    try {
      return SignedJWT.parse(serialized);
    } catch (ParseException | RuntimeException e) {
      throw ErrorCode.UNABLE_TO_PARSE_SESSION_JWT.exception();
    }
  }

  private static boolean verifies(SignedJWT jwt, SigningKey key) {
    try {
      // Verification stays on the JDK provider: it is ~30x cheaper than signing and not the bottleneck.
      return jwt.verify(new RSASSAVerifier(key.publicKey()));
    } catch (JOSEException e) {
      return false;
    }
  }

  private static Map<String, Object> sessionClaim(SessionRecord s, List<String> roles) {
    Map<String, Object> claim = new LinkedHashMap<>();
    claim.put("id", s.sessionId());
    claim.put("started_at", s.startedAt().toString());
    claim.put("last_accessed_at", s.lastAccessedAt().toString());
    claim.put("expires_at", s.expiresAt().toString());
    claim.put("attributes", Map.of("ip_address", s.attributes().ipAddress(), "user_agent",
        s.attributes().userAgent()));
    List<Map<String, Object>> factors = new ArrayList<>();
    for (AuthenticationFactor f : s.factors()) {
      Map<String, Object> factor = new LinkedHashMap<>();
      factor.put("type", f.type());
      factor.put("delivery_method", f.deliveryMethod());
      factor.put("last_authenticated_at", f.lastAuthenticatedAt().toString());
      if (f.emailFactor() != null) {
        factor.put("email_factor", Map.of("email_id", f.emailFactor().emailId(), "email_address",
            f.emailFactor().emailAddress()));
      }
      if (f.authenticatorAppFactor() != null) {
        factor.put("authenticator_app_factor", Map.of("totp_id", f.authenticatorAppFactor().totpId()));
      }
      if (f.recoveryCodeFactor() != null) {
        factor.put("recovery_code_factor", Map.of("totp_recovery_code_id",
            f.recoveryCodeFactor().totpRecoveryCodeId()));
      }
      if (f.webauthnFactor() != null) {
        Map<String, Object> webauthn = new LinkedHashMap<>();
        webauthn.put("webauthn_registration_id", f.webauthnFactor().webauthnRegistrationId());
        webauthn.put("domain", f.webauthnFactor().domain());
        webauthn.put("user_agent", f.webauthnFactor().userAgent());
        factor.put("webauthn_factor", webauthn);
      }
      factors.add(factor);
    }
    claim.put("authentication_factors", factors);
    claim.put("roles", roles);
    return claim;
  }
}
