package dev.latchkey.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.latchkey.model.User;
import dev.latchkey.model.UserChangeResponse;
import dev.latchkey.model.UserCreateRequest;
import dev.latchkey.model.UserCreateResponse;
import dev.latchkey.model.UserDeleteResponse;
import dev.latchkey.model.UserUpdateRequest;
import dev.latchkey.model.UserUpdateResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.latchkey.server.store.UserRecord;
import dev.latchkey.server.store.UserSearch;
import dev.latchkey.server.user.UserSearchRequests;
import dev.latchkey.server.user.UserService;
import io.javalin.http.Context;

/** {@code /v1/users}: create, get, update, delete. */
final class UserRoutes {
  private final UserService users;

  UserRoutes(UserService users) {
    this.users = users;
  }

  void register(RouteTable routes) {
    routes.post("/v1/users", this::create);
    routes.post("/v1/users/search", this::search);
    routes.delete("/v1/users/emails/{email_id}", this::deleteEmail);
    routes.delete("/v1/users/passwords/{password_id}", this::deletePassword);
    routes.get("/v1/users/{user_id}", this::get);
    routes.put("/v1/users/{user_id}", this::update);
    routes.delete("/v1/users/{user_id}", this::delete);
    routes.delete("/v1/users/{user_id}/external_id", this::deleteExternalId);
  }

  private void create(Context ctx) {
    UserRecord u = users.create(Bodies.read(ctx, UserCreateRequest.class));
    Replies.json(ctx, 200, new UserCreateResponse(200, Replies.requestId(ctx), u.userId(),
        u.emails().isEmpty() ? "" : u.emails().get(0).emailId(), u.status(), "", UserService.toWire(u)));
  }

  /** Stytch's GET reply is flat: the user's fields at the top level beside the envelope. */
  private void get(Context ctx) {
    User user = UserService.toWire(users.get(ctx.pathParam("user_id")));
    ObjectNode body = Replies.JSON.createObjectNode();
    body.put("status_code", 200);
    body.put("request_id", Replies.requestId(ctx));
    body.setAll((ObjectNode) Replies.JSON.valueToTree(user));
    Replies.json(ctx, 200, body);
  }

  private void update(Context ctx) {
    String userId = ctx.pathParam("user_id");
    User u = UserService.toWire(users.update(userId, Bodies.read(ctx, UserUpdateRequest.class)));
    Replies.json(ctx, 200, new UserUpdateResponse(200, Replies.requestId(ctx), u.userId(), u.emails(),
        u.phoneNumbers(), u.cryptoWallets(), u));
  }

  private void delete(Context ctx) {
    String userId = users.delete(ctx.pathParam("user_id"));
    Replies.json(ctx, 200, new UserDeleteResponse(200, Replies.requestId(ctx), userId));
  }

  /** Stytch's {@code DELETE /v1/users/{user_id}/external_id}: the user keeps everything but its external id. */
  private void deleteExternalId(Context ctx) {
    UserRecord u = users.deleteExternalId(ctx.pathParam("user_id"));
    Replies.json(ctx, 200, new UserChangeResponse(200, Replies.requestId(ctx), u.userId(), UserService.toWire(u)));
  }

  /** Stytch's search reply: {@code results} are user objects as GET renders them, then the page's metadata. */
  private void search(Context ctx) {
    UserSearch search = UserSearchRequests.parse(Bodies.read(ctx, JsonNode.class));
    UserSearch.Page page = users.search(search);
    ObjectNode body = Replies.JSON.createObjectNode();
    body.put("status_code", 200);
    body.put("request_id", Replies.requestId(ctx));
    ArrayNode results = body.putArray("results");
    for (UserRecord u : page.results()) {
      results.add((ObjectNode) Replies.JSON.valueToTree(UserService.toWire(u)));
    }
    ObjectNode meta = body.putObject("results_metadata");
    meta.put("total", page.total());
    meta.put("next_cursor", UserSearchRequests.cursor(search, page.next()));
    Replies.json(ctx, 200, body);
  }

  private void deleteEmail(Context ctx) {
    UserRecord user = users.deleteEmail(ctx.pathParam("email_id"));
    Replies.json(ctx, 200, new UserChangeResponse(200, Replies.requestId(ctx), user.userId(),
        UserService.toWire(user)));
  }

  private void deletePassword(Context ctx) {
    UserRecord user = users.deletePassword(ctx.pathParam("password_id"));
    Replies.json(ctx, 200, new UserChangeResponse(200, Replies.requestId(ctx), user.userId(),
        UserService.toWire(user)));
  }
}
