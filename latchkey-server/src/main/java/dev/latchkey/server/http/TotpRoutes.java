package dev.latchkey.server.http;

import dev.latchkey.model.Attributes;
import dev.latchkey.model.TotpAuthenticateRequest;
import dev.latchkey.model.TotpAuthenticateResponse;
import dev.latchkey.model.TotpCreateRequest;
import dev.latchkey.model.TotpCreateResponse;
import dev.latchkey.model.TotpRecoverRequest;
import dev.latchkey.model.TotpRecoveryCodesRequest;
import dev.latchkey.model.TotpRecoveryCodesResponse;
import dev.latchkey.model.UserChangeResponse;
import dev.latchkey.server.session.IssuedSession;
import dev.latchkey.server.session.SessionService;
import dev.latchkey.server.store.UserRecord;
import dev.latchkey.server.factor.totp.TotpService;
import dev.latchkey.server.user.UserService;
import io.javalin.http.Context;

/** {@code /v1/totps}: authenticator-app registration, codes, recovery codes; and deleting a registration. */
final class TotpRoutes {
  private final TotpService totps;

  TotpRoutes(TotpService totps) {
    this.totps = totps;
  }

  void register(RouteTable routes) {
    routes.post("/v1/totps", this::create);
    routes.post("/v1/totps/authenticate", this::authenticate);
    routes.post("/v1/totps/recovery_codes", this::recoveryCodes);
    routes.post("/v1/totps/recover", this::recover);
    routes.delete("/v1/users/totps/{totp_id}", this::delete);
  }

  private void create(Context ctx) {
    TotpService.Created c = totps.create(Bodies.read(ctx, TotpCreateRequest.class));
    Replies.json(ctx, 200, new TotpCreateResponse(200, Replies.requestId(ctx), c.totpId(), c.secret(), c.qrCode(),
        c.recoveryCodes(), c.user().userId(), UserService.toWire(c.user())));
  }

  private void authenticate(Context ctx) {
    TotpService.Outcome o = totps.authenticate(Bodies.read(ctx, TotpAuthenticateRequest.class), Attributes.EMPTY);
    Replies.json(ctx, 200, authenticated(ctx, o));
  }

  private void recover(Context ctx) {
    TotpService.Outcome o = totps.recover(Bodies.read(ctx, TotpRecoverRequest.class), Attributes.EMPTY);
    Replies.json(ctx, 200, authenticated(ctx, o));
  }

  private void recoveryCodes(Context ctx) {
    String userId = Bodies.read(ctx, TotpRecoveryCodesRequest.class).userId();
    Replies.json(ctx, 200, new TotpRecoveryCodesResponse(200, Replies.requestId(ctx), userId,
        totps.recoveryCodes(userId)));
  }

  private void delete(Context ctx) {
    UserRecord user = totps.delete(ctx.pathParam("totp_id"));
    Replies.json(ctx, 200, new UserChangeResponse(200, Replies.requestId(ctx), user.userId(),
        UserService.toWire(user)));
  }

  private static TotpAuthenticateResponse authenticated(Context ctx, TotpService.Outcome o) {
    IssuedSession s = o.session();
    return new TotpAuthenticateResponse(200, Replies.requestId(ctx), o.user().userId(), o.totpId(),
        s == null ? "" : s.token(), s == null ? "" : s.jwt(), s == null ? null : SessionService.toWire(s.session()),
        UserService.toWire(o.user()));
  }
}
