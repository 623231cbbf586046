package dev.latchkey.server.api;

import static dev.latchkey.server.api.ApiAssertions.assertError;
import static dev.latchkey.server.api.ApiAssertions.assertErrorShape;
import static dev.latchkey.server.api.ApiAssertions.assertOk;
import static dev.latchkey.server.api.ApiAssertions.literal;
import static dev.latchkey.server.api.ApiAssertions.uniqueEmail;
import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.ApiClient.Reply;
import dev.latchkey.server.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile input on every endpoint the server registers (read from the live route table, so a new route is covered
 * the day it is added): every reply is a 4xx in the error shape, never a 500 or a hang, and a refused request leaves
 * every table exactly as it was (row counts and a hash of every row, read straight from the SQLite file).
 *
 * <p>Each request carries the credentials its route expects (the project secret on {@code /v1}, the public token and
 * a live session token on {@code /sdk/v1}), so the hostile body reaches the code that reads it instead of being
 * stopped at the door.
 */
class HostileInputTest {
  /**
   * Routes that do not read a request body and so have no body to refuse: they are probed with header abuse only.
   * A route missing from both this set and the body-reading routes fails {@link #everyRouteIsClassified()}.
   */
  private static final Set<String> BODYLESS = Set.of("GET /healthz", "GET /readyz", "GET /v1/sessions",
      "GET /v1/sessions/jwks/{project_id}", "GET /v1/users/{user_id}", "DELETE /v1/users/{user_id}",
      "DELETE /v1/users/totps/{totp_id}", "GET /sdk/v1/users/me", "GET /sdk/v1/projects/bootstrap/{public_token}",
      // The SDK's telemetry sink accepts any body up to the size limit by design; revoke and the recovery-code
      // listing take no parameters (the session comes from the credentials) and ignore their body.
      "POST /sdk/v1/events", "POST /sdk/v1/sessions/revoke", "POST /sdk/v1/sessions/revoke_others",
      "POST /sdk/v1/totps/recovery_codes",
      "GET /v1/dev/outbox",
      // The new-device link's landing page reads only its query; its POST reads a form, like the OAuth callback.
      "GET /v1/public/sessions/revoke",
      "GET /v1/webhooks/endpoints", "GET /v1/webhooks/endpoints/{endpoint_id}",
      "DELETE /v1/webhooks/endpoints/{endpoint_id}", "GET /v1/webhooks/endpoints/{endpoint_id}/dead_letters",
      // Removing an external id takes nothing but the path.
      "DELETE /v1/users/{user_id}/external_id",
      // OAuth: the browser-facing start and callback read query parameters (the posted callback reads a form, and is
      // probed as a body route); unlinking a provider reads its path.
      "GET /v1/public/oauth/{provider}/start", "GET /v1/public/oauth/callback/{provider}",
      "DELETE /v1/users/oauth/{oauth_user_registration_id}",
      // Deleting one factor reads the path only.
      "DELETE /v1/users/emails/{email_id}", "DELETE /v1/users/passwords/{password_id}",
      "DELETE /sdk/v1/users/emails/{email_id}",
      "GET /v1/webauthn/credentials/{user_id}/{domain}",
      "DELETE /v1/users/webauthn_registrations/{webauthn_registration_id}",
      // The API description is read, never written.
      "GET /openapi.json",
      // Event streams read the credentials and the Last-Event-ID header only.
      "GET /v1/sessions/events", "GET /sdk/v1/sessions/events");

  /** Every field name any endpoint reads, so a "wrong types" body hits whichever fields the route has. */
  private static final List<String> FIELDS = List.of("email", "password", "name", "create_user_as_pending",
      "trusted_metadata", "untrusted_metadata", "external_id", "roles", "session_token", "session_jwt",
      "session_id", "session_duration_minutes", "session_custom_claims", "user_id", "totp_code", "recovery_code",
      "expiration_minutes", "token", "method_id", "code", "login_magic_link_url", "signup_magic_link_url",
      "reset_password_redirect_url", "login_expiration_minutes", "signup_expiration_minutes",
      "code_challenge", "code_verifier", "email_id", "totp_id", "phone_number", "provider", "existing_password",
      "limit", "cursor", "query", "domain", "public_key_credential",
      "authenticator_type", "return_passkey_credential_options", "use_base64_url_encoding", "user_agent",
      "override_id", "override_name", "override_display_name");

  private static TestServer server;
  private static ApiClient api;
  private static String userId;
  private static String sessionToken;
  private static List<String> bodyRoutes;

  @BeforeAll
  @BeforeContainer
  static void startServer() {
    server = TestServer.start();
    api = server.api();
    Reply created = api.post("/v1/passwords", "{\"email\":" + literal(uniqueEmail("hostile"))
        + ",\"password\":\"correct horse battery staple 42\",\"session_duration_minutes\":600}");
    userId = assertOk(created).path("user_id").asText();
    sessionToken = created.text("session_token");
    bodyRoutes = server.server().routes().stream().filter(r -> !BODYLESS.contains(r)).toList();
  }

  @AfterAll
  @AfterContainer
  static void stopServer() {
    server.close();
  }

  // --- the route table ---

  @Test
  void everyRouteIsClassified() {
    List<String> routes = server.server().routes();

    assertThat(bodyRoutes).allMatch(r -> r.startsWith("POST ") || r.startsWith("PUT "));
    assertThat(routes).containsAll(BODYLESS.stream().filter(r -> !r.contains("dev/outbox")).toList());
    assertThat(bodyRoutes).contains("POST /v1/users", "POST /sdk/v1/sessions/authenticate", "PUT /sdk/v1/users/me",
        "POST /v1/totps/recover", "POST /v1/magic_links/authenticate");
  }

  // --- properties: hostile bodies on every body-reading route ---

  @Property(tries = 300)
  void aHostileBodyIsAClientErrorAndChangesNothing(@ForAll("bodyRoutes") String route,
      @ForAll("hostileBodies") byte[] body) {
    Map<String, String> before = snapshot();

    Reply r = send(route, body, Map.of());

    assertThat(r.status()).as("%s %s -> %s", route, show(body), r.text()).isBetween(400, 499);
    assertErrorShape(r);
    assertThat(snapshot()).as("store after %s %s", route, show(body)).isEqualTo(before);
  }

  @Property(tries = 100)
  void wrongTypesInEveryFieldAreRefused(@ForAll("bodyRoutes") String route, @ForAll("wrongTypeObjects") String body) {
    Map<String, String> before = snapshot();

    Reply r = send(route, body.getBytes(StandardCharsets.UTF_8), Map.of());

    assertThat(r.status()).as("%s %s -> %s", route, body, r.text()).isBetween(400, 499);
    assertErrorShape(r);
    assertThat(snapshot()).isEqualTo(before);
  }

  @Provide
  Arbitrary<String> bodyRoutes() {
    return Arbitraries.of(bodyRoutes);
  }

  @Provide
  Arbitrary<byte[]> hostileBodies() {
    String valid = "{\"email\":\"ada@example.com\",\"password\":\"correct horse battery staple 42\","
        + "\"session_token\":\"" + "a".repeat(44) + "\",\"session_duration_minutes\":60}";
    Arbitrary<String> truncated = Arbitraries.integers().between(1, valid.length() - 1).map(n -> valid.substring(0, n));
    Arbitrary<String> notObjects = Arbitraries.of("[]", "[{}]", "\"x\"", "42", "true", "null", "{} {}", "{,}",
        "{\"a\"}", "{\"a\":}", "{'a':1}", "{a:1}", "{\"a\":1,}", "{\"a\":01}", "{\"a\":NaN}", "{\"a\":.5}");
    Arbitrary<String> duplicates = Arbitraries.of(FIELDS).map(f -> "{\"" + f + "\":\"x\",\"" + f + "\":\"y\"}");
    Arbitrary<String> deep = Combinators.combine(Arbitraries.of(FIELDS), Arbitraries.integers().between(1001, 5000),
        Arbitraries.of("[", "{\"a\":")).as((f, n, open) -> "{\"" + f + "\":" + open.repeat(n) + "1"
        + (open.equals("[") ? "]" : "}").repeat(n) + "}");
    Arbitrary<String> hugeNumbers = Combinators.combine(Arbitraries.of(FIELDS), Arbitraries.integers().between(1001,
        20000)).as((f, digits) -> "{\"" + f + "\":1" + "0".repeat(digits) + "}");
    Arbitrary<String> controlChars = Combinators.combine(Arbitraries.of(FIELDS), Arbitraries.chars().range('\0',
        '\u001f')).as((f, c) -> "{\"" + f + "\":\"a" + c + "b\"}");
    Arbitrary<byte[]> invalidUtf8 = Combinators.combine(Arbitraries.of(FIELDS), Arbitraries.of("ff", "fe", "c0af",
        "e282", "f8888080", "80", "edbfbf", "c3", "f4908080")).as((f, hex) -> {
          ByteArrayOutputStream b = new ByteArrayOutputStream();
          b.writeBytes(("{\"" + f + "\":\"a").getBytes(StandardCharsets.US_ASCII));
          b.writeBytes(HexFormat.of().parseHex(hex));
          b.writeBytes("b\"}".getBytes(StandardCharsets.US_ASCII));
          return b.toByteArray();
        });
    return Arbitraries.oneOf(
        Arbitraries.oneOf(truncated, notObjects, duplicates, deep, hugeNumbers, controlChars)
            .map(s -> s.getBytes(StandardCharsets.UTF_8)),
        invalidUtf8);
  }

  /**
   * An object naming every field (in a random order, so each route meets its own fields at different positions), each
   * with a value no field accepts. Every field must be named: unknown fields are ignored by design, so a body naming
   * only fields a route does not read is a valid empty request.
   */
  @Provide
  Arbitrary<String> wrongTypeObjects() {
    Arbitrary<String> wrong = Arbitraries.of("[{}]", "[[1]]", "[{\"a\":[{}]}]", "[null, {}]");
    return Arbitraries.shuffle(FIELDS).flatMap(fields -> wrong.list().ofSize(fields.size()).map(values -> {
      StringBuilder o = new StringBuilder("{");
      for (int i = 0; i < fields.size(); i++) {
        o.append(i == 0 ? "" : ",").append('"').append(fields.get(i)).append("\":").append(values.get(i));
      }
      return o.append('}').toString();
    }));
  }

  /**
   * Free-form JSON (custom claims, metadata) may hold any value, so extreme ones must either be refused as a client
   * error or round-trip: never a 500 when they are signed into a JWT or written to the database.
   */
  @Property(tries = 60)
  void extremeValuesInFreeFormJsonAreNeverAServerError(@ForAll("freeFormFields") String field,
      @ForAll("extremeValues") String value) {
    String body = field.equals("session_custom_claims")
        ? "{\"session_token\":\"" + sessionToken + "\",\"session_custom_claims\":{\"x\":" + value + "}}"
        : "{\"" + field + "\":{\"x\":" + value + "}}";
    String route = field.equals("session_custom_claims") ? "POST /v1/sessions/authenticate" : "PUT /v1/users/{user_id}";

    Reply r = send(route, body.getBytes(StandardCharsets.UTF_8), Map.of());

    assertThat(r.status()).as("%s %s -> %s", route, body, r.text()).isLessThan(500);
    if (r.status() >= 400) {
      assertErrorShape(r);
    }
  }

  @Provide
  Arbitrary<String> freeFormFields() {
    return Arbitraries.of("session_custom_claims", "trusted_metadata", "untrusted_metadata");
  }

  @Provide
  Arbitrary<String> extremeValues() {
    return Arbitraries.of("1e400", "-1e400", "1e-400", "-0", "0.0000000000000000000000001", "123456789012345678901234567890",
        "-9223372036854775809", "9223372036854775808", "1.7976931348623157e308", "4.9e-324", "\"\\u0000\"",
        "\"\\ud800\"", "\"\\udfff\\ud800\"", "\"\u202e\ufeff\"", "[[[[[[[[[[1]]]]]]]]]]", "{\"\":\"\"}");
  }

  /** Odd paths on every route: traversal, encoded separators, NUL, very long segments. Never a 500. */
  @Property(tries = 200)
  void oddPathsAreClientErrors(@ForAll("routeTemplates") String route, @ForAll("oddSegments") String segment) {
    String method = route.substring(0, route.indexOf(' '));
    String template = route.substring(route.indexOf(' ') + 1);
    String path = template.contains("{") ? template.replaceAll("\\{[a-z_]+}", segment) : template + "/" + segment;

    Reply r = api.sendBytes(method, path, "{}".getBytes(StandardCharsets.UTF_8), Map.of("Authorization",
        authorization(route)));

    assertThat(r.status()).as("%s %s -> %s", method, path, r.text()).isBetween(400, 499);
    assertErrorShape(r);
  }

  @Provide
  Arbitrary<String> routeTemplates() {
    return Arbitraries.of(server.server().routes());
  }

  @Provide
  Arbitrary<String> oddSegments() {
    return Arbitraries.of("..", "%2e%2e", "..%2F..%2Fetc%2Fpasswd", "%00", "a%00b", "%2F", "%5C..%5C", "%25",
        "x".repeat(4000), "%C0%AF", "%FF", "user-test-%0d%0aX-Injected:%201", ";", "%3B", "*", "~");
  }

  @Test
  void aCustomClaimOutOfDoubleRangeIsRefusedBeforeAnythingIsWritten() {
    // Regression: 1e400 read as infinity, the session was written, then signing its JWT failed with a 500.
    Map<String, String> before = snapshot();

    assertError(api.post("/v1/sessions/authenticate", "{\"session_token\":\"" + sessionToken
        + "\",\"session_custom_claims\":{\"n\":1e400}}"), 400, "invalid_field_type");
    assertError(api.post("/v1/passwords", "{\"email\":" + literal(uniqueEmail("inf"))
        + ",\"password\":\"correct horse battery staple 42\",\"session_custom_claims\":{\"a\":[{\"n\":-1e400}]}}"),
        400, "invalid_field_type");

    assertThat(snapshot()).isEqualTo(before);
    assertOk(api.post("/v1/sessions/authenticate", "{\"session_token\":\"" + sessionToken + "\"}"));
  }

  @Test
  void aBodyShorterThanItsContentLengthIsABadRequestNotAServerError() throws IOException {
    // Regression: the early end of stream reached the catch-all handler and was answered (and logged) as a 500.
    try (Socket s = connect()) {
      s.setSoTimeout(30_000);
      s.getOutputStream().write(("POST /v1/users HTTP/1.1\r\nHost: x\r\nAuthorization: "
          + ApiClient.basic(server.projectId, server.secret) + "\r\nContent-Type: application/json\r\n"
          + "Content-Length: 100\r\n\r\n{\"email\":").getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      s.shutdownOutput();
      String reply = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);

      assertThat(reply).startsWith("HTTP/1.1 400").contains("\"error_type\":\"bad_request\"");
    }
  }

  // --- size ---

  @Test
  void aTenMebibyteBodyIsRefusedOnEveryRouteThatReadsOneAndChangesNothing() throws Exception {
    byte[] pad = new byte[64 * 1024];
    java.util.Arrays.fill(pad, (byte) ' ');
    int length = 10 * 1024 * 1024;
    Map<String, String> before = snapshot();
    List<String> routes = new ArrayList<>(bodyRoutes);
    routes.add("POST /sdk/v1/events"); // reads (and discards) its body, so it is bounded too

    for (String route : routes) {
      String method = route.substring(0, route.indexOf(' '));
      try (Socket s = connect()) {
        s.setSoTimeout(30_000);
        s.getOutputStream().write((method + " " + path(route) + " HTTP/1.1\r\nHost: x\r\nAuthorization: "
            + authorization(route) + "\r\nContent-Type: application/json\r\nContent-Length: " + length
            + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        // The whole 10 MB is sent, as an attacker would, while the reply is read; the server may stop reading
        // (and close) at any point after it has answered.
        Thread writer = Thread.ofVirtual().start(() -> {
          try {
            for (int sent = 0; sent < length; sent += pad.length) {
              s.getOutputStream().write(pad);
            }
          } catch (IOException e) {
            // the server closed the connection: expected once it has answered
          }
        });
        String reply = new String(s.getInputStream().readNBytes(12), StandardCharsets.ISO_8859_1);
        writer.interrupt();
        assertThat(reply).as(route).isEqualTo("HTTP/1.1 413");
      }
    }
    assertThat(snapshot()).isEqualTo(before);
    assertOk(api.get("/v1/users/" + userId));
  }

  // --- header abuse ---

  @Test
  void aGiantAuthorizationHeaderIsRefusedOnEveryRoute() throws IOException {
    for (String route : server.server().routes()) {
      if (route.startsWith("GET /healthz") || route.startsWith("GET /readyz") || route.contains("/jwks/")) {
        continue; // public: they never read Authorization
      }
      Reply r = sendWhileReading(route, "Basic " + "QUFB".repeat(5000));
      assertThat(r.status()).as(route).isIn(401, 404, 431);
      assertErrorShape(r);
    }
  }

  @Test
  void aRepeatedAuthorizationHeaderIsRefusedEvenWhenOneCopyIsValid() throws IOException {
    // Two Authorization headers are ambiguous (a proxy may check one and the server use the other), so neither wins.
    String valid = ApiClient.basic(server.projectId, server.secret);
    String sdkValid = ApiClient.basic(server.publicToken, sessionToken);
    for (String order : List.of("valid-first", "valid-last")) {
      String garbage = "Basic " + b64("someone:else");
      List<String> v1 = order.equals("valid-first") ? List.of(valid, garbage) : List.of(garbage, valid);
      List<String> sdk = order.equals("valid-first") ? List.of(sdkValid, garbage) : List.of(garbage, sdkValid);

      RawReply r1 = raw("GET /v1/users/" + userId + " HTTP/1.1\r\n" + "Host: x\r\n" + "Authorization: " + v1.get(0)
          + "\r\nAuthorization: " + v1.get(1) + "\r\nConnection: close\r\n\r\n");
      RawReply r2 = raw("GET /sdk/v1/users/me HTTP/1.1\r\n" + "Host: x\r\n" + "Authorization: " + sdk.get(0)
          + "\r\nAuthorization: " + sdk.get(1) + "\r\nConnection: close\r\n\r\n");

      assertThat(r1.status()).as(order + " " + r1.body()).isEqualTo(401);
      assertThat(r1.body()).contains("\"error_type\":\"unauthorized_credentials\"");
      assertThat(r2.status()).as(order + " " + r2.body()).isEqualTo(401);
      assertThat(r2.body()).contains("\"error_type\":\"unauthorized_credentials\"");
    }
    // The same valid header once is accepted, so the refusal above is about the repetition.
    assertOk(api.get("/v1/users/" + userId));
  }

  @Test
  void badBasicEncodingOnTheSdkIsUnauthorized() {
    for (String authorization : List.of("Basic !!!", "Basic " + b64(server.publicToken), "Basic",
        "Basic " + "%%%%", "Bearer " + sessionToken, "Basic " + b64(server.publicToken + ":" + sessionToken) + "!")) {
      Reply r = api.send("GET", "/sdk/v1/users/me", null, Map.of("Authorization", authorization));
      assertError(r, 401, "unauthorized_credentials");
    }
  }

  @Test
  void aThousandHeadersAreRefusedInTheErrorShape() throws IOException {
    StringBuilder request = new StringBuilder("POST /v1/users HTTP/1.1\r\nHost: x\r\nAuthorization: "
        + ApiClient.basic(server.projectId, server.secret) + "\r\n");
    for (int i = 0; i < 1000; i++) {
      request.append("X-H").append(i).append(": v\r\n");
    }
    request.append("Content-Length: 2\r\nConnection: close\r\n\r\n{}");

    RawReply r = raw(request.toString());

    assertThat(r.status()).isEqualTo(431);
    assertThat(r.body()).contains("\"error_type\":\"request_headers_too_large\"");
  }

  @Test
  void controlCharactersInAHeaderAreABadRequestInTheErrorShape() throws IOException {
    RawReply r = raw("GET /v1/users/" + userId + " HTTP/1.1\r\nHost: x\r\nAuthorization: Basic \u0001\u0002\r\n"
        + "X-Evil: a\u0000b\r\nConnection: close\r\n\r\n");

    assertThat(r.status()).isBetween(400, 499);
    assertThat(r.body()).contains("\"error_type\":");
  }

  @Test
  void anUnknownHttpVersionIsNamedForWhatItIs() throws IOException {
    RawReply r = raw("GET /healthz HTTP/9.9\r\nHost: x\r\nConnection: close\r\n\r\n");

    assertThat(r.status()).isEqualTo(505);
    assertThat(r.body()).contains("\"error_type\":\"http_version_not_supported\"");
  }

  // --- slow bodies ---

  @Test
  void aClientSendingAByteASecondIsCutOffWhileOthersAreServed() throws Exception {
    Map<String, String> before = snapshot();
    try (Socket slow = connect()) {
      OutputStream out = slow.getOutputStream();
      String body = "{\"email\":" + literal(uniqueEmail("slow")) + "}";
      out.write(("POST /v1/users HTTP/1.1\r\nHost: x\r\nAuthorization: "
          + ApiClient.basic(server.projectId, server.secret) + "\r\nContent-Type: application/json\r\n"
          + "Content-Length: " + (body.length() + 1000) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      slow.setSoTimeout(1000);
      InputStream in = slow.getInputStream();
      boolean cutOff = false;
      String reply = "";
      // Up to 60 bytes at one a second: far past the server's 10 s body deadline, far short of the body's length.
      for (int i = 0; i < 60 && !cutOff; i++) {
        try {
          out.write(' '); // whitespace is valid JSON padding, so only the rate is wrong
          out.flush();
        } catch (IOException e) {
          cutOff = true; // the server closed the connection
          break;
        }
        // Others are served while the slow client dribbles.
        assertOk(api.get("/v1/users/" + userId));
        try {
          int b = in.read();
          cutOff = true; // a reply (an error) or end of stream: either way the server stopped waiting
          if (b >= 0) {
            reply = (char) b + new String(in.readNBytes(11), StandardCharsets.ISO_8859_1);
          }
        } catch (SocketTimeoutException e) {
          // still waiting for a reply: send the next byte
        } catch (IOException e) {
          cutOff = true; // connection reset
        }
      }
      assertThat(cutOff).as("the server must stop waiting for a body that trickles in").isTrue();
      assertThat(reply).isEqualTo("HTTP/1.1 408");
    }
    assertThat(snapshot()).isEqualTo(before);
  }

  @Test
  void aClientSendingItsHeadersAByteASecondIsCutOff() throws Exception {
    try (Socket slow = connect()) {
      OutputStream out = slow.getOutputStream();
      out.write("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      slow.setSoTimeout(1000);
      InputStream in = slow.getInputStream();
      boolean cutOff = false;
      for (int i = 0; i < 60 && !cutOff; i++) {
        try {
          out.write('a');
          out.flush();
        } catch (IOException e) {
          cutOff = true;
          break;
        }
        assertOk(api.get("/v1/users/" + userId)); // others are served meanwhile
        try {
          in.read();
          cutOff = true;
        } catch (SocketTimeoutException e) {
          // still waiting
        } catch (IOException e) {
          cutOff = true;
        }
      }
      assertThat(cutOff).as("the server must stop waiting for headers that trickle in").isTrue();
    }
  }

  @Test
  void anErrorReplyToARequestWithAnUnreadBodySaysTheConnectionCloses() throws IOException {
    // Regression: refused before its body was read, the request's connection was dropped after a keep-alive reply,
    // and a client's next request on it failed with no reply at all (seen as flakes of oddPathsAreClientErrors).
    for (String request : List.of("POST /v1/nope", "POST /v1/users")) {
      String auth = request.endsWith("/nope") ? ApiClient.basic(server.projectId, server.secret) : "Basic AAAA";
      RawReply r = rawHead(request + " HTTP/1.1\r\nHost: x\r\nAuthorization: " + auth
          + "\r\nContent-Length: 2\r\n\r\n{}");

      assertThat(r.status()).isBetween(400, 499);
      assertThat(r.body().toLowerCase(java.util.Locale.ROOT)).as(request).contains("connection: close");
    }
  }

  // --- helpers ---

  private static Reply send(String route, byte[] body, Map<String, String> headers) {
    String method = route.substring(0, route.indexOf(' '));
    Map<String, String> h = new LinkedHashMap<>(headers);
    h.putIfAbsent("Authorization", authorization(route));
    return api.sendBytes(method, path(route), body, h);
  }

  /**
   * The route called with this Authorization header over a raw socket, the reply read while the request is still
   * being written. The server answers 431 after reading only the start of a header this large and closes with the
   * rest unread; a client that waits to finish writing first (java.net.http does) can lose the reply to the reset.
   */
  private static Reply sendWhileReading(String route, String authorization) throws IOException {
    String method = route.substring(0, route.indexOf(' '));
    byte[] request = (method + " " + path(route) + " HTTP/1.1\r\nHost: x\r\nAuthorization: " + authorization
        + "\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")
        .getBytes(StandardCharsets.ISO_8859_1);
    try (Socket s = connect()) {
      s.setSoTimeout(30_000);
      Thread writer = Thread.ofVirtual().start(() -> {
        try {
          s.getOutputStream().write(request);
        } catch (IOException e) {
          // the server answered and closed before reading all of it: expected
        }
      });
      ByteArrayOutputStream received = new ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      try {
        for (int n; (n = s.getInputStream().read(buffer)) >= 0; ) {
          received.write(buffer, 0, n);
        }
      } catch (java.net.SocketException reset) {
        // a reset after the reply: what arrived before it is the reply
      }
      writer.interrupt();
      String reply = received.toString(StandardCharsets.ISO_8859_1);
      assertThat(reply).as(route).startsWith("HTTP/1.1 ");
      int start = reply.indexOf("\r\n\r\n");
      String body = start < 0 ? "" : reply.substring(start + 4);
      String contentType = reply.substring(0, Math.max(start, 0)).lines()
          .filter(l -> l.regionMatches(true, 0, "Content-Type:", 0, 13)).map(l -> l.substring(13).trim())
          .findFirst().orElse("");
      com.fasterxml.jackson.databind.JsonNode json;
      try {
        json = ApiAssertions.JSON.readTree(body);
      } catch (IOException e) {
        json = null;
      }
      return new Reply(Integer.parseInt(reply.substring(9, 12)), Map.of("Content-Type", List.of(contentType)),
          body, json);
    }
  }

  /** The route's path with a real user id, and a value that names nothing for every other parameter. */
  private static String path(String route) {
    return route.substring(route.indexOf(' ') + 1).replace("{user_id}", userId).replaceAll("\\{[a-z_]+}", "nope");
  }

  /** The credentials the route expects: the project secret on /v1, the public token and a live session on /sdk. */
  private static String authorization(String route) {
    return route.contains(" /sdk/") ? ApiClient.basic(server.publicToken, sessionToken)
        : ApiClient.basic(server.projectId, server.secret);
  }

  /** Row count and SHA-256 of the sorted rows of every table. */
  private static Map<String, String> snapshot() {
    Map<String, String> tables = new TreeMap<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + server.dataDir().resolve("latchkey.db"))) {
      List<String> names = new ArrayList<>();
      try (ResultSet rs = c.createStatement().executeQuery(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")) {
        while (rs.next()) {
          names.add(rs.getString(1));
        }
      }
      for (String table : names) {
        List<String> rows = new ArrayList<>();
        try (ResultSet rs = c.createStatement().executeQuery("SELECT * FROM \"" + table + "\"")) {
          int n = rs.getMetaData().getColumnCount();
          while (rs.next()) {
            StringBuilder row = new StringBuilder();
            for (int i = 1; i <= n; i++) {
              byte[] v = rs.getBytes(i);
              row.append(v == null ? "NULL" : HexFormat.of().formatHex(v)).append('|');
            }
            rows.add(row.toString());
          }
        }
        rows.sort(null);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        rows.forEach(row -> sha.update(row.getBytes(StandardCharsets.US_ASCII)));
        tables.put(table, rows.size() + " rows, sha256 " + HexFormat.of().formatHex(sha.digest()));
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
    return tables;
  }

  private record RawReply(int status, String body) {}

  private static Socket connect() throws IOException {
    URI base = URI.create(server.baseUrl());
    return new Socket(base.getHost(), base.getPort());
  }

  /** One raw HTTP/1.1 exchange, for requests java.net.http refuses to send. */
  private static RawReply raw(String request) throws IOException {
    try (Socket s = connect()) {
      s.setSoTimeout(30_000);
      s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      String reply = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      int status = Integer.parseInt(reply.substring(9, 12));
      int start = reply.indexOf("\r\n\r\n");
      return new RawReply(status, start < 0 ? "" : reply.substring(start + 4));
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** Status and header block of one reply, read without waiting for the server to close the connection. */
  private static RawReply rawHead(String request) throws IOException {
    try (Socket s = connect()) {
      s.setSoTimeout(30_000);
      s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      StringBuilder head = new StringBuilder();
      InputStream in = s.getInputStream();
      while (head.indexOf("\r\n\r\n") < 0) {
        int b = in.read();
        if (b < 0) {
          break;
        }
        head.append((char) b);
      }
      return new RawReply(Integer.parseInt(head.substring(9, 12)), head.toString());
    }
  }

  private static String b64(String s) {
    return java.util.Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String show(byte[] body) {
    String s = new String(body, StandardCharsets.UTF_8);
    return s.length() > 120 ? s.substring(0, 120) + "...(" + body.length + " bytes)" : s;
  }
}
