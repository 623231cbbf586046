package dev.latchkey.server.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.server.config.ConfigException;
import dev.latchkey.server.crypto.Secrets;
import dev.latchkey.server.factor.password.HashingPool;
import dev.latchkey.server.factor.password.PasswordHasher;
import dev.latchkey.server.testing.MutableClock;
import dev.latchkey.server.testing.TestServer;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The admin console's sign-in rules over real HTTP against a real server: off by default, its own password (weak
 * ones stop the start), the session cookie's attributes, the CSRF token on every form, the idle timeout and the
 * maximum length of a session, sign-out, and the abuse limiter on sign-in attempts.
 */
class AdminConsoleSignInTest {
  static final String PASSWORD = "plum quartz anvil seventy orbit";

  static Map<String, String> enabled(String... more) {
    Map<String, String> env = new HashMap<>();
    env.put("LATCHKEY_ADMIN_ENABLED", "true");
    env.put("LATCHKEY_ADMIN_PASSWORD", PASSWORD);
    for (int i = 0; i < more.length; i += 2) {
      env.put(more[i], more[i + 1]);
    }
    return env;
  }

  @Test
  void theConsoleIsNotServedUnlessEnabled() {
    try (TestServer server = TestServer.start()) {
      AdminHttp browser = new AdminHttp(server.baseUrl());

      assertThat(browser.get("/admin").status()).isEqualTo(404);
      assertThat(browser.get("/admin/login").status()).isEqualTo(404);
      assertThat(browser.get("/admin/assets/live.js").status()).isEqualTo(404);
      assertThat(browser.post("/admin/login", "name", "admin", "password", PASSWORD).status()).isEqualTo(404);
    }
  }

  @Test
  void aWeakAdminPasswordStopsTheStartNamingTheSetting() {
    assertThatThrownBy(() -> TestServer.start(Map.of("LATCHKEY_ADMIN_ENABLED", "true",
        "LATCHKEY_ADMIN_PASSWORD", "password1234"), Clock.systemUTC()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("LATCHKEY_ADMIN_PASSWORD is refused")
        .hasMessageContaining("too easy to guess");
    assertThatThrownBy(() -> TestServer.start(Map.of("LATCHKEY_ADMIN_ENABLED", "true",
        "LATCHKEY_ADMIN_PASSWORD", "x7#Qz!p"), Clock.systemUTC()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("fewer than 12 characters");
  }

  @Test
  void signingInSetsAnHttpOnlySameSiteStrictCookieScopedToTheConsoleAndStoresOnlyItsHash() {
    try (TestServer server = TestServer.start(enabled(), Clock.systemUTC())) {
      AdminHttp browser = new AdminHttp(server.baseUrl());

      AdminHttp.Page signedIn = browser.signIn("admin", PASSWORD);

      assertThat(signedIn.status()).isEqualTo(303);
      assertThat(signedIn.header("Location")).isEqualTo("/admin/users");
      String cookie = signedIn.setCookies().stream().filter(c -> c.startsWith("latchkey_admin=")).findFirst()
          .orElseThrow();
      assertThat(cookie).contains("; Path=/admin", "; HttpOnly", "; SameSite=Strict").doesNotContain("Secure",
          "Max-Age");
      String token = browser.cookies.get("latchkey_admin");
      assertThat(server.server().stores().admins().findSession(Secrets.sha256(token))).isPresent();
      assertThat(server.server().stores().admins().findSession(token)).isEmpty();
      assertThat(browser.get("/admin/users").status()).isEqualTo(200);
    }
  }

  @Test
  void theCookieIsSecureWhenTheConsoleIsReachedOverTls() {
    try (TestServer server = TestServer.start(enabled("LATCHKEY_PUBLIC_URL", "https://auth.example.com"),
        Clock.systemUTC())) {
      AdminHttp browser = new AdminHttp(server.baseUrl());

      AdminHttp.Page signedIn = browser.signIn("admin", PASSWORD);

      assertThat(signedIn.setCookies()).filteredOn(c -> c.startsWith("latchkey_admin="))
          .singleElement().asString().contains("; Secure", "; HttpOnly", "; SameSite=Strict");
    }
  }

  @Test
  void aWrongPasswordOrUnknownAdminIsRefusedWithoutACookie() {
    try (TestServer server = TestServer.start(enabled(), Clock.systemUTC())) {
      AdminHttp browser = new AdminHttp(server.baseUrl());

      AdminHttp.Page wrong = browser.signIn("admin", PASSWORD + "x");
      AdminHttp.Page unknown = browser.signIn("nobody", PASSWORD);

      assertThat(wrong.status()).isEqualTo(401);
      assertThat(wrong.body()).contains("Wrong name or password.");
      assertThat(unknown.status()).isEqualTo(401);
      assertThat(browser.cookies).doesNotContainKey("latchkey_admin");
      assertThat(browser.get("/admin/users").status()).isEqualTo(303);
    }
  }

  @Test
  void aSignInPostWithoutTheSignInPagesTokenIsRefusedWith403() {
    try (TestServer server = TestServer.start(enabled(), Clock.systemUTC())) {
      AdminHttp browser = new AdminHttp(server.baseUrl());

      AdminHttp.Page forged = browser.post("/admin/login", "name", "admin", "password", PASSWORD);
      browser.get("/admin/login");
      AdminHttp.Page wrongToken = browser.post("/admin/login", "csrf", "not-the-token", "name", "admin",
          "password", PASSWORD);

      assertThat(forged.status()).isEqualTo(403);
      assertThat(wrongToken.status()).isEqualTo(403);
      assertThat(browser.cookies).doesNotContainKey("latchkey_admin");
    }
  }

  @Test
  void aPostWithoutThisSessionsCsrfTokenIsRefusedWith403AndChangesNothing() {
    try (TestServer server = TestServer.start(enabled(), Clock.systemUTC())) {
      AdminHttp admin = new AdminHttp(server.baseUrl());
      admin.signIn("admin", PASSWORD);
      AdminHttp other = new AdminHttp(server.baseUrl());
      other.signIn("admin", PASSWORD);
      String othersToken = other.get("/admin/keys").csrf();
      var jwks = server.api().get("/v1/sessions/jwks/" + server.projectId).json().get("keys");

      AdminHttp.Page none = admin.post("/admin/keys/rotate", "confirmed", "yes");
      AdminHttp.Page foreign = admin.post("/admin/keys/rotate", "csrf", othersToken, "confirmed", "yes");
      AdminHttp.Page signedOut = new AdminHttp(server.baseUrl()).post("/admin/keys/rotate", "csrf", othersToken,
          "confirmed", "yes");

      assertThat(none.status()).isEqualTo(403);
      assertThat(none.body()).contains("security token (CSRF)");
      assertThat(foreign.status()).isEqualTo(403);
      assertThat(signedOut.status()).isEqualTo(403);
      assertThat(server.api().get("/v1/sessions/jwks/" + server.projectId).json().get("keys")).isEqualTo(jwks);
    }
  }

  @Test
  void everyFormOnAPageCarriesTheSessionsCsrfToken() {
    try (TestServer server = TestServer.start(enabled(), Clock.systemUTC())) {
      AdminHttp admin = new AdminHttp(server.baseUrl());
      admin.signIn("admin", PASSWORD);

      String page = admin.get("/admin/keys").body();

      int forms = page.split("<form method=\"post\"", -1).length - 1;
      int tokens = page.split("name=\"csrf\"", -1).length - 1;
      assertThat(forms).isEqualTo(2);
      assertThat(tokens).isEqualTo(forms);
    }
  }

  @Test
  void anIdleSessionIsSignedOutAndTheLiveViewsPollingDoesNotKeepItAlive() {
    MutableClock clock = new MutableClock();
    try (TestServer server = TestServer.start(enabled("LATCHKEY_ADMIN_IDLE_TIMEOUT", "15m"), clock)) {
      AdminHttp admin = new AdminHttp(server.baseUrl());
      admin.signIn("admin", PASSWORD);
      String token = admin.cookies.get("latchkey_admin");

      clock.advance(Duration.ofMinutes(10));
      assertThat(admin.get("/admin/live.json").status()).isEqualTo(200);
      clock.advance(Duration.ofMinutes(5));
      AdminHttp.Page idle = admin.get("/admin/users");

      assertThat(idle.status()).isEqualTo(303);
      assertThat(idle.header("Location")).isEqualTo("/admin/login?ended=idle");
      assertThat(admin.get("/admin/login?ended=idle").body()).contains("signed out after 15 minutes without activity");
      assertThat(server.server().stores().admins().findSession(Secrets.sha256(token))).isEmpty();
      assertThat(admin.get("/admin/live.json").status()).isEqualTo(401);
    }
  }

  @Test
  void aPageViewRestartsTheIdleTimeout() {
    MutableClock clock = new MutableClock();
    try (TestServer server = TestServer.start(enabled("LATCHKEY_ADMIN_IDLE_TIMEOUT", "15m"), clock)) {
      AdminHttp admin = new AdminHttp(server.baseUrl());
      admin.signIn("admin", PASSWORD);

      clock.advance(Duration.ofMinutes(14));
      assertThat(admin.get("/admin/users").status()).isEqualTo(200);
      clock.advance(Duration.ofMinutes(14));

      assertThat(admin.get("/admin/users").status()).isEqualTo(200);
    }
  }

  @Test
  void aSessionEndsAtItsMaximumLengthHoweverBusy() {
    MutableClock clock = new MutableClock();
    try (TestServer server = TestServer.start(enabled("LATCHKEY_ADMIN_SESSION_LIFETIME", "1h"), clock)) {
      AdminHttp admin = new AdminHttp(server.baseUrl());
      admin.signIn("admin", PASSWORD);
      for (int i = 0; i < 5; i++) {
        clock.advance(Duration.ofMinutes(10));
        assertThat(admin.get("/admin/users").status()).isEqualTo(200);
      }

      clock.advance(Duration.ofMinutes(10));
      AdminHttp.Page ended = admin.get("/admin/users");

      assertThat(ended.status()).isEqualTo(303);
      assertThat(ended.header("Location")).isEqualTo("/admin/login?ended=lifetime");
    }
  }

  @Test
  void signingOutEndsTheSessionAndClearsTheCookie() {
    try (TestServer server = TestServer.start(enabled(), Clock.systemUTC())) {
      AdminHttp admin = new AdminHttp(server.baseUrl());
      admin.signIn("admin", PASSWORD);
      String token = admin.cookies.get("latchkey_admin");

      AdminHttp.Page out = admin.post("/admin/logout", "csrf", admin.get("/admin/users").csrf());

      assertThat(out.status()).isEqualTo(303);
      assertThat(out.setCookies()).anyMatch(c -> c.startsWith("latchkey_admin=;") && c.contains("Max-Age=0"));
      AdminHttp stolen = new AdminHttp(server.baseUrl());
      stolen.cookies.put("latchkey_admin", token);
      assertThat(stolen.get("/admin/users").status()).isEqualTo(303);
    }
  }

  @Test
  void failedSignInsAreLimitedByTheAbuseLimiter() {
    try (TestServer server = TestServer.start(enabled("LATCHKEY_LOCKOUT_THRESHOLD", "3"), Clock.systemUTC())) {
      AdminHttp browser = new AdminHttp(server.baseUrl());
      for (int i = 0; i < 3; i++) {
        assertThat(browser.signIn("admin", "wrong password " + i).status()).isEqualTo(401);
      }

      AdminHttp.Page limited = browser.signIn("admin", PASSWORD);

      assertThat(limited.status()).isEqualTo(429);
      assertThat(limited.header("Retry-After")).isNotNull();
      assertThat(browser.cookies).doesNotContainKey("latchkey_admin");
    }
  }

  @Test
  void anAdminMadeByTheCommandSignsInAndAWeakOneIsRefused() {
    try (TestServer server = TestServer.start(Map.of("LATCHKEY_ADMIN_ENABLED", "true"), Clock.systemUTC());
        HashingPool hashing = new HashingPool(1, 8)) {
      PasswordHasher hasher = new PasswordHasher(8192, 1, 1, hashing);
      var admins = server.server().stores().admins();

      assertThat(AdminAccounts.create(admins, hasher, "grace", "velvet harbor cobalt ninety", Clock.systemUTC()))
          .isTrue();
      assertThatThrownBy(() -> AdminAccounts.create(admins, hasher, "linus", "linus1234567", Clock.systemUTC()))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("too easy to guess");
      assertThatThrownBy(() -> AdminAccounts.create(admins, hasher, "Bad Name", PASSWORD, Clock.systemUTC()))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("admin name");

      AdminHttp browser = new AdminHttp(server.baseUrl());
      assertThat(browser.signIn("grace", "velvet harbor cobalt ninety").status()).isEqualTo(303);
      assertThat(browser.get("/admin/users").body()).contains("Signed in as grace");
      assertThat(new AdminHttp(server.baseUrl()).signIn("admin", PASSWORD).status())
          .as("no LATCHKEY_ADMIN_PASSWORD: no admin named admin").isEqualTo(401);
      assertThat(admins.findAdmin("grace").orElseThrow().passwordHash()).startsWith("$argon2id$");
    }
  }

  @Test
  void aNewPasswordForAnAdminEndsItsSessions() {
    try (TestServer server = TestServer.start(Map.of("LATCHKEY_ADMIN_ENABLED", "true"), Clock.systemUTC());
        HashingPool hashing = new HashingPool(1, 8)) {
      PasswordHasher hasher = new PasswordHasher(8192, 1, 1, hashing);
      var admins = server.server().stores().admins();
      AdminAccounts.create(admins, hasher, "grace", "velvet harbor cobalt ninety", Clock.systemUTC());
      AdminHttp browser = new AdminHttp(server.baseUrl());
      browser.signIn("grace", "velvet harbor cobalt ninety");

      assertThat(AdminAccounts.create(admins, hasher, "grace", "amber glacier tunnel forty", Clock.systemUTC()))
          .isFalse();

      assertThat(browser.get("/admin/users").status()).isEqualTo(303);
    }
  }
}
