package dev.latchkey.server.admin;

import dev.latchkey.server.crypto.Secrets;
import dev.latchkey.server.store.AdminStore;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Signed-in admins: a random 264-bit token in a cookie that is HttpOnly, {@code SameSite=Strict}, scoped to
 * {@code /admin}, and {@code Secure} whenever the console is reached over TLS ({@code LATCHKEY_PUBLIC_URL} is https,
 * or the request itself came over https). Only the token's SHA-256 is stored. A session ends after
 * {@code idleTimeout} without a page view or form post, after {@code lifetime} in any case, or at sign-out.
 *
 * <p>CSRF: every form carries the session's CSRF token, derived from the session token (so it is per session, never
 * stored, and unknowable without the HttpOnly cookie); a POST without it is refused with 403. The sign-in form, which
 * has no session yet, is bound to the browser by a second cookie holding a random value that the form repeats.
 */
final class AdminSessions {
  static final String COOKIE = "latchkey_admin";
  static final String LOGIN_COOKIE = "latchkey_admin_login";
  static final String CSRF_FIELD = "csrf";
  private static final String PATH = "/admin";

  private final AdminStore store;
  private final Clock clock;
  private final Duration idleTimeout;
  private final Duration lifetime;
  private final boolean publicUrlIsHttps;

  /** A signed-in admin on this request: its name, its session's token hash and the CSRF token of its forms. */
  record SignedIn(String name, String tokenHash, String csrf) {}

  /**
   * What the cookie of a request led to: a live session, or none and, when a cookie named one that ended, why:
   * {@code idle}, {@code lifetime} or {@code ended} (signed out, or purged), for the sign-in page.
   */
  record Lookup(Optional<SignedIn> admin, String ended) {}

  AdminSessions(AdminStore store, Clock clock, Duration idleTimeout, Duration lifetime, String publicUrl) {
    this.store = store;
    this.clock = clock;
    this.idleTimeout = idleTimeout;
    this.lifetime = lifetime;
    this.publicUrlIsHttps = publicUrl != null && publicUrl.startsWith("https:");
  }

  /**
   * The admin signed in on this request. {@code activity}: whether this request counts as use and so restarts the
   * idle timeout (the live view's polling does not: an open tab would otherwise keep a session alive for ever).
   */
  Lookup lookup(Context ctx, boolean activity) {
    String token = ctx.cookie(COOKIE);
    if (token == null || token.isEmpty()) {
      return new Lookup(Optional.empty(), null);
    }
    String hash = Secrets.sha256(token);
    Optional<AdminStore.AdminSession> found = store.findSession(hash);
    if (found.isEmpty()) {
      return new Lookup(Optional.empty(), "ended");
    }
    AdminStore.AdminSession s = found.get();
    Instant now = clock.instant();
    if (!now.isBefore(s.lastSeenAt().plus(idleTimeout))) {
      store.deleteSession(hash);
      return new Lookup(Optional.empty(), "idle");
    }
    if (!now.isBefore(s.createdAt().plus(lifetime))) {
      store.deleteSession(hash);
      return new Lookup(Optional.empty(), "lifetime");
    }
    if (activity) {
      store.touchSession(hash, now);
    }
    return new Lookup(Optional.of(new SignedIn(s.adminName(), hash, csrfFor(token))), null);
  }

  /** Starts a session for {@code adminName} and sets its cookie. */
  void start(Context ctx, String adminName) {
    String token = Secrets.randomToken(Secrets.SESSION_TOKEN_BYTES);
    Instant now = clock.instant();
    store.createSession(new AdminStore.AdminSession(Secrets.sha256(token), adminName, now, now));
    ctx.res().addHeader("Set-Cookie", cookie(ctx, COOKIE, token, -1));
    ctx.res().addHeader("Set-Cookie", cookie(ctx, LOGIN_COOKIE, "", 0));
  }

  /** Ends the session and clears its cookie. */
  void end(Context ctx, SignedIn admin) {
    store.deleteSession(admin.tokenHash());
    ctx.res().addHeader("Set-Cookie", cookie(ctx, COOKIE, "", 0));
  }

  /** True when the POST carries this session's CSRF token (compared in constant time). */
  static boolean csrfMatches(Context ctx, SignedIn admin) {
    return Secrets.constantTimeEquals(ctx.formParam(CSRF_FIELD), admin.csrf());
  }

  /** The sign-in form's token: a fresh random value, also set as the sign-in cookie. */
  String newLoginToken(Context ctx) {
    String value = Secrets.randomToken(24);
    ctx.res().addHeader("Set-Cookie", cookie(ctx, LOGIN_COOKIE, value, 3600));
    return value;
  }

  /** True when the sign-in form repeats the value of this browser's sign-in cookie. */
  static boolean loginTokenMatches(Context ctx) {
    return Secrets.constantTimeEquals(ctx.formParam(CSRF_FIELD), ctx.cookie(LOGIN_COOKIE));
  }

  /** Deletes sessions idle or older than allowed (a background job; expired ones are refused anyway). */
  int purge(Instant now) {
    return store.purgeSessions(now.minus(idleTimeout), now.minus(lifetime));
  }

  private static String csrfFor(String token) {
    return Secrets.sha256("latchkey-admin-csrf\n" + token);
  }

  /** What the sign-in page says about a session that ended for {@code why} (see {@link Lookup}); null for none. */
  String endedMessage(String why) {
    return switch (why == null ? "" : why) {
      case "idle" -> "You were signed out after " + minutes(idleTimeout) + " without activity. Sign in again.";
      case "lifetime" -> "Your session reached its maximum length of " + minutes(lifetime) + ". Sign in again.";
      case "ended" -> "Your session has ended. Sign in again.";
      case "signed-out" -> "You are signed out.";
      default -> null;
    };
  }

  private static String minutes(Duration d) {
    long m = d.toMinutes();
    return m == 1 ? "1 minute" : m + " minutes";
  }

  /** {@code maxAgeSeconds} -1: a browser-session cookie; 0: delete it. */
  private String cookie(Context ctx, String name, String value, int maxAgeSeconds) {
    boolean secure = publicUrlIsHttps || "https".equals(ctx.scheme());
    return name + "=" + value + "; Path=" + PATH + (maxAgeSeconds >= 0 ? "; Max-Age=" + maxAgeSeconds : "")
        + "; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
  }
}
