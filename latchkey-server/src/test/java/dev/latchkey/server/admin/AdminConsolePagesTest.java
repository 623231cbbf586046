package dev.latchkey.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.server.testing.ApiClient;
import dev.latchkey.server.testing.TestServer;
import java.time.Clock;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The console's pages over real HTTP: security headers, the user search and its pages, a user's sessions with their
 * device, revoking (after a confirmation; then the API refuses the session), deleting a user, rotating the signing
 * key (the JWKS shows the new kid) and the live view's readings of the server's counters.
 */
class AdminConsolePagesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start(AdminConsoleSignInTest.enabled(), Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static AdminHttp signedIn() {
    AdminHttp admin = new AdminHttp(server.baseUrl());
    assertThat(admin.signIn("admin", AdminConsoleSignInTest.PASSWORD).status()).isEqualTo(303);
    return admin;
  }

  /** A user with a password and one session started by the device SDK from {@code userAgent}; its reply's data. */
  static JsonNode userWithDeviceSession(TestServer server, String email, String userAgent) {
    String password = "console pages " + email + " lantern";
    ApiClient.Reply created = server.api().post("/v1/passwords", "{\"email\":\"" + email + "\",\"password\":\""
        + password + "\"}");
    assertThat(created.status()).isEqualTo(200);
    return deviceSignIn(server, email, userAgent);
  }

  /** Another session of the user made by {@link #userWithDeviceSession}, from {@code userAgent}. */
  static JsonNode deviceSignIn(TestServer server, String email, String userAgent) {
    String password = "console pages " + email + " lantern";
    ApiClient device = new ApiClient(server.baseUrl(), server.publicToken, server.publicToken);
    ApiClient.Reply signedIn = device.send("POST", "/sdk/v1/passwords/authenticate", "{\"email\":\"" + email
        + "\",\"password\":\"" + password + "\",\"session_duration_minutes\":60}", Map.of("User-Agent", userAgent,
        "Content-Type", "application/json"));
    assertThat(signedIn.status()).as(signedIn.text()).isEqualTo(200);
    return signedIn.json().get("data");
  }

  @Test
  void everyPageIsSentWithASecurityPolicyWithoutInlineScriptAndIsNeverCached() {
    AdminHttp admin = signedIn();
    for (String path : new String[] {"/admin/users", "/admin/keys", "/admin/live", "/admin/login",
        "/admin/users/user-test-00000000-0000-4000-8000-000000000000"}) {
      AdminHttp.Page page = admin.get(path);

      assertThat(page.header("Content-Security-Policy")).as(path)
          .contains("script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "default-src 'none'")
          .doesNotContain("unsafe-inline", "unsafe-eval");
      assertThat(page.header("Cache-Control")).as(path).isEqualTo("no-store");
      assertThat(page.header("X-Frame-Options")).as(path).isEqualTo("DENY");
      assertThat(page.body()).as(path).doesNotContainPattern("<script(?![^>]*\\ssrc=)").doesNotContain(" style=");
    }
  }

  @Test
  void anUnknownUserIsA404PageNotAJsonError() {
    AdminHttp.Page page = signedIn().get("/admin/users/user-test-00000000-0000-4000-8000-000000000000");

    assertThat(page.status()).isEqualTo(404);
    assertThat(page.header("Content-Type")).startsWith("text/html");
    assertThat(page.body()).contains("<h1>Not found</h1>");
  }

  @Test
  void theSearchFindsUsersByPartOfTheirEmailOrTheirIdAndPagesThroughThem() {
    for (int i = 0; i < UserPages.PAGE_SIZE + 3; i++) {
      server.api().post("/v1/users", "{\"email\":\"console-search-" + i + "@example.com\"}");
    }
    String someId = server.api().post("/v1/users", "{\"email\":\"console-lone@example.com\"}").text("user_id");
    AdminHttp admin = signedIn();

    AdminHttp.Page first = admin.get("/admin/users?q=console-search");
    Matcher next = Pattern.compile("href=\"(/admin/users\\?q=console-search&amp;cursor=[^\"]+)\"").matcher(first.body());
    assertThat(next.find()).as("a next-page link").isTrue();
    AdminHttp.Page second = admin.get(next.group(1).replace("&amp;", "&"));
    AdminHttp.Page byId = admin.get("/admin/users?q=" + someId);

    assertThat(first.body()).contains((UserPages.PAGE_SIZE + 3) + " users");
    assertThat(rows(first.body())).isEqualTo(UserPages.PAGE_SIZE);
    assertThat(rows(second.body())).isEqualTo(3);
    assertThat(second.body()).doesNotContain("rel=\"next\"");
    assertThat(byId.body()).contains("1 user<", "console-lone@example.com");
  }

  private static int rows(String html) {
    return html.split("<tr><td><a href=\"/admin/users/", -1).length - 1;
  }

  @Test
  void aUsersPageShowsItsFactorsAndSessionsWithTheirDeviceAndEscapesWhatUsersSent() {
    JsonNode data = userWithDeviceSession(server, "console-device@example.com", "Mozilla/5.0 <b>ConsoleTest</b>");
    String userId = data.get("user_id").asText();

    String page = signedIn().get("/admin/users/" + userId).body();

    assertThat(page).contains("Email console-device@example.com", "<li>Password</li>", "1 live session",
        data.get("session").get("session_id").asText(), "Mozilla/5.0 &lt;b&gt;ConsoleTest&lt;/b&gt;", "IP 127.0.0.1")
        .doesNotContain("<b>ConsoleTest</b>");
  }

  @Test
  void revokingASessionAsksForConfirmationThenTheApiRefusesIt() throws Exception {
    JsonNode data = userWithDeviceSession(server, "console-revoke@example.com", "ConsoleRevoke/1.0");
    String userId = data.get("user_id").asText();
    String sessionId = data.get("session").get("session_id").asText();
    String token = data.get("session_token").asText();
    AdminHttp admin = signedIn();
    String path = "/admin/users/" + userId + "/sessions/" + sessionId + "/revoke";

    AdminHttp.Page asked = admin.post(path, "csrf", admin.get("/admin/users/" + userId).csrf());
    assertThat(asked.status()).isEqualTo(200);
    assertThat(asked.body()).contains("<h1>Revoke this session?</h1>", "name=\"confirmed\" value=\"yes\"");
    assertThat(authenticate(token).status()).as("not revoked before the confirmation").isEqualTo(200);

    AdminHttp.Page done = admin.post(path, "csrf", asked.csrf(), "confirmed", "yes");

    assertThat(done.status()).isEqualTo(303);
    assertThat(admin.get(done.header("Location")).body()).contains("The session was revoked.", "0 live sessions");
    ApiClient.Reply refused = authenticate(token);
    assertThat(refused.status()).isEqualTo(404);
    assertThat(refused.text("error_type")).isEqualTo("session_not_found");
  }

  @Test
  void aSessionOfAnotherUserCannotBeRevokedThroughThisUsersPage() {
    JsonNode mallory = userWithDeviceSession(server, "console-mallory@example.com", "A/1");
    JsonNode victim = userWithDeviceSession(server, "console-victim@example.com", "B/1");
    AdminHttp admin = signedIn();
    String path = "/admin/users/" + mallory.get("user_id").asText() + "/sessions/"
        + victim.get("session").get("session_id").asText() + "/revoke";

    AdminHttp.Page refused = admin.post(path, "csrf", admin.get("/admin/users").csrf(), "confirmed", "yes");

    assertThat(refused.status()).isEqualTo(404);
    assertThat(authenticate(victim.get("session_token").asText()).status()).isEqualTo(200);
  }

  @Test
  void revokingAllSessionsAndDeletingTheUserEachTakeAConfirmedPost() {
    JsonNode one = userWithDeviceSession(server, "console-all@example.com", "One/1");
    JsonNode two = deviceSignIn(server, "console-all@example.com", "Two/1");
    String userId = one.get("user_id").asText();
    AdminHttp admin = signedIn();
    String csrf = admin.get("/admin/users/" + userId).csrf();

    assertThat(admin.post("/admin/users/" + userId + "/sessions/revoke-all", "csrf", csrf, "confirmed", "yes")
        .status()).isEqualTo(303);
    assertThat(authenticate(one.get("session_token").asText()).status()).isEqualTo(404);
    assertThat(authenticate(two.get("session_token").asText()).status()).isEqualTo(404);
    assertThat(admin.post("/admin/users/" + userId + "/delete", "csrf", csrf).body())
        .contains("<h1>Delete this user?</h1>");
    assertThat(server.api().get("/v1/users/" + userId).status()).isEqualTo(200);

    AdminHttp.Page deleted = admin.post("/admin/users/" + userId + "/delete", "csrf", csrf, "confirmed", "yes");

    assertThat(deleted.header("Location")).isEqualTo("/admin/users?notice=user-deleted");
    assertThat(server.api().get("/v1/users/" + userId).text("error_type")).isEqualTo("user_not_found");
  }

  @Test
  void rotatingTheKeyPutsANewKidInTheJwksThatSignsNewJwts() {
    AdminHttp admin = signedIn();
    JsonNode before = server.api().get("/v1/sessions/jwks/" + server.projectId).json().get("keys");

    AdminHttp.Page rotated = admin.post("/admin/keys/rotate", "csrf", admin.get("/admin/keys").csrf(),
        "confirmed", "yes");

    JsonNode after = server.api().get("/v1/sessions/jwks/" + server.projectId).json().get("keys");
    assertThat(rotated.status()).isEqualTo(303);
    assertThat(after.size()).isEqualTo(before.size() + 1);
    String newKid = after.get(0).get("kid").asText();
    assertThat(before.findValuesAsText("kid")).doesNotContain(newKid);
    assertThat(admin.get("/admin/keys?notice=rotated").body()).contains("New signing key " + newKid,
        newKid + "</td>");
  }

  @Test
  void theLiveViewReadsTheServersCountersAndNeedsASession() throws Exception {
    AdminHttp admin = signedIn();
    JsonNode before = JSON.readTree(admin.get("/admin/live.json").body());

    server.api().post("/v1/sessions/authenticate", "{\"session_token\":\"not-a-session-token\"}");
    JsonNode after = JSON.readTree(admin.get("/admin/live.json").body());

    assertThat(after.fieldNames()).toIterable().containsExactly("at", "sign_ins", "authenticates", "failures",
        "rate_limit_trips");
    assertThat(after.get("failures").asLong()).isGreaterThan(before.get("failures").asLong());
    assertThat(new AdminHttp(server.baseUrl()).get("/admin/live.json").status()).isEqualTo(401);
  }

  @Test
  void theVendoredChartLibraryIsServedFromTheJar() {
    AdminHttp anyone = new AdminHttp(server.baseUrl());

    AdminHttp.Page script = anyone.get("/admin/assets/uPlot.iife.min.js");
    AdminHttp.Page unknown = anyone.get("/admin/assets/../../etc/passwd");

    assertThat(script.status()).isEqualTo(200);
    assertThat(script.header("Content-Type")).startsWith("text/javascript");
    assertThat(script.body()).startsWith("/*! https://github.com/leeoniya/uPlot (v1.6.32) */");
    assertThat(unknown.status()).isEqualTo(404);
  }

  private static ApiClient.Reply authenticate(String token) {
    return server.api().post("/v1/sessions/authenticate", "{\"session_token\":\"" + token + "\"}");
  }
}
