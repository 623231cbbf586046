package dev.latchkey.backend;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.Header;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObject;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.latchkey.backend.LatchkeyException.Reason;
import dev.latchkey.model.Attributes;
import dev.latchkey.model.AuthenticationFactor;
import dev.latchkey.model.Session;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Local verification of a session JWT, in this order: size, header ({@code alg} pinned to RS256, {@code typ: JWT},
 * a {@code kid}), key by {@code kid}, signature, then claims ({@code iss}, {@code aud}, {@code exp}, {@code nbf},
 * the session's own {@code expires_at}, {@code sub}, {@code iat}, the session claim, and the optional age limit).
 * Time checks allow {@code leeway} either way.
 */
final class JwtVerifier {
  static final String SESSION_CLAIM = "https://stytch.com/session";
  /** Our JWTs are a few KiB; anything this long is refused before parsing. */
  static final int MAX_JWT_CHARS = 16 * 1024;
  private static final Set<String> NOT_CUSTOM = Set.of("aud", "exp", "iat", "iss", "jti", "nbf", "sub", SESSION_CLAIM);
  private static final TypeReference<List<AuthenticationFactor>> FACTORS = new TypeReference<>() {};

  private final JwksCache keys;
  private final ObjectMapper json;
  private final Clock clock;
  private final Duration leeway;
  private final String projectId;
  private final String issuer;

  JwtVerifier(JwksCache keys, ObjectMapper json, Clock clock, Duration leeway, String projectId) {
    this.keys = keys;
    this.json = json;
    this.clock = clock;
    this.leeway = leeway;
    this.projectId = projectId;
    this.issuer = "stytch.com/" + projectId;
  }

  /** Verifies {@code jwt}; {@code maxTokenAge} null means no age limit. */
  VerifiedSession verify(String jwt, Duration maxTokenAge) {
    Instant now = clock.instant();
    SignedJWT signed = parseAndCheckHeader(jwt);
    RSASSAVerifier verifier = keys.verifier(signed.getHeader().getKeyID());
    try {
      if (!signed.verify(verifier)) {
        throw reject(Reason.JWT_BAD_SIGNATURE, "The JWT's signature does not verify with key "
            + signed.getHeader().getKeyID());
      }
    } catch (JOSEException e) {
      throw reject(Reason.JWT_BAD_SIGNATURE, "The JWT's signature cannot be verified: " + e.getMessage());
    }
    JWTClaimsSet claims;
    try {
      claims = signed.getJWTClaimsSet();
    } catch (ParseException e) {
      throw reject(Reason.JWT_MALFORMED, "The JWT's payload is not a JSON object of claims");
    }
    return checkClaims(jwt, claims, now, maxTokenAge);
  }

  private static SignedJWT parseAndCheckHeader(String jwt) {
    if (jwt == null || jwt.isEmpty()) {
      throw reject(Reason.JWT_MALFORMED, "No JWT was given");
    }
    if (jwt.length() > MAX_JWT_CHARS) {
      throw reject(Reason.JWT_MALFORMED, "The JWT is " + jwt.length() + " characters, more than " + MAX_JWT_CHARS);
    }
    try {
      Base64URL[] parts = JOSEObject.split(jwt);
      if (parts.length != 3) {
        throw reject(Reason.JWT_UNSUPPORTED_ALGORITHM, "The JWT is encrypted (JWE); only RS256-signed JWTs are "
            + "accepted");
      }
      Header header = Header.parse(parts[0]);
      if (!(header instanceof JWSHeader) || !JWSAlgorithm.RS256.equals(header.getAlgorithm())) {
        throw reject(Reason.JWT_UNSUPPORTED_ALGORITHM, "The JWT's alg is " + header.getAlgorithm()
            + "; only RS256 is accepted");
      }
      JWSHeader jws = (JWSHeader) header;
      if (!JOSEObjectType.JWT.equals(jws.getType())) {
        throw reject(Reason.JWT_MALFORMED, "The JWT's typ is " + jws.getType() + "; it must be JWT");
      }
      if (jws.getKeyID() == null || jws.getKeyID().isEmpty()) {
        throw reject(Reason.JWT_MALFORMED, "The JWT has no kid");
      }
      if (jws.getCriticalParams() != null && !jws.getCriticalParams().isEmpty()) {
        throw reject(Reason.JWT_MALFORMED, "The JWT has critical header parameters " + jws.getCriticalParams());
      }
      return new SignedJWT(parts[0], parts[1], parts[2]);
    } catch (ParseException e) {
      throw reject(Reason.JWT_MALFORMED, "The JWT cannot be parsed: " + e.getMessage());
    }
  }

  private VerifiedSession checkClaims(String jwt, JWTClaimsSet claims, Instant now, Duration maxTokenAge) {
    if (!issuer.equals(claims.getIssuer())) {
      throw reject(Reason.JWT_WRONG_ISSUER, "The JWT's iss is " + claims.getIssuer() + "; expected " + issuer);
    }
    if (claims.getAudience() == null || !claims.getAudience().contains(projectId)) {
      throw reject(Reason.JWT_WRONG_AUDIENCE, "The JWT's aud is " + claims.getAudience() + "; expected it to "
          + "contain " + projectId);
    }
    Instant exp = instant(claims, "exp");
    if (!now.isBefore(exp.plus(leeway))) {
      throw reject(Reason.JWT_EXPIRED, "The JWT expired at " + exp + " (now " + now + ", leeway " + leeway + ")");
    }
    Instant nbf = optionalInstant(claims, "nbf");
    if (nbf != null && now.isBefore(nbf.minus(leeway))) {
      throw reject(Reason.JWT_NOT_YET_VALID, "The JWT is not valid before " + nbf + " (now " + now + ", leeway "
          + leeway + ")");
    }
    Instant iat = instant(claims, "iat");
    String sub = claims.getSubject();
    if (sub == null || sub.isEmpty()) {
      throw reject(Reason.JWT_MISSING_CLAIM, "The JWT has no sub");
    }
    Session session = session(claims, sub);
    if (!now.isBefore(session.expiresAt().plus(leeway))) {
      throw reject(Reason.JWT_EXPIRED, "The session ended at " + session.expiresAt() + " (now " + now + ")");
    }
    if (maxTokenAge != null && Duration.between(iat, now).compareTo(maxTokenAge) >= 0) {
      throw reject(Reason.JWT_TOO_OLD, "The JWT was issued at " + iat + ", " + Duration.between(iat, now)
          + " ago; the limit is " + maxTokenAge);
    }
    return new VerifiedSession(session, jwt, iat, exp, VerifiedSession.Source.LOCAL);
  }

  private Session session(JWTClaimsSet claims, String userId) {
    Map<String, Object> c;
    try {
      c = claims.getJSONObjectClaim(SESSION_CLAIM);
    } catch (ParseException e) {
      c = null;
    }
    if (c == null) {
      throw reject(Reason.JWT_MISSING_CLAIM, "The JWT has no " + SESSION_CLAIM + " object");
    }
    try {
      Object id = c.get("id");
      if (!(id instanceof String) || ((String) id).isEmpty()) {
        throw new IllegalArgumentException("id is missing");
      }
      List<AuthenticationFactor> factors = json.convertValue(require(c, "authentication_factors"), FACTORS);
      List<String> roles = c.get("roles") == null ? List.of()
          : json.convertValue(c.get("roles"), new TypeReference<List<String>>() {});
      Attributes attributes = c.get("attributes") == null ? Attributes.EMPTY
          : json.convertValue(c.get("attributes"), Attributes.class);
      return new Session((String) id, userId, time(c, "started_at"), time(c, "last_accessed_at"),
          time(c, "expires_at"), attributes, factors, customClaims(claims), roles);
    } catch (IllegalArgumentException | java.time.DateTimeException | NullPointerException e) {
      throw reject(Reason.JWT_MISSING_CLAIM, "The JWT's " + SESSION_CLAIM + " claim is incomplete: "
          + e.getMessage());
    }
  }

  private static Map<String, Object> customClaims(JWTClaimsSet claims) {
    Map<String, Object> custom = new LinkedHashMap<>();
    claims.getClaims().forEach((k, v) -> {
      if (!NOT_CUSTOM.contains(k)) {
        custom.put(k, v);
      }
    });
    return Collections.unmodifiableMap(custom);
  }

  private static Object require(Map<String, Object> c, String key) {
    Object v = c.get(key);
    if (v == null) {
      throw new IllegalArgumentException(key + " is missing");
    }
    return v;
  }

  private static Instant time(Map<String, Object> c, String key) {
    Object v = require(c, key);
    if (!(v instanceof String)) {
      throw new IllegalArgumentException(key + " is not an RFC 3339 string");
    }
    return DateTimeFormatter.ISO_OFFSET_DATE_TIME.parse((String) v, Instant::from);
  }

  private static Instant instant(JWTClaimsSet claims, String name) {
    Instant t = optionalInstant(claims, name);
    if (t == null) {
      throw reject(Reason.JWT_MISSING_CLAIM, "The JWT has no numeric " + name);
    }
    return t;
  }

  private static Instant optionalInstant(JWTClaimsSet claims, String name) {
    if (claims.getClaim(name) == null) {
      return null;
    }
    try {
      Date d = claims.getDateClaim(name);
      return d == null ? null : d.toInstant();
    } catch (ParseException e) {
      throw reject(Reason.JWT_MISSING_CLAIM, "The JWT's " + name + " is not a number of seconds");
    }
  }

  /** The issue and expiry times of a JWT the API just returned, read without verifying it (it came over TLS). */
  static Instant[] unverifiedTimes(String jwt) {
    try {
      JWTClaimsSet claims = SignedJWT.parse(jwt).getJWTClaimsSet();
      Date iat = claims.getIssueTime();
      Date exp = claims.getExpirationTime();
      if (iat == null || exp == null) {
        throw new ParseException("no iat or exp", 0);
      }
      return new Instant[] {iat.toInstant(), exp.toInstant()};
    } catch (ParseException | RuntimeException e) {
      throw LatchkeyException.local(Reason.BAD_RESPONSE, "The API returned a session_jwt that cannot be read: "
          + e.getMessage());
    }
  }

  private static LatchkeyException reject(Reason reason, String message) {
    return LatchkeyException.local(reason, message);
  }
}
