package dev.latchkey.server;

import dev.latchkey.server.error.ErrorCode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.OAuthBrowser;
import dev.latchkey.server.testing.SoftwareAuthenticator;
import dev.latchkey.server.testing.TestServer;
import dev.latchkey.server.testing.TotpCodes;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps {@code docs/api.md} true: it documents exactly the routes the server registers and every {@link ErrorCode},
 * and every example in it, run in order against a real server, gets the reply written under it. The rules for
 * "gets the reply" are in the document ("Reading the examples") and in {@link ReplyMatcher}.
 */
class ApiDocTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** {@code {name}}, {@code {name[i]}} (element i of a captured list of strings) or {@code {totp:name}}. */
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{((?:totp:|passkey:)?[a-z_]+(?:\\[\\d+])?)\\}");
  private static final String TOTP_PREFIX = "totp:";
  /**
   * {@code {passkey:public_key_credential_creation_options}}: a new software authenticator's answer to the captured
   * options (a passkey, as a browser at {@link #PASSKEY_ORIGIN} returns it), JSON-escaped for use inside a string;
   * {@code {passkey:public_key_credential_request_options}}: the latest such authenticator's assertion.
   */
  private static final String PASSKEY_PREFIX = "passkey:";
  static final String PASSKEY_ORIGIN = "https://app.example.com";
  private static SoftwareAuthenticator passkey;
  /**
   * {@code {oauth:google:<subject>:<email>}}: the {@code token} of the redirect back to the app after a real sign-in
   * with Google (the OpenID provider on loopback standing in for it) as the account {@code subject} with the
   * verified {@code email}: the start, the provider's sign-in and the callback, followed by a browser keeping cookies.
   */
  private static final Pattern OAUTH = Pattern.compile("\\{oauth:([a-z]+):([A-Za-z0-9_-]+):([^}\\s]+)\\}");
  private static final String OAUTH_PROVIDER = "google";
  private static final Pattern PROJECT_ID = Pattern.compile("project-(?:test|live)-" + ReplyMatcher.UUID);
  private static final Pattern PUBLIC_TOKEN = Pattern.compile("public-token-(?:test|live)-" + ReplyMatcher.UUID);
  /** A header value {@code Basic base64(user:password)}: the test encodes what the document shows in clear. */
  private static final Pattern BASIC_IN_CLEAR = Pattern.compile("Basic base64\\((.*)\\)");
  private static final String JWT_SECTION = "The session JWT";
  /** The device every example is sent from unless its block names another: sessions on /sdk/v1 record it. */
  static final String EXAMPLE_USER_AGENT = "ExampleBrowser/1.0";
  static final String OPENAPI_ROUTE = "GET /openapi.json";
  static final List<String> PAGE_ROUTES = List.of("GET /v1/public/sessions/revoke", "POST /v1/public/sessions/revoke");

  private static String markdown;
  private static ApiDocument doc;
  private static TestServer server;
  /** The other identity provider of the sessions/migrate example, and the access token it issued to the example. */
  private static MockOAuth2Server provider;
  private static final String MIGRATE_ISSUER_ID = "legacy-idp";

  @BeforeAll
  static void readTheDocumentAndStartAServer() throws IOException {
    markdown = Files.readString(apiDoc());
    doc = ApiDocument.parse(markdown);
    // The examples read mailed links and codes from the dev outbox, as a developer without SMTP would.
    // The OpenID provider of the POST /v1/sessions/migrate example, on loopback.
    provider = new MockOAuth2Server();
    provider.start();
    server = TestServer.start(Map.of("LATCHKEY_DEV_OUTBOX", "true",
        "LATCHKEY_SESSION_MIGRATE_ISSUER", provider.issuerUrl(MIGRATE_ISSUER_ID).toString(),
        // The passkey examples run as a page on https://app.example.com would (domain app.example.com).
        "LATCHKEY_WEBAUTHN_ORIGINS", PASSKEY_ORIGIN,
        // The OAuth examples sign in with Google, played by the same OpenID provider under the issuer /google.
        "LATCHKEY_OAUTH_GOOGLE_CLIENT_ID", "latchkey-docs-client",
        "LATCHKEY_OAUTH_GOOGLE_CLIENT_SECRET", "latchkey-docs-client-secret",
        "LATCHKEY_OAUTH_GOOGLE_ISSUER", issuer(OAUTH_PROVIDER)),
        java.time.Clock.systemUTC());
  }

  @AfterAll
  static void stopTheServer() {
    if (server != null) {
      server.close();
    }
    if (provider != null) {
      provider.shutdown();
    }
  }

  /** {@code docs/api.md} under the project root surefire names, else the first one found walking up. */
  static Path apiDoc() {
    String root = System.getProperty("latchkey.projectRoot");
    if (root != null && Files.isRegularFile(Path.of(root, "docs", "api.md"))) {
      return Path.of(root, "docs", "api.md");
    }
    for (Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("docs/api.md"))) {
        return dir.resolve("docs/api.md");
      }
    }
    throw new IllegalStateException("docs/api.md not found from latchkey.projectRoot=" + root + " or user.dir");
  }

  @Test
  void theDocumentedEndpointsAreExactlyTheRegisteredRoutes() {
    assertThat(doc.endpoints()).as("endpoint headings in docs/api.md (each once)").doesNotHaveDuplicates();
    // GET /openapi.json answers the OpenAPI document, not a Stytch-shaped reply an example could show: its section
    // describes it, and OpenApiTest checks it.
    // Likewise the new-device link's landing page answers HTML for a person: "New-device mail" describes it, and
    // NewDeviceMailTest checks it.
    assertThat(doc.endpoints()).as("endpoint headings in docs/api.md vs the server's routes")
        .containsExactlyInAnyOrderElementsOf(server.server().routes().stream()
            .filter(r -> !r.equals(OPENAPI_ROUTE) && !PAGE_ROUTES.contains(r)).toList());
  }

  @Test
  void everyErrorTypeIsInTheErrorTableWithItsStatus() {
    Map<String, List<Integer>> expected = new LinkedHashMap<>();
    for (ErrorCode code : ErrorCode.values()) {
      List<Integer> statuses = expected.computeIfAbsent(code.type(), t -> new ArrayList<>());
      if (!statuses.contains(code.status())) {
        statuses.add(code.status());
      }
    }
    assertThat(doc.errorTable()).as("the error table (one row per error_type, with its status)")
        .containsExactlyInAnyOrderEntriesOf(expected);
  }

  @Test
  void everyEndpointListsItsErrorsAndOnlyErrorsThatExist() {
    Set<String> known = Arrays.stream(ErrorCode.values()).map(ErrorCode::type).collect(Collectors.toSet());
    assertThat(doc.errorsByEndpoint().keySet()).as("endpoints with an **Errors:** line")
        .containsExactlyInAnyOrderElementsOf(doc.endpoints());
    doc.errorsByEndpoint().forEach((endpoint, names) ->
        assertThat(known).as("error types named under " + endpoint).containsAll(names));
  }

  @Test
  void everyEndpointHasAnExampleOfItselfAndOnlyOfItself() {
    Map<String, Integer> examples = new HashMap<>();
    for (ApiDocument.Example e : doc.examples()) {
      String endpoint = e.request().endpoint();
      if (endpoint != null) {
        String[] template = endpoint.split(" ", 2);
        String[] requestLine = e.request().text().lines().findFirst().orElse("").split(" ", 2);
        assertThat(requestLine[0]).as("method of the example on line " + e.line()).isEqualTo(template[0]);
        assertThat(requestLine.length == 2 && pathMatches(template[1], requestLine[1]))
            .as("the example on line " + e.line() + " (" + String.join(" ", requestLine) + ") calls " + endpoint)
            .isTrue();
        examples.merge(endpoint, 1, Integer::sum);
      }
    }
    assertThat(examples.keySet()).as("endpoints with an example").containsExactlyInAnyOrderElementsOf(
        doc.endpoints());
  }

  @Test
  void everyJsonBlockIsAReplyOrThePartsOfTheSessionJwt() {
    List<ApiDocument.Block> free = doc.items().stream().filter(ApiDocument.JsonItem.class::isInstance)
        .map(i -> ((ApiDocument.JsonItem) i).block()).toList();
    assertThat(free).as("json blocks that are not replies").hasSize(2)
        .allSatisfy(b -> assertThat(b.heading()).isEqualTo(JWT_SECTION));
  }

  @Test
  void everyExampleGetsTheDocumentedReply() throws IOException {
    ReplyMatcher matcher = new ReplyMatcher();
    Set<String> projectIds = new TreeSet<>();
    PROJECT_ID.matcher(markdown).results().forEach(r -> projectIds.add(r.group()));
    assertThat(projectIds).as("the examples' project id (one)").hasSize(1);
    matcher.bind(projectIds.iterator().next(), server.projectId);
    Set<String> publicTokens = new TreeSet<>();
    PUBLIC_TOKEN.matcher(markdown).results().forEach(r -> publicTokens.add(r.group()));
    assertThat(publicTokens).as("the examples' public token (at most one)").hasSizeLessThanOrEqualTo(1);
    publicTokens.forEach(t -> matcher.bind(t, server.publicToken));

    Map<String, String> captured = new HashMap<>();
    captured.put("project_id", server.projectId);
    captured.put("public_token", server.publicToken);
    captured.put("legacy_access_token", provider.issueToken(MIGRATE_ISSUER_ID, "legacy-subject-ada", "legacy-app",
        Map.of("email", "idp-ada@example.com", "email_verified", true), 3600).serialize());
    ApiClient api = server.api();
    int run = 0;
    int jwtParts = 0;
    for (ApiDocument.Item item : doc.items()) {
      if (item instanceof ApiDocument.ExampleItem(ApiDocument.Example e)) {
        JsonNode actual = runExample(api, e, captured, matcher);
        capture(actual, captured);
        run++;
      } else if (item instanceof ApiDocument.JsonItem(ApiDocument.Block b) && b.heading().equals(JWT_SECTION)) {
        String jwt = captured.get("session_jwt");
        assertThat(jwt).as("a session_jwt in a reply before line " + b.line()).isNotNull();
        JsonNode documented = JSON.readTree(b.text());
        List<String> problems = jwtParts == 0
            ? matcher.mismatches(documented, ReplyMatcher.jwtPart(jwt, 0))
            : matcher.payloadMismatches(documented, ReplyMatcher.jwtPart(jwt, 1));
        assertThat(problems).as("the JWT %s documented on line %d", jwtParts == 0 ? "header" : "claims", b.line())
            .isEmpty();
        jwtParts++;
      }
    }
    assertThat(run).as("examples run").isEqualTo(doc.examples().size()).isGreaterThanOrEqualTo(
        doc.endpoints().size());
    assertThat(jwtParts).as("JWT header and claims checked").isEqualTo(2);
  }

  private static JsonNode runExample(ApiClient api, ApiDocument.Example e, Map<String, String> captured,
      ReplyMatcher matcher) throws IOException {
    String where = "the example on line " + e.line();
    String[] parts = substitute(e.request().text(), captured, where).split("\n\n", 2);
    List<String> head = parts[0].lines().toList();
    String[] requestLine = head.get(0).split(" ", 2);
    Map<String, String> headers = new LinkedHashMap<>();
    for (String header : head.subList(1, head.size())) {
      String[] nameValue = header.split(":\\s*", 2);
      Matcher basic = BASIC_IN_CLEAR.matcher(nameValue[1]);
      headers.put(nameValue[0], basic.matches() ? "Basic " + java.util.Base64.getEncoder().encodeToString(
          basic.group(1).getBytes(java.nio.charset.StandardCharsets.UTF_8)) : nameValue[1]);
    }
    String body = parts.length > 1 && !parts[1].isBlank() ? parts[1].strip() : null;
    headers.putIfAbsent("User-Agent", EXAMPLE_USER_AGENT);

    ApiClient.Reply reply = api.send(requestLine[0], requestLine[1], body, headers);
    JsonNode documented = JSON.readTree(e.reply().text());
    assertThat(reply.json()).as(where + ": the reply is JSON, was " + reply.text()).isNotNull();
    assertThat(reply.status()).as(where + ": HTTP status (reply " + reply.text() + ")")
        .isEqualTo(documented.has("data") ? documented.path("data").path("status_code").asInt()
            : documented.path("status_code").asInt());
    assertThat(matcher.mismatches(documented, reply.json())).as(where + ": reply " + reply.text()
        + "\ndiffers from the one documented on line " + e.reply().line()).isEmpty();
    return reply.json();
  }

  private static String substitute(String text, Map<String, String> captured, String where) {
    Matcher o = OAUTH.matcher(text);
    StringBuilder signedIn = new StringBuilder();
    while (o.find()) {
      assertThat(o.group(1)).as(where + ": the OAuth provider of the examples").isEqualTo(OAUTH_PROVIDER);
      o.appendReplacement(signedIn, Matcher.quoteReplacement(oauthToken(o.group(2), o.group(3), where)));
    }
    text = o.appendTail(signedIn).toString();
    Matcher m = PLACEHOLDER.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1);
      boolean totp = name.startsWith(TOTP_PREFIX);
      if (name.startsWith(PASSKEY_PREFIX)) {
        String options = captured.get(name.substring(PASSKEY_PREFIX.length()));
        if (options == null) {
          fail(where + ": {" + name + "} is in no earlier reply");
        }
        m.appendReplacement(out, Matcher.quoteReplacement(passkeyAnswer(name, options)));
        continue;
      }
      String value = captured.get(totp ? name.substring(TOTP_PREFIX.length()) : name);
      if (value == null) {
        fail(where + ": {" + name + "} is in no earlier reply");
      }
      // {totp:secret}: the code an authenticator app shows now for the captured base32 secret. The server runs on
      // the real clock and accepts a step either side, so a step boundary passed in between does not matter.
      m.appendReplacement(out, Matcher.quoteReplacement(totp ? TotpCodes.at(value, Instant.now()) : value));
    }
    return m.appendTail(out).toString();
  }

  /** The issuer URL of {@code issuerId} at the loopback provider, without the trailing slash. */
  private static String issuer(String issuerId) {
    String url = provider.issuerUrl(issuerId).toString();
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  /**
   * Signs in with Google as {@code subject} ({@code email}, verified) the way a browser does, and returns the token
   * Latchkey sends the app back with.
   */
  private static String oauthToken(String subject, String email, String where) {
    provider.enqueueCallback(new DefaultOAuth2TokenCallback(OAUTH_PROVIDER, subject, "JWT", null,
        Map.of("email", email, "email_verified", true, "given_name", "Ada", "family_name", "Lovelace"), 3600));
    OAuthBrowser.Landing landing = new OAuthBrowser(TestServer.REDIRECT_URL).follow(server.baseUrl()
        + "/v1/public/oauth/" + OAUTH_PROVIDER + "/start?public_token="
        + URLEncoder.encode(server.publicToken, StandardCharsets.UTF_8));
    assertThat(landing.url()).as(where + ": the sign-in with " + OAUTH_PROVIDER + " ends at the app (" + landing
        + ")").startsWith(TestServer.REDIRECT_URL + "?stytch_token_type=oauth&token=");
    return landing.param("token");
  }

  /** What a browser with a passkey would send for these options, as the inside of a JSON string. */
  private static String passkeyAnswer(String name, String options) {
    String credential;
    if (name.endsWith("creation_options")) {
      passkey = SoftwareAuthenticator.passkey();
      credential = passkey.register(options, PASSKEY_ORIGIN);
    } else {
      assertThat(passkey).as("a passkey registered before {" + name + "}").isNotNull();
      credential = passkey.authenticate(options, PASSKEY_ORIGIN);
    }
    try {
      String quoted = JSON.writeValueAsString(credential);
      return quoted.substring(1, quoted.length() - 1);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Each field name's first non-empty string value in the reply, outer fields first, replaces what was known; so
   * does each non-empty string element of a list, as {@code name[i]}.
   */
  static void capture(JsonNode reply, Map<String, String> captured) {
    Map<String, String> found = new HashMap<>();
    Deque<JsonNode> queue = new ArrayDeque<>(List.of(reply));
    while (!queue.isEmpty()) {
      JsonNode node = queue.removeFirst();
      node.properties().forEach(f -> {
        if (f.getValue().isTextual() && !f.getValue().asText().isEmpty()) {
          found.putIfAbsent(f.getKey(), f.getValue().asText());
        }
        for (int i = 0; f.getValue().isArray() && i < f.getValue().size(); i++) {
          JsonNode element = f.getValue().get(i);
          if (element.isTextual() && !element.asText().isEmpty()) {
            found.putIfAbsent(f.getKey() + "[" + i + "]", element.asText());
          }
        }
      });
      node.forEach(child -> {
        if (child.isContainerNode()) {
          queue.addLast(child);
        }
      });
    }
    captured.putAll(found);
  }

  /** Whether a request path (query aside) fits a route template such as {@code /v1/users/{user_id}}. */
  static boolean pathMatches(String template, String path) {
    String bare = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
    String regex = Arrays.stream(template.split("/", -1))
        .map(s -> s.startsWith("{") && s.endsWith("}") ? "[^/]+" : Pattern.quote(s))
        .collect(Collectors.joining("/"));
    return bare.matches(regex);
  }

  // The rules themselves: a matcher that let everything through would make the test above worthless.

  @Test
  void aReplyWithAFieldAddedOrRemovedDoesNotMatch() throws IOException {
    JsonNode documented = JSON.readTree("{\"status_code\": 200, \"user\": {\"name\": \"Ada\"}}");
    assertThat(new ReplyMatcher().mismatches(documented,
        JSON.readTree("{\"status_code\": 200, \"user\": {\"name\": \"Ada\", \"age\": 36}}")))
        .containsExactly("$.user: reply fields not documented: [age]");
    assertThat(new ReplyMatcher().mismatches(documented, JSON.readTree("{\"status_code\": 200, \"user\": {}}")))
        .containsExactly("$.user: documented fields missing from the reply: [name]");
  }

  @Test
  void aStringHoldingAJsonObjectIsComparedAsThatJson() throws IOException {
    JsonNode documented = JSON.readTree("{\"options\": \"{\\\"rpId\\\":\\\"app.example.com\\\"}\"}");
    assertThat(new ReplyMatcher().mismatches(documented,
        JSON.readTree("{\"options\": \"{\\\"rpId\\\": \\\"app.example.com\\\"}\"}"))).isEmpty();
    assertThat(new ReplyMatcher().mismatches(documented,
        JSON.readTree("{\"options\": \"{\\\"rpId\\\":\\\"evil.example\\\"}\"}")))
        .containsExactly("$.options(json).rpId: expected \"app.example.com\", was \"evil.example\"");
    assertThat(new ReplyMatcher().mismatches(documented, JSON.readTree("{\"options\": \"rpId\"}")))
        .containsExactly("$.options: expected a string holding a JSON object, was \"rpId\"");
  }

  @Test
  void fixedValuesAndTypesMustBeEqual() throws IOException {
    JsonNode documented = JSON.readTree(
        "{\"status\": \"active\", \"n\": 60, \"ok\": false, \"x\": null, \"roles\": [\"stytch_user\"]}");
    assertThat(new ReplyMatcher().mismatches(documented, JSON.readTree(
        "{\"status\": \"pending\", \"n\": \"60\", \"ok\": false, \"x\": {}, \"roles\": []}")))
        .containsExactly("$.status: expected \"active\", was \"pending\"", "$.n: expected 60, was \"60\"",
            "$.x: expected null, was {}", "$.roles: expected an array of 1, was []");
  }

  @Test
  void idsMatchAnyIdOfTheirKindButTheSameOneEverywhere() {
    ReplyMatcher m = new ReplyMatcher();
    String ada = "user-test-6dfed817-ad22-4327-a869-54926b584697";
    String grace = "user-test-5913e529-89f6-4887-942b-cca7bb884731";
    String actualAda = "user-test-00000000-0000-4000-8000-000000000001";
    assertThat(m.matchString(ada, actualAda)).isNull();
    assertThat(m.matchString(ada, actualAda)).isNull();
    assertThat(m.matchString(ada, "user-test-00000000-0000-4000-8000-000000000002")).contains("earlier");
    assertThat(m.matchString(grace, actualAda)).contains("earlier");
    assertThat(m.matchString(grace, "session-test-00000000-0000-4000-8000-000000000003")).isNotNull();
    assertThat(m.matchString("stytch.com/" + ada, "stytch.com/" + actualAda)).isNull();
    assertThat(m.matchString("stytch.com/" + ada, "example.com/" + actualAda)).isNotNull();
  }

  @Test
  void timestampsTokensAndAbbreviationsMatchByForm() {
    ReplyMatcher m = new ReplyMatcher();
    assertThat(m.matchString("2026-11-25T22:20:31.910Z", "2030-01-01T00:00:00.001Z")).isNull();
    assertThat(m.matchString("2026-11-25T22:20:31.910Z", "2030-01-01 00:00")).isNotNull();
    String token = "gdv9JCBd4uq0aFXo_VXVO2NA1Q8GxKfMNvTKMwmlF_kF";
    assertThat(m.matchString(token, "A3-LAZNxnqvU22OSP5f3YtmPypxV7o8zLs4XTBc3qd43")).isNull();
    assertThat(m.matchString(token, "A3-LAZNxnqvU22OSP5f3YtmPypxV7o8zLs4XTBc3qd4")).contains("44");
    assertThat(m.matchString(token, "B3-LAZNxnqvU22OSP5f3YtmPypxV7o8zLs4XTBc3qd43")).contains("earlier");
    assertThat(m.matchString("MIIC8TCCAdmgAwIBAgIJ…", "MIIC9zCCAd+gAwIBAgIJAKZx")).isNull();
    assertThat(m.matchString("MIIC8TCCAdmgAwIBAgIJ…", "not base64!")).isNotNull();
    assertThat(m.matchString("eyJhbGciOi…", "eyJhIjoxfQ.eyJiIjoyfQ.c2ln")).isNull();
    assertThat(m.matchString("eyJhbGciOi…", "")).isNotNull();
    assertThat(m.matchString("eyJhbGciOiJub25lIn0.…", "eyJhbGciOiJub25lIn0.eyJhIjoxfQ.")).isNull();
    assertThat(m.matchString("eyJhbGciOi…", "eyJhbGciOiJub25lIn0.eyJhIjoxfQ.")).isNotNull();
    assertThat(m.matchString("eyJhbGciOiJub25lIn0.…", "eyJhbGciOiJub25lIn0.not json.")).isNotNull();
    assertThat(m.matchString("", "x")).isNotNull();
    String link = "https://app.example.com/authenticate?stytch_token_type=magic_links&token=…";
    assertThat(m.matchString(link, link.replace("…", "A3-LAZNxnqvU22OSP5f3YtmPypxV7o8zLs4XTBc3qd43"))).isNull();
    assertThat(m.matchString(link, "https://evil.example.com/authenticate?stytch_token_type=magic_links&token=A3"))
        .contains("followed by");
    assertThat(m.matchString(link, link.replace("…", "not a token"))).isNotNull();
    assertThat(m.matchString("482913", "000417")).isNull();
    assertThat(m.matchString("482913", "48291")).contains("six-digit");
  }

  @Test
  void aSessionMustLastAsLongAsDocumented() throws IOException {
    JsonNode documented = JSON.readTree(
        "{\"last_accessed_at\": \"2026-11-25T22:20:32.078Z\", \"expires_at\": \"2026-11-26T00:20:32.078Z\"}");
    assertThat(new ReplyMatcher().mismatches(documented, JSON.readTree(
        "{\"last_accessed_at\": \"2030-01-01T10:00:00.000Z\", \"expires_at\": \"2030-01-01T12:00:00.000Z\"}")))
        .isEmpty();
    assertThat(new ReplyMatcher().mismatches(documented, JSON.readTree(
        "{\"last_accessed_at\": \"2030-01-01T10:00:00.000Z\", \"expires_at\": \"2030-01-01T11:00:00.000Z\"}")))
        .containsExactly("$: expires_at - last_accessed_at should be PT2H, was PT1H");
  }

  @Test
  void jwtTimesMustBeAFiveMinuteWindowStartingAtIssue() throws IOException {
    JsonNode documented = JSON.readTree("{\"sub\": \"x\", \"iat\": 100, \"nbf\": 100, \"exp\": 400}");
    assertThat(new ReplyMatcher().payloadMismatches(documented,
        JSON.readTree("{\"sub\": \"x\", \"iat\": 7, \"nbf\": 7, \"exp\": 307}"))).isEmpty();
    assertThat(new ReplyMatcher().payloadMismatches(documented,
        JSON.readTree("{\"sub\": \"x\", \"iat\": 7, \"nbf\": 7, \"exp\": 3607}")))
        .containsExactly("actual JWT: expected nbf = iat and exp = iat + 300, were iat 7, nbf 7, exp 3607");
  }

  @Test
  void listElementsAreCapturedByIndexAndTotpPlaceholdersBecomeTheCurrentCode() throws IOException {
    Map<String, String> captured = new HashMap<>();
    capture(JSON.readTree(
        "{\"secret\": \"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\", \"totps\": [{\"codes\": [\"a\", \"b\"]}]}"), captured);
    assertThat(captured).containsEntry("codes[0]", "a").containsEntry("codes[1]", "b");

    String before = TotpCodes.at("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", Instant.now());
    String request = substitute("{\"code\": \"{totp:secret}\", \"c\": \"{codes[1]}\"}", captured, "test");
    String after = TotpCodes.at("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", Instant.now());
    assertThat(request).isIn("{\"code\": \"" + before + "\", \"c\": \"b\"}",
        "{\"code\": \"" + after + "\", \"c\": \"b\"}");
  }

  @Test
  void dataUrisAndRecoveryCodesMatchByForm() {
    ReplyMatcher m = new ReplyMatcher();
    assertThat(m.matchString("data:image/png;base64, iVBORw0KGgo…", "data:image/png;base64, iVBORw0KGgoAAAANSU"))
        .isNull();
    assertThat(m.matchString("data:image/png;base64, iVBORw0KGgo…", "data:image/gif;base64, iVBORw0KGgoAAAANSU"))
        .isNotNull();
    assertThat(m.matchString("data:image/png;base64, iVBORw0KGgo…", "data:image/png;base64, iVBORw0KGgo <b>"))
        .isNotNull();
    assertThat(m.matchString("ckss-2skx-ebow", "ab12-cd34-ef56")).isNull();
    assertThat(m.matchString("ckss-2skx-ebow", "ab12-cd34-ef56")).isNull();
    assertThat(m.matchString("ckss-2skx-ebow", "zz12-cd34-ef56")).contains("earlier");
    assertThat(m.matchString("q8zl-1vn3-h5rt", "ab12-cd34-ef56")).contains("earlier");
    assertThat(m.matchString("q8zl-1vn3-h5rt", "AB12-CD34-EF56")).isNotNull();
  }

  @Test
  void theDocumentFormatIsReadAsDescribed() {
    ApiDocument d = ApiDocument.parse(String.join("\n",
        "## Things", "### GET /v1/things/{thing_id}", "**Errors:** `thing_not_found`,", "`invalid_thing_id`.", "",
        "```http", "GET /v1/things/{thing_id}", "```", "", "```json", "{\"status_code\": 200}", "```",
        "## Errors", "| error_type | Status | Meaning |", "| --- | --- | --- |",
        "| `thing_not_found` | 404 | No such thing. |", ""));
    assertThat(d.endpoints()).containsExactly("GET /v1/things/{thing_id}");
    assertThat(d.errorsByEndpoint()).containsExactly(
        Map.entry("GET /v1/things/{thing_id}", List.of("thing_not_found", "invalid_thing_id")));
    assertThat(d.errorTable()).containsExactly(Map.entry("thing_not_found", List.of(404)));
    assertThat(d.examples()).singleElement().satisfies(e -> {
      assertThat(e.request().endpoint()).isEqualTo("GET /v1/things/{thing_id}");
      assertThat(e.reply().text()).isEqualTo("{\"status_code\": 200}\n");
    });
    assertThat(pathMatches("/v1/things/{thing_id}", "/v1/things/t-1?x=y")).isTrue();
    assertThat(pathMatches("/v1/things/{thing_id}", "/v1/things/t-1/more")).isFalse();
  }
}
