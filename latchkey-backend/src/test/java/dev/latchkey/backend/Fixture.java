package dev.latchkey.backend;

import dev.latchkey.server.store.jdbc.JdbcStores;
import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.RSASSASigner;
import dev.latchkey.server.config.Settings;
import dev.latchkey.server.crypto.Ids;
import dev.latchkey.server.crypto.KeyEncryption;
import dev.latchkey.server.keys.KeyRing;
import dev.latchkey.server.keys.SigningKey;
import dev.latchkey.server.store.Stores;
import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.TestServer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** Shared test steps: sessions made through the real API, the server's real keys, and forged JWTs. */
final class Fixture {
  static final String PASSWORD = "correct horse battery staple";

  private Fixture() {}

  static LatchkeyBackend backend(TestServer server, URI baseUrl, Clock clock) {
    return LatchkeyBackend.builder().baseUrl(baseUrl).projectId(server.projectId).secret(server.secret).clock(clock)
        .build();
  }

  static LatchkeyBackend backend(TestServer server, Clock clock) {
    return backend(server, URI.create(server.baseUrl()), clock);
  }

  /** A new user with a 60-minute password session: the reply of {@code POST /v1/passwords}. */
  static JsonNode signUp(TestServer server) {
    return signUp(server, "{}");
  }

  static JsonNode signUp(TestServer server, String customClaimsJson) {
    ApiClient.Reply r = server.api().post("/v1/passwords", "{\"email\":\"" + UUID.randomUUID()
        + "@example.com\",\"password\":\"" + PASSWORD + "\",\"session_duration_minutes\":60,"
        + "\"session_custom_claims\":" + customClaimsJson + "}");
    if (r.status() != 200) {
      throw new AssertionError("sign-up failed: " + r.text());
    }
    return r.json();
  }

  static String jwt(TestServer server) {
    return signUp(server).path("session_jwt").asText();
  }

  /** The server's current signing key, read from its own database the way {@code latchkey keys rotate} does. */
  static SigningKey serverKey(TestServer server) {
    try (Stores stores = open(server)) {
      KeyRing ring = ring(server, stores);
      ring.refresh();
      return ring.signingKey();
    }
  }

  /** Rotates the stopped server's signing key in its database; returns the new kid. */
  static String rotateKeys(TestServer server) {
    try (Stores stores = open(server)) {
      KeyRing ring = ring(server, stores);
      ring.refresh();
      return ring.rotate();
    }
  }

  private static Stores open(TestServer server) {
    return JdbcStores.open(Settings.load(server.environment()).databaseUrl(), Duration.ofSeconds(10));
  }

  private static KeyRing ring(TestServer server, Stores stores) {
    return new KeyRing(stores.keys(), new KeyEncryption(null), Ids.forProject(server.projectId), Clock.systemUTC(),
        Duration.ofHours(1));
  }

  /** The claims the server would mint for a session right now, as a mutable map to edit. */
  static Map<String, Object> claims(TestServer server, long iat) {
    Map<String, Object> session = new LinkedHashMap<>();
    session.put("id", "session-test-" + UUID.randomUUID());
    session.put("started_at", java.time.Instant.ofEpochSecond(iat).toString());
    session.put("last_accessed_at", java.time.Instant.ofEpochSecond(iat).toString());
    session.put("expires_at", java.time.Instant.ofEpochSecond(iat + 3600).toString());
    session.put("attributes", Map.of("ip_address", "", "user_agent", ""));
    session.put("authentication_factors", java.util.List.of(Map.of("type", "password", "delivery_method",
        "knowledge", "last_authenticated_at", java.time.Instant.ofEpochSecond(iat).toString())));
    session.put("roles", java.util.List.of("stytch_user"));
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("aud", java.util.List.of(server.projectId));
    claims.put("exp", iat + 300);
    claims.put("https://stytch.com/session", session);
    claims.put("iat", iat);
    claims.put("iss", "stytch.com/" + server.projectId);
    claims.put("nbf", iat);
    claims.put("sub", "user-test-" + UUID.randomUUID());
    return claims;
  }

  static String sign(RSAPrivateKey key, String kid, Map<String, Object> claims) {
    return sign(key, new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid).type(JOSEObjectType.JWT).build(), claims);
  }

  static String sign(RSAPrivateKey key, JWSHeader header, Map<String, Object> claims) {
    JWSObject jws = new JWSObject(header, new Payload(claims));
    try {
      jws.sign(new RSASSASigner(key));
    } catch (JOSEException e) {
      throw new AssertionError(e);
    }
    return jws.serialize();
  }

  static KeyPair ownKeys() {
    try {
      KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
      gen.initialize(2048);
      return gen.generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  static String b64(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  static String decode(String part) {
    return new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8);
  }
}
