package dev.latchkey.backend;

import dev.latchkey.model.SessionJwtContract;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
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
import java.io.IOException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
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
  static final String SESSION_CLAIM = SessionJwtContract.SESSION_CLAIM;
  static final int MAX_JWT_CHARS = SessionJwtContract.MAX_JWT_CHARS;
  private static final Set<String> NOT_CUSTOM = union(SessionJwtContract.REGISTERED_CLAIMS, SESSION_CLAIM);

  private final JwksCache keys;
  private final ObjectMapper json;
  private final ObjectReader untyped;
  private final Clock clock;
  private final Duration leeway;
  private final String projectId;
  private final String issuer;

  JwtVerifier(JwksCache keys, ObjectMapper json, Clock clock, Duration leeway, String projectId) {
    this.keys = keys;
    this.json = json;
    // Custom claims keep JSON integers as Long, as nimbus-jose-jwt and the official SDKs give them.
    this.untyped = json.readerFor(Object.class).with(DeserializationFeature.USE_LONG_FOR_INTS);
    this.clock = clock;
    this.leeway = leeway;
    this.projectId = projectId;
    this.issuer = SessionJwtContract.issuer(projectId);
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
    JsonNode claims;
    try {
      // The JDK's decoder: several times faster than nimbus-jose-jwt's own on a payload of a kilobyte or more.
      claims = json.readTree(Base64.getUrlDecoder().decode(signed.getParsedParts()[1].toString()));
    } catch (IOException | IllegalArgumentException e) {
      claims = null;
    }
    if (claims == null || !claims.isObject()) {
      throw reject(Reason.JWT_MALFORMED, "The JWT's payload is not a JSON object of claims");
    }
    return checkClaims(jwt, claims, now, maxTokenAge);
  }

  /**
   * Parses the compact form once. The header is checked on the parsed {@link JWSHeader}; only a header that is not a
   * JWS header at all (such as {@code alg: none}, or a JWE) is parsed a second time, to say precisely why it is refused.
   */
  private static SignedJWT parseAndCheckHeader(String jwt) {
    if (jwt == null || jwt.isEmpty()) {
      throw reject(Reason.JWT_MALFORMED, "No JWT was given");
    }
    if (jwt.length() > MAX_JWT_CHARS) {
      throw reject(Reason.JWT_MALFORMED, "The JWT is " + jwt.length() + " characters, more than " + MAX_JWT_CHARS);
    }
    Base64URL[] parts;
    SignedJWT signed;
    try {
      parts = JOSEObject.split(jwt);
    } catch (ParseException e) {
      throw reject(Reason.JWT_MALFORMED, "The JWT cannot be parsed: " + e.getMessage());
    }
    if (parts.length != 3) {
      throw reject(Reason.JWT_UNSUPPORTED_ALGORITHM, "The JWT is encrypted (JWE); only RS256-signed JWTs are "
          + "accepted");
    }
    try {
      signed = new SignedJWT(parts[0], parts[1], parts[2]);
    } catch (ParseException notJws) {
      Header header;
      try {
        header = Header.parse(parts[0]);
      } catch (ParseException e) {
        throw reject(Reason.JWT_MALFORMED, "The JWT cannot be parsed: " + e.getMessage());
      }
      if (JWSAlgorithm.RS256.equals(header.getAlgorithm())) {
        // The right algorithm but not a well-formed JWS: typically a stripped (empty) signature.
        throw reject(Reason.JWT_MALFORMED, "The JWT cannot be parsed: " + notJws.getMessage());
      }
      throw reject(Reason.JWT_UNSUPPORTED_ALGORITHM, "The JWT's alg is " + header.getAlgorithm()
          + "; only RS256 is accepted");
    }
    JWSHeader jws = signed.getHeader();
    if (!JWSAlgorithm.RS256.equals(jws.getAlgorithm())) {
      throw reject(Reason.JWT_UNSUPPORTED_ALGORITHM, "The JWT's alg is " + jws.getAlgorithm()
          + "; only RS256 is accepted");
    }
    if (!JOSEObjectType.JWT.equals(jws.getType())) {
      throw reject(Reason.JWT_MALFORMED, "The JWT's typ is " + jws.getType() + "; it must be JWT");
    }
    if (jws.getKeyID() == null || jws.getKeyID().isEmpty()) {
      throw reject(Reason.JWT_MALFORMED, "The JWT has no kid");
    }
    if (jws.getCriticalParams() != null && !jws.getCriticalParams().isEmpty()) {
      throw reject(Reason.JWT_MALFORMED, "The JWT has critical header parameters " + jws.getCriticalParams());
    }
    return signed;
  }

  private VerifiedSession checkClaims(String jwt, JsonNode claims, Instant now, Duration maxTokenAge) {
    JsonNode iss = claims.get("iss");
    if (iss == null || !iss.isTextual() || !issuer.equals(iss.textValue())) {
      throw reject(Reason.JWT_WRONG_ISSUER, "The JWT's iss is " + iss + "; expected " + issuer);
    }
    if (!hasAudience(claims.get("aud"))) {
      throw reject(Reason.JWT_WRONG_AUDIENCE, "The JWT's aud is " + claims.get("aud") + "; expected it to "
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
    JsonNode sub = claims.get("sub");
    if (sub == null || !sub.isTextual() || sub.textValue().isEmpty()) {
      throw reject(Reason.JWT_MISSING_CLAIM, "The JWT has no sub");
    }
    Session session = session(claims, sub.textValue());
    if (!now.isBefore(session.expiresAt().plus(leeway))) {
      throw reject(Reason.JWT_EXPIRED, "The session ended at " + session.expiresAt() + " (now " + now + ")");
    }
    if (maxTokenAge != null && Duration.between(iat, now).compareTo(maxTokenAge) >= 0) {
      throw reject(Reason.JWT_TOO_OLD, "The JWT was issued at " + iat + ", " + Duration.between(iat, now)
          + " ago; the limit is " + maxTokenAge);
    }
    return new VerifiedSession(session, jwt, iat, exp, VerifiedSession.Source.LOCAL);
  }

  /** {@code aud} as RFC 7519 allows it: one string, or an array of strings. */
  private boolean hasAudience(JsonNode aud) {
    if (aud == null) {
      return false;
    }
    if (aud.isTextual()) {
      return projectId.equals(aud.textValue());
    }
    if (aud.isArray()) {
      for (JsonNode a : aud) {
        if (a.isTextual() && projectId.equals(a.textValue())) {
          return true;
        }
      }
    }
    return false;
  }

  /** The session claim as the server writes it; names are snake_case on the wire. */
  record SessionClaim(String id, Instant startedAt, Instant lastAccessedAt, Instant expiresAt,
      Attributes attributes, List<AuthenticationFactor> authenticationFactors, List<String> roles) {}

  private Session session(JsonNode claims, String userId) {
    JsonNode c = claims.get(SESSION_CLAIM);
    if (c == null || !c.isObject()) {
      throw reject(Reason.JWT_MISSING_CLAIM, "The JWT has no " + SESSION_CLAIM + " object");
    }
    SessionClaim sc;
    try {
      sc = json.treeToValue(c, SessionClaim.class);
    } catch (IOException | IllegalArgumentException e) {
      throw reject(Reason.JWT_MISSING_CLAIM, "The JWT's " + SESSION_CLAIM + " claim is malformed: "
          + e.getMessage());
    }
    String missing = sc.id() == null || sc.id().isEmpty() ? "id"
        : sc.startedAt() == null ? "started_at"
        : sc.lastAccessedAt() == null ? "last_accessed_at"
        : sc.expiresAt() == null ? "expires_at"
        : sc.authenticationFactors() == null ? "authentication_factors" : null;
    if (missing != null) {
      throw reject(Reason.JWT_MISSING_CLAIM, "The JWT's " + SESSION_CLAIM + " claim is incomplete: " + missing
          + " is missing");
    }
    return new Session(sc.id(), userId, sc.startedAt(), sc.lastAccessedAt(), sc.expiresAt(),
        sc.attributes() == null ? Attributes.EMPTY : sc.attributes(), sc.authenticationFactors(),
        customClaims(claims), sc.roles() == null ? List.of() : sc.roles());
  }

  private Map<String, Object> customClaims(JsonNode claims) {
    Map<String, Object> custom = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : claims.properties()) {
      if (!NOT_CUSTOM.contains(e.getKey())) {
        try {
          custom.put(e.getKey(), untyped.readValue(e.getValue()));
        } catch (IOException ex) {
          throw reject(Reason.JWT_MALFORMED, "The JWT's claim " + e.getKey() + " cannot be read");
        }
      }
    }
    return Collections.unmodifiableMap(custom);
  }

  private static Instant instant(JsonNode claims, String name) {
    Instant t = optionalInstant(claims, name);
    if (t == null) {
      throw reject(Reason.JWT_MISSING_CLAIM, "The JWT has no numeric " + name);
    }
    return t;
  }

  /** A NumericDate (RFC 7519 §2): seconds since the epoch, fractions allowed and dropped. */
  private static Instant optionalInstant(JsonNode claims, String name) {
    JsonNode v = claims.get(name);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isNumber() || !v.canConvertToLong()) {
      throw reject(Reason.JWT_MISSING_CLAIM, "The JWT's " + name + " is not a number of seconds");
    }
    return Instant.ofEpochSecond(v.longValue());
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

  private static Set<String> union(Set<String> names, String name) {
    Set<String> all = new java.util.HashSet<>(names);
    all.add(name);
    return Set.copyOf(all);
  }
}
