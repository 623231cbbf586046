package dev.latchkey.server.http;

import dev.latchkey.server.admin.AdminConsole;
import dev.latchkey.server.error.ErrorCode;
import dev.latchkey.server.factor.NewDeviceAlerts;
import dev.latchkey.server.factor.migrate.SessionMigrateService;
import dev.latchkey.server.error.ApiException;
import dev.latchkey.server.keys.KeyRing;
import dev.latchkey.server.factor.magiclink.MagicLinkService;
import dev.latchkey.server.factor.oauth.OAuthService;
import dev.latchkey.server.factor.otp.EmailOtpService;
import dev.latchkey.server.factor.password.PasswordResetService;
import dev.latchkey.server.factor.password.PasswordService;
import dev.latchkey.server.mail.DevOutbox;
import dev.latchkey.server.metrics.ServerMetrics;
import dev.latchkey.server.session.SessionEventHub;
import dev.latchkey.server.session.BulkRevocation;
import dev.latchkey.server.session.SessionService;
import dev.latchkey.server.session.webhook.Webhooks;
import dev.latchkey.server.store.StoreException;
import dev.latchkey.server.store.ProjectRecord;
import dev.latchkey.server.store.Stores;
import dev.latchkey.server.factor.totp.TotpService;
import dev.latchkey.server.factor.webauthn.WebAuthnService;
import dev.latchkey.server.user.UserService;
import io.javalin.Javalin;
import io.javalin.http.HttpResponseException;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API: routes, HTTP Basic auth on backend endpoints, and one mapping from every failure to Stytch's error
 * shape. Nothing a client sends produces a 500; an unexpected exception is logged (without the request body) and
 * answered as {@code internal_server_error}.
 */
public final class HttpApi {
  /** Larger bodies are refused with 413 (their rest read and discarded up to a bound: {@code Bodies.LINGER_BYTES}). */
  public static final long MAX_BODY_BYTES = 1024 * 1024;
  /**
   * How long a request body may take to arrive in full. Real bodies are a few KB and arrive in one packet; even the
   * largest allowed (1 MiB) needs only ~100 KB/s. A client that trickles its body is cut off with 408 instead of
   * holding a connection and a thread for as long as it likes.
   */
  static final java.time.Duration BODY_DEADLINE = java.time.Duration.ofSeconds(10);
  /** Request line and headers must arrive within one to two of these (see {@link HeaderDeadline}). */
  static final java.time.Duration HEADER_DEADLINE_PERIOD = java.time.Duration.ofSeconds(5);
  private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);

  private final Javalin app;
  private final List<String> routes;

  /**
   * The domain services the HTTP API serves. {@code devOutbox} is null unless the dev outbox is both in use (no SMTP
   * server) and served ({@code LATCHKEY_DEV_OUTBOX=true}); only then does {@code /v1/dev/outbox} exist.
   */
  public record Services(Stores stores, KeyRing keys, UserService users, SessionService sessions,
      PasswordService passwords, PasswordResetService passwordResets, MagicLinkService magicLinks,
      EmailOtpService emailCodes, TotpService totps, DevOutbox devOutbox, SessionMigrateService sessionMigrate,
      OAuthService oauth, String publicUrl, WebAuthnService webauthn, SessionEvents sessionEvents,
      NewDeviceAlerts newDeviceAlerts, Webhooks webhooks) {}

  /** The session event streams: the hub that brings events to this node, and the heartbeat of an idle stream. */
  public record SessionEvents(SessionEventHub hub, java.time.Duration heartbeat) {}

  /**
   * What the operator sees: the metrics every request is counted in, the token a scraper of {@code GET /metrics}
   * sends (null: the route does not exist), and whether each request is logged as one line (the JSON log format).
   * {@code admin} is the admin console, or null when it is off (then nothing under {@code /admin} exists).
   */
  public record Operations(ServerMetrics metrics, String metricsToken, boolean accessLog, AdminConsole admin) {
    public Operations(ServerMetrics metrics, String metricsToken, boolean accessLog) {
      this(metrics, metricsToken, accessLog, null);
    }
  }

  public HttpApi(String bind, int port, List<String> corsOrigins, ProjectRecord project, Services services,
      Operations operations) {
    Stores stores = services.stores();
    KeyRing keys = services.keys();
    UserService users = services.users();
    SessionService sessions = services.sessions();
    PasswordService passwords = services.passwords();
    TotpService totps = services.totps();
    String flavor = project.projectId().startsWith("project-test-") ? "test" : "live";
    ProjectAuth auth = new ProjectAuth(project);
    Cors cors = new Cors(corsOrigins);
    String jwksPrefix = "/v1/sessions/jwks/";
    AtomicReference<List<String>> registered = new AtomicReference<>();
    this.app = Javalin.create(config -> {
      config.jetty.host = bind;
      config.jetty.port = port;
      config.concurrency.useVirtualThreads = true;
      config.http.maxRequestSize = MAX_BODY_BYTES;
      config.http.prefer405over404 = true;
      config.startup.showJavalinBanner = false;
      config.jetty.modifyServer(server -> {
        server.setErrorHandler(new JsonErrorHandler(flavor));
        // Javalin nests its servlet context inside a handler already set on the server, so every body read passes
        // through the deadline.
        server.setHandler(new BodyDeadline(BODY_DEADLINE));
        // Connectors exist once Javalin starts the server; each gets the header deadline before it opens.
        server.addEventListener(new org.eclipse.jetty.util.component.LifeCycle.Listener() {
          @Override
          public void lifeCycleStarting(org.eclipse.jetty.util.component.LifeCycle event) {
            for (org.eclipse.jetty.server.Connector c : server.getConnectors()) {
              c.addBean(new HeaderDeadline(c.getScheduler(), HEADER_DEADLINE_PERIOD));
            }
          }
        });
      });

      RouteTable table = new RouteTable(config.routes);
      RequestLog requestLog = new RequestLog(operations.metrics(), operations.accessLog());
      config.requestLogger.http(requestLog::record);
      config.routes.before(ctx -> {
        Replies.setFlavor(ctx, flavor);
        ctx.header(RequestLog.REQUEST_ID_HEADER, Replies.requestId(ctx));
        // The OAuth start and callback are reached by browsers, without credentials (the start names the public
        // token).
        if (ctx.path().startsWith("/v1/") && !ctx.path().startsWith(jwksPrefix)
            && !ctx.path().startsWith("/v1/public/")) {
          auth.check(ctx);
        }
        // Only the device-facing endpoints are for browsers: the backend API holds the project secret.
        if (ctx.path().startsWith("/sdk/") && cors.apply(ctx)) {
          ctx.skipRemainingHandlers();
        }
      });
      // The session routes first: Javalin tries a method's routes in the order they were added, with a regex (and a
      // new Matcher) for every one whose path is not the request's exactly, so the session check, the call made most,
      // would otherwise pay for every POST route added before it (2.2 KB of its 12 KB).
      new SessionRoutes(sessions, users, keys, project.projectId(), services.sessionMigrate(), stores.cachesRows(),
          new BulkRevocation(stores.sessions(), stores.sessionEvents(), sessions.clock())).register(table);
      SdkAuth sdkAuth = new SdkAuth(project, sessions);
      new SdkRoutes(sdkAuth, sessions, users, passwords, project).register(table);
      new HealthRoutes(stores).register(table);
      if (operations.metricsToken() != null) {
        new MetricsRoutes(operations.metrics(), operations.metricsToken()).register(table);
      }
      new UserRoutes(users).register(table);
      new PasswordRoutes(passwords, services.passwordResets()).register(table);
      new EmailRoutes(services.magicLinks(), services.emailCodes()).register(table);
      if (services.devOutbox() != null) {
        new DevOutboxRoutes(services.devOutbox()).register(table);
      }
      new SdkFactorRoutes(sdkAuth, users, passwords, services.passwordResets(), services.magicLinks(),
          services.emailCodes(), totps)
          .register(table);
      new TotpRoutes(totps).register(table);
      new OAuthRoutes(services.oauth(), sdkAuth, project, services.publicUrl()).register(table);
      new SessionLinkRoutes(services.newDeviceAlerts()).register(table);
      new WebhookRoutes(services.webhooks()).register(table);
      new SdkUserFactorRoutes(sdkAuth, users).register(table);
      new WebAuthnRoutes(services.webauthn(), sdkAuth).register(table);
      new SessionEventRoutes(services.sessionEvents().hub(), sdkAuth, services.sessionEvents().heartbeat())
          .register(table);
      // The document is built on its first request, from every route in the table by then.
      new OpenApiRoutes(table).register();
      registered.set(table.registered());
      // Pages for people, not API routes: outside the route table (and so outside docs/api.md).
      if (operations.admin() != null) {
        operations.admin().register(config.routes);
      }

      config.routes.exception(ApiException.class, (e, ctx) -> {
        // Whole seconds, rounded up, so a client that waits exactly this long is not refused again.
        e.retryAfter().ifPresent(d -> ctx.header("Retry-After",
            String.valueOf(Math.max(1, (d.toMillis() + 999) / 1000))));
        Replies.error(ctx, e.code(), e.getMessage());
      });
      config.routes.exception(StoreException.class, (e, ctx) -> {
        LOG.warn("Database unavailable: {}", e.getMessage());
        Replies.error(ctx, ErrorCode.DATABASE_UNAVAILABLE, ErrorCode.DATABASE_UNAVAILABLE.message());
      });
      config.routes.exception(HttpResponseException.class, (e, ctx) -> {
        ErrorCode code = switch (e.getStatus()) {
          case 404 -> ErrorCode.ROUTE_NOT_FOUND;
          case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
          case 413 -> ErrorCode.REQUEST_TOO_LARGE;
          default -> e.getStatus() < 500 ? ErrorCode.BAD_REQUEST : ErrorCode.INTERNAL_SERVER_ERROR;
        };
        Replies.error(ctx, code, code.message());
      });
      config.routes.exception(Exception.class, (e, ctx) -> {
        // The client's fault, met while reading its body: too slow (BodyDeadline) or the connection ended early.
        for (Throwable c = e; c != null; c = c.getCause()) {
          if (c instanceof java.util.concurrent.TimeoutException) {
            Replies.error(ctx, ErrorCode.REQUEST_TIMEOUT, ErrorCode.REQUEST_TIMEOUT.message());
            return;
          }
          if (c instanceof org.eclipse.jetty.io.EofException) {
            Replies.error(ctx, ErrorCode.BAD_REQUEST, "The request body ended before its announced length.");
            return;
          }
        }
        LOG.error("Unexpected failure on {} {}", ctx.method(), ctx.path(), e);
        Replies.error(ctx, ErrorCode.INTERNAL_SERVER_ERROR, ErrorCode.INTERNAL_SERVER_ERROR.message());
      });
      // A 404 or 405 an endpoint answered itself (user_not_found, ...) is already written; only Javalin's own
      // (no such route, no such method) is answered here.
      config.routes.error(404, ctx -> {
        if (!Replies.written(ctx) && !AdminConsole.answered(ctx)) {
          Replies.error(ctx, ErrorCode.ROUTE_NOT_FOUND, ErrorCode.ROUTE_NOT_FOUND.message());
        }
      });
      config.routes.error(405, ctx -> {
        if (!Replies.written(ctx)) {
          Replies.error(ctx, ErrorCode.METHOD_NOT_ALLOWED, ErrorCode.METHOD_NOT_ALLOWED.message());
        }
      });
    });
    this.routes = registered.get();
  }

  public void start() {
    app.start();
  }

  /** The port actually bound (useful with port 0). */
  public int port() {
    return app.port();
  }

  public void stop() {
    app.stop();
  }

  /** Every route, as {@code "METHOD /path"}. */
  public List<String> routes() {
    return routes;
  }
}
