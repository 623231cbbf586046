package dev.latchkey.server.http;

import java.util.List;
import dev.latchkey.model.AuthenticateResponse;
import dev.latchkey.model.JwksResponse;
import dev.latchkey.model.RevokeResponse;
import dev.latchkey.model.SessionAuthenticateRequest;
import dev.latchkey.model.SessionListResponse;
import dev.latchkey.model.RevokeOthersResponse;
import dev.latchkey.model.SessionRevokeOthersRequest;
import dev.latchkey.model.SessionRevokeRequest;
import dev.latchkey.model.SessionMigrateRequest;
import dev.latchkey.server.error.ErrorCode;
import dev.latchkey.server.factor.migrate.SessionMigrateService;
import dev.latchkey.server.keys.KeyRing;
import dev.latchkey.server.keys.SigningKey;
import dev.latchkey.server.session.BulkRevocation;
import dev.latchkey.server.session.IssuedSession;
import dev.latchkey.server.session.SessionService;
import dev.latchkey.server.store.UserRecord;
import dev.latchkey.server.user.UserService;
import io.javalin.http.Context;

/** {@code /v1/sessions}: authenticate, revoke, list, the public JWKS, and migrate from another provider. */
final class SessionRoutes {
  /** Stytch's JWKS caching: clients may reuse the key set for 15 minutes. */
  static final String JWKS_CACHE_CONTROL = "public, max-age=900";

  private final SessionService sessions;
  private final UserService users;
  private final KeyRing keys;
  private final String projectId;
  private final SessionMigrateService migrations;
  private final BulkRevocation bulk;
  /** The check's reply, with the JSON of unchanged rows kept (see {@link AuthenticateReplies}). */
  private final AuthenticateReplies replies;

  SessionRoutes(SessionService sessions, UserService users, KeyRing keys, String projectId,
      SessionMigrateService migrations, boolean storesCacheRows, BulkRevocation bulk) {
    // Without the row cache every read is a new object: nothing kept would ever be used again.
    this.replies = new AuthenticateReplies(storesCacheRows);
    this.bulk = bulk;
    this.sessions = sessions;
    this.users = users;
    this.keys = keys;
    this.projectId = projectId;
    this.migrations = migrations;
  }

  void register(RouteTable routes) {
    routes.post("/v1/sessions/authenticate", this::authenticate);
    routes.post("/v1/sessions/revoke", this::revoke);
    routes.post("/v1/sessions/revoke_others", this::revokeOthers);
    routes.post("/v1/sessions/revoke_bulk", this::revokeBulk);
    routes.get("/v1/sessions", this::list);
    routes.get("/v1/sessions/jwks/{project_id}", this::jwks);
    routes.post("/v1/sessions/migrate", this::migrate);
  }

  /** Stytch's {@code MigrateResponse} has exactly the fields of an authenticate reply. */
  private void migrate(Context ctx) {
    SessionMigrateService.Migrated m = migrations.migrate(Bodies.read(ctx, SessionMigrateRequest.class));
    Replies.json(ctx, 200, authenticated(ctx, m.user(), m.session()));
  }

  /** The reply of every call that authenticates; {@code session} null means none was created or touched. */
  static AuthenticateResponse authenticated(Context ctx, UserRecord user, IssuedSession s) {
    return new AuthenticateResponse(200, Replies.requestId(ctx), user.userId(), s == null ? "" : s.token(),
        s == null ? "" : s.jwt(), s == null ? null : SessionService.toWire(s.session()), UserService.toWire(user));
  }

  private void authenticate(Context ctx) {
    SessionAuthenticateRequest r = Bodies.read(ctx, SessionAuthenticateRequest.class);
    IssuedSession s = sessions.authenticate(SessionService.SessionRef.of(r.sessionToken(), r.sessionJwt()),
        new SessionService.Change(r.sessionDurationMinutes(), r.sessionCustomClaims(), null));
    UserRecord user;
    try {
      user = users.get(s.session().userId());
    } catch (dev.latchkey.server.error.ApiException e) {
      // The user was deleted between the two reads; its sessions went with it.
      throw ErrorCode.SESSION_NOT_FOUND.exception();
    }
    replies.write(ctx, user, s);
  }

  private void revoke(Context ctx) {
    SessionRevokeRequest r = Bodies.read(ctx, SessionRevokeRequest.class);
    sessions.revoke(r.sessionId(), SessionService.SessionRef.of(r.sessionToken(), r.sessionJwt()));
    Replies.json(ctx, 200, new RevokeResponse(200, Replies.requestId(ctx)));
  }

  private void revokeOthers(Context ctx) {
    SessionRevokeOthersRequest r = Bodies.read(ctx, SessionRevokeOthersRequest.class);
    List<String> revoked = sessions.revokeOthers(SessionService.SessionRef.of(r.sessionToken(), r.sessionJwt()));
    Replies.json(ctx, 200, new RevokeOthersResponse(200, Replies.requestId(ctx), revoked));
  }

  /** {@code POST /v1/sessions/revoke_bulk} (a Latchkey extension): criteria, all of which must hold. */
  record RevokeBulkRequest(List<String> userIds, String createdBefore, String authenticationFactorType,
      String ipRange, Boolean dryRun) {}

  /** What a bulk revoke did (or, with {@code dry_run}, would do): how many, and up to 20 of the sessions. */
  record RevokeBulkResponse(int statusCode, String requestId, boolean dryRun, long count,
      List<dev.latchkey.model.Session> sample) {}

  /** The fields of {@link RevokeBulkRequest}: any other is a criterion Latchkey does not know, refused, not ignored. */
  private static final java.util.Set<String> BULK_FIELDS = java.util.Set.of("user_ids", "created_before",
      "authentication_factor_type", "ip_range", "dry_run");

  private void revokeBulk(Context ctx) {
    // A criterion misspelt or unknown would widen what is revoked if it were ignored: refuse it (fail closed).
    RevokeBulkRequest r = Bodies.readClosed(ctx, RevokeBulkRequest.class, BULK_FIELDS);
    java.time.Instant before = null;
    if (r.createdBefore() != null && !r.createdBefore().isEmpty()) {
      try {
        before = java.time.OffsetDateTime.parse(r.createdBefore()).toInstant();
      } catch (java.time.format.DateTimeParseException e) {
        throw ErrorCode.INVALID_FIELD_TYPE.exception("Field 'created_before' must be an RFC 3339 time such as "
            + "2026-12-01T00:00:00Z.");
      }
    }
    boolean dryRun = Boolean.TRUE.equals(r.dryRun());
    BulkRevocation.Result result = bulk.run(new BulkRevocation.Criteria(r.userIds(), before,
        r.authenticationFactorType(), r.ipRange()), dryRun);
    Replies.json(ctx, 200, new RevokeBulkResponse(200, Replies.requestId(ctx), result.dryRun(), result.count(),
        result.sample().stream().map(SessionService::toWire).toList()));
  }

  private void list(Context ctx) {
    String userId = ctx.queryParam("user_id");
    if (userId == null || userId.isEmpty()) {
      throw ErrorCode.MISSING_REQUIRED_FIELD.exception("The query parameter user_id is required.");
    }
    String resolved = users.get(userId).userId();
    Replies.json(ctx, 200, new SessionListResponse(200, Replies.requestId(ctx),
        sessions.listActive(resolved).stream().map(SessionService::toWire).toList()));
  }

  private void jwks(Context ctx) {
    if (!projectId.equals(ctx.pathParam("project_id"))) {
      throw ErrorCode.PROJECT_NOT_FOUND.exception();
    }
    ctx.header("Cache-Control", JWKS_CACHE_CONTROL);
    Replies.json(ctx, 200, new JwksResponse(200, Replies.requestId(ctx),
        keys.verificationKeys().stream().map(SigningKey::toJwk).toList()));
  }
}
