package dev.latchkey.server.admin;

import dev.latchkey.server.config.AdminSettings;
import dev.latchkey.server.config.ConfigException;
import dev.latchkey.server.error.ApiException;
import dev.latchkey.server.error.ErrorCode;
import dev.latchkey.server.factor.RateLimiter;
import dev.latchkey.server.factor.password.PasswordHasher;
import dev.latchkey.server.keys.KeyRing;
import dev.latchkey.server.metrics.ServerMetrics;
import dev.latchkey.server.session.SessionService;
import dev.latchkey.server.store.AdminStore;
import dev.latchkey.server.store.StoreException;
import dev.latchkey.server.user.UserService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpStatus;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The admin console at {@code /admin} (served only when {@code LATCHKEY_ADMIN_ENABLED=true}): server-rendered pages
 * for users and their sessions, the signing keys and a live view of the server's counters, behind a sign-in of its
 * own ({@link AdminSessions}, {@link AdminAccounts}). Sign-in attempts go through the same abuse limiter as the
 * users' sign-ins. Every page is sent with a Content-Security-Policy that allows scripts and styles from the
 * console's own assets only, refuses framing, and is never cached.
 *
 * <pre>{@code
 * AdminConsole console = new AdminConsole(settings.admin(), publicUrl, stores.admins(), hasher, limiter,
 *     new AdminConsole.Services(users, sessions, keys, metrics), clock);
 * console.register(javalinConfig.routes);
 * }</pre>
 */
public final class AdminConsole {
  static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
      + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
  /** The files under /admin/assets/: the console's own and the vendored chart library (see vendor/uplot). */
  private static final Map<String, String> ASSETS = Map.of(
      "admin.css", "text/css; charset=utf-8",
      "live.js", "text/javascript; charset=utf-8",
      "uPlot.iife.min.js", "text/javascript; charset=utf-8",
      "uPlot.min.css", "text/css; charset=utf-8");

  private static final String ANSWERED = "latchkey.admin.answered";

  /** What the pages read and change. */
  public record Services(UserService users, SessionService sessions, KeyRing keys, ServerMetrics metrics) {}

  private final AdminSessions sessions;
  private final AdminAccounts accounts;
  private final RateLimiter limiter;
  private final UserPages userPages;
  private final KeyPages keyPages;
  private final LivePage livePage;

  /**
   * Refuses, with a {@link ConfigException} naming {@code LATCHKEY_ADMIN_PASSWORD}, a weak admin password; hashes a
   * strong one with Argon2id.
   */
  public AdminConsole(AdminSettings settings, String publicUrl, AdminStore store, PasswordHasher hasher,
      RateLimiter limiter, Services services, Clock clock) {
    if (settings.password() != null) {
      AdminAccounts.weakness(settings.password(), AdminAccounts.SETTING_ADMIN).ifPresent(why -> {
        throw new ConfigException("LATCHKEY_ADMIN_PASSWORD is refused: " + why + ". Choose a passphrase of four or "
            + "more random words (at least " + AdminAccounts.MIN_LENGTH + " characters), or unset it and run "
            + "'latchkey admin create'.");
      });
    }
    this.sessions = new AdminSessions(store, clock, settings.idleTimeout(), settings.sessionLifetime(), publicUrl);
    this.accounts = new AdminAccounts(store, hasher, settings.password());
    this.limiter = limiter;
    this.userPages = new UserPages(services.users(), services.sessions(), clock);
    this.keyPages = new KeyPages(services.keys());
    this.livePage = new LivePage(services.metrics(), clock);
  }

  /** Registers the console's routes (none of them is part of the API, so they are not in the route table). */
  public void register(RoutesConfig routes) {
    routes.get("/admin", ctx -> {
      securityHeaders(ctx);
      ctx.redirect("/admin/users", HttpStatus.SEE_OTHER);
    });
    routes.get("/admin/login", this::loginForm);
    routes.post("/admin/login", this::login);
    routes.post("/admin/logout", form((ctx, admin) -> {
      sessions.end(ctx, admin);
      ctx.redirect("/admin/login?ended=signed-out", HttpStatus.SEE_OTHER);
    }));
    routes.get("/admin/assets/{file}", this::asset);
    routes.get("/admin/users", page(userPages::list, true));
    routes.get("/admin/users/{user_id}", page(userPages::show, true));
    routes.post("/admin/users/{user_id}/sessions/{session_id}/revoke", form(userPages::revoke));
    routes.post("/admin/users/{user_id}/sessions/revoke-all", form(userPages::revokeAll));
    routes.post("/admin/users/{user_id}/delete", form(userPages::delete));
    routes.get("/admin/keys", page(keyPages::list, true));
    routes.post("/admin/keys/rotate", form(keyPages::rotate));
    routes.get("/admin/live", page(livePage::show, true));
    // Polled every second by the open page: does not count as activity for the idle timeout.
    routes.get("/admin/live.json", ctx -> {
      securityHeaders(ctx);
      if (sessions.lookup(ctx, false).admin().isEmpty()) {
        ctx.status(401).contentType("application/json").result("{\"error\":\"signed_out\"}");
        return;
      }
      livePage.totals(ctx);
    });
  }

  /** Deletes expired admin sessions; for the server's purge schedule. */
  public void purgeExpired(Instant now) {
    sessions.purge(now);
  }

  /** A page or form handler for a signed-in admin. */
  interface Action {
    void handle(Context ctx, AdminSessions.SignedIn admin);
  }

  private Handler page(Action action, boolean activity) {
    return ctx -> {
      securityHeaders(ctx);
      AdminSessions.Lookup found = sessions.lookup(ctx, activity);
      if (found.admin().isEmpty()) {
        ctx.redirect("/admin/login" + (found.ended() == null ? "" : "?ended=" + found.ended()), HttpStatus.SEE_OTHER);
        return;
      }
      run(ctx, found.admin().get(), action);
    };
  }

  /** A form post: refused with 403 without a live session or without the session's CSRF token. */
  private Handler form(Action action) {
    return ctx -> {
      securityHeaders(ctx);
      Optional<AdminSessions.SignedIn> admin = sessions.lookup(ctx, true).admin();
      if (admin.isEmpty()) {
        ctx.status(403).html(Html.publicPage("Signed out", Html.notice("Your admin session has ended, so nothing "
            + "was changed.", true) + "<p><a href=\"/admin/login\">Sign in again</a></p>"));
        return;
      }
      if (!AdminSessions.csrfMatches(ctx, admin.get())) {
        ctx.status(403).html(Html.page("Refused", admin.get(), Html.notice("The form did not carry this session's "
            + "security token (CSRF), so nothing was changed. Go back, reload the page and try again.", true)));
        return;
      }
      run(ctx, admin.get(), action);
    };
  }

  private static void run(Context ctx, AdminSessions.SignedIn admin, Action action) {
    try {
      action.handle(ctx, admin);
    } catch (ApiException e) {
      e.retryAfter().ifPresent(d -> ctx.header("Retry-After", String.valueOf(Math.max(1, d.toSeconds()))));
      ctx.status(e.code().status()).html(Html.page(title(e.code()), admin, Html.notice(e.getMessage(), true)));
    } catch (StoreException e) {
      ctx.status(503).html(Html.page("Database unavailable", admin,
          Html.notice(ErrorCode.DATABASE_UNAVAILABLE.message(), true)));
    }
  }

  private static String title(ErrorCode code) {
    return switch (code.status()) {
      case 404 -> "Not found";
      case 429 -> "Too many requests";
      default -> code.status() < 500 ? "Not done" : "Error";
    };
  }

  private void loginForm(Context ctx) {
    securityHeaders(ctx);
    AdminSessions.Lookup found = sessions.lookup(ctx, false);
    if (found.admin().isPresent()) {
      ctx.redirect("/admin/users", HttpStatus.SEE_OTHER);
      return;
    }
    String why = ctx.queryParam("ended");
    // Signing out is what the admin asked for: a status, not an error.
    ctx.status(200).html(loginPage(ctx, sessions.endedMessage(why), !"signed-out".equals(why), ""));
  }

  private void login(Context ctx) {
    securityHeaders(ctx);
    if (!AdminSessions.loginTokenMatches(ctx)) {
      ctx.status(403).html(Html.publicPage("Refused", Html.notice("The sign-in form did not come from this "
          + "browser's sign-in page (its CSRF token is missing or wrong).", true)
          + "<p><a href=\"/admin/login\">Open the sign-in page</a></p>"));
      return;
    }
    String name = Optional.ofNullable(ctx.formParam("name")).orElse("").strip().toLowerCase(Locale.ROOT);
    String password = ctx.formParam("password");
    RateLimiter.Attempt attempt;
    try {
      attempt = limiter.begin(ctx.req().getRemoteAddr(), "admin-sign-in:" + name);
    } catch (ApiException e) {
      e.retryAfter().ifPresent(d -> ctx.header("Retry-After", String.valueOf(Math.max(1, d.toSeconds()))));
      ctx.status(429).html(loginPage(ctx, "Too many failed sign-ins. " + e.getMessage(), true, name));
      return;
    }
    boolean verified;
    try {
      verified = !name.isEmpty() && accounts.verify(name, password);
    } catch (ApiException e) {
      // The password hashing queue is full (server_busy): nothing was checked, so it is no failed attempt.
      attempt.release();
      e.retryAfter().ifPresent(d -> ctx.header("Retry-After", String.valueOf(Math.max(1, d.toSeconds()))));
      ctx.status(e.code().status()).html(loginPage(ctx, e.getMessage(), true, name));
      return;
    }
    if (!verified) {
      ctx.status(401).html(loginPage(ctx, "Wrong name or password.", true, name));
      return;
    }
    attempt.release();
    sessions.start(ctx, name);
    ctx.redirect("/admin/users", HttpStatus.SEE_OTHER);
  }

  private String loginPage(Context ctx, String message, boolean error, String name) {
    String token = sessions.newLoginToken(ctx);
    return Html.publicPage("Sign in to the admin console", Html.notice(message, error)
        + "<form method=\"post\" action=\"/admin/login\" class=\"stack\">"
        + "<input type=\"hidden\" name=\"" + AdminSessions.CSRF_FIELD + "\" value=\"" + Html.esc(token) + "\">"
        + "<label for=\"name\">Admin name</label>"
        + "<input id=\"name\" name=\"name\" autocomplete=\"username\" required value=\"" + Html.esc(name) + "\">"
        + "<label for=\"password\">Password</label>"
        + "<input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required>"
        + "<button type=\"submit\">Sign in</button></form>");
  }

  private void asset(Context ctx) {
    String file = ctx.pathParam("file");
    String type = ASSETS.get(file);
    InputStream in = type == null ? null : AdminConsole.class.getResourceAsStream(resource(file));
    if (in == null) {
      securityHeaders(ctx);
      ctx.status(404).html(Html.publicPage("Not found", Html.notice("There is no such file.", true)));
      return;
    }
    ctx.attribute(ANSWERED, Boolean.TRUE);
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Cache-Control", "private, max-age=300");
    ctx.status(200).contentType(type).result(in);
  }

  /** Where an asset lives on the class path: the vendored library under vendor/uplot, ours beside it. */
  static String resource(String file) {
    return file.startsWith("uPlot.") ? "/admin/vendor/uplot/" + file : "/admin/" + file;
  }

  /** Whether the console answered this request itself (so a 404 page it wrote is not replaced by a JSON one). */
  public static boolean answered(Context ctx) {
    return ctx.attribute(ANSWERED) != null;
  }

  private static void securityHeaders(Context ctx) {
    ctx.attribute(ANSWERED, Boolean.TRUE);
    ctx.header("Content-Security-Policy", CSP);
    ctx.header("X-Frame-Options", "DENY");
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Referrer-Policy", "no-referrer");
    ctx.header("Cross-Origin-Opener-Policy", "same-origin");
    ctx.header("Cache-Control", "no-store");
  }
}
