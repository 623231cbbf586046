package dev.latchkey.server.http;

import dev.latchkey.model.Attributes;
import dev.latchkey.model.PasswordAuthenticateRequest;
import dev.latchkey.model.PasswordCreateRequest;
import dev.latchkey.model.PasswordCreateResponse;
import dev.latchkey.server.password.PasswordService;
import dev.latchkey.server.session.IssuedSession;
import dev.latchkey.server.session.SessionService;
import dev.latchkey.server.user.UserService;
import io.javalin.http.Context;

/** {@code /v1/passwords}: sign-up and sign-in with email and password. */
final class PasswordRoutes {
  private final PasswordService passwords;

  PasswordRoutes(PasswordService passwords) {
    this.passwords = passwords;
  }

  void register(RouteTable routes) {
    routes.post("/v1/passwords", this::create);
    routes.post("/v1/passwords/authenticate", this::authenticate);
  }

  private void create(Context ctx) {
    PasswordService.Outcome o = passwords.create(Bodies.read(ctx, PasswordCreateRequest.class), Attributes.EMPTY);
    IssuedSession s = o.session();
    Replies.json(ctx, 200, new PasswordCreateResponse(200, Replies.requestId(ctx), o.user().userId(),
        o.user().emails().get(0).emailId(), s == null ? "" : s.token(), s == null ? "" : s.jwt(),
        s == null ? null : SessionService.toWire(s.session()), UserService.toWire(o.user())));
  }

  private void authenticate(Context ctx) {
    PasswordService.Outcome o = passwords.authenticate(Bodies.read(ctx, PasswordAuthenticateRequest.class),
        Attributes.EMPTY);
    Replies.json(ctx, 200, SessionRoutes.authenticated(ctx, o.user(), o.session()));
  }
}
