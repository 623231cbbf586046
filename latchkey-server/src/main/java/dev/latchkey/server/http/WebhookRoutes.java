package dev.latchkey.server.http;

import dev.latchkey.server.session.webhook.Webhooks;
import dev.latchkey.server.store.WebhookStore;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.List;

/** Webhook endpoints under {@code /v1/webhooks} (project credentials): a Latchkey extension (docs/api.md "Webhooks"). */
final class WebhookRoutes {
  private static final String ENDPOINT = "/v1/webhooks/endpoints/{endpoint_id}";
  private final Webhooks webhooks;

  WebhookRoutes(Webhooks webhooks) {
    this.webhooks = webhooks;
  }

  void register(RouteTable routes) {
    routes.post("/v1/webhooks/endpoints", this::create);
    routes.get("/v1/webhooks/endpoints", this::list);
    routes.get(ENDPOINT, this::get);
    routes.put(ENDPOINT, this::update);
    routes.delete(ENDPOINT, this::delete);
    routes.post(ENDPOINT + "/rotate_secret", this::rotate);
    routes.get(ENDPOINT + "/dead_letters", this::deadLetters);
    routes.post(ENDPOINT + "/dead_letters/replay", this::replay);
  }

  record EndpointRequest(String url, List<String> eventTypes, Boolean enabled) {}

  record RotateRequest(Integer overlapMinutes) {}

  record ReplayRequest(String messageId) {}

  /** The only replies that carry a secret: a new endpoint, and a rotation. */
  record SecretResponse(int statusCode, String requestId, Webhooks.View endpoint, String secret) {
    @Override
    public String toString() {
      return "SecretResponse[" + endpoint + ", secret=<redacted>]";
    }
  }

  record EndpointResponse(int statusCode, String requestId, Webhooks.View endpoint) {}

  record EndpointListResponse(int statusCode, String requestId, List<Webhooks.View> endpoints) {}

  record DeletedResponse(int statusCode, String requestId, String endpointId) {}

  record DeadLetter(String messageId, long eventId, int attempts, String lastError, Instant createdAt,
      String payload) {}

  record DeadLettersResponse(int statusCode, String requestId, List<DeadLetter> deliveries) {}

  record ReplayResponse(int statusCode, String requestId, int replayed) {}

  private void create(Context ctx) {
    EndpointRequest r = Bodies.read(ctx, EndpointRequest.class);
    Webhooks.WithSecret made = webhooks.create(r.url(), r.eventTypes(), r.enabled());
    Replies.json(ctx, 200, new SecretResponse(200, Replies.requestId(ctx), made.endpoint(), made.secret()));
  }

  private void list(Context ctx) {
    Replies.json(ctx, 200, new EndpointListResponse(200, Replies.requestId(ctx), webhooks.list()));
  }

  private void get(Context ctx) {
    Replies.json(ctx, 200, new EndpointResponse(200, Replies.requestId(ctx),
        webhooks.get(ctx.pathParam("endpoint_id"))));
  }

  private void update(Context ctx) {
    EndpointRequest r = Bodies.read(ctx, EndpointRequest.class);
    Replies.json(ctx, 200, new EndpointResponse(200, Replies.requestId(ctx),
        webhooks.update(ctx.pathParam("endpoint_id"), r.url(), r.eventTypes(), r.enabled())));
  }

  private void delete(Context ctx) {
    String id = ctx.pathParam("endpoint_id");
    webhooks.delete(id);
    Replies.json(ctx, 200, new DeletedResponse(200, Replies.requestId(ctx), id));
  }

  private void rotate(Context ctx) {
    RotateRequest r = Bodies.read(ctx, RotateRequest.class);
    Webhooks.WithSecret rotated = webhooks.rotate(ctx.pathParam("endpoint_id"), r.overlapMinutes());
    Replies.json(ctx, 200, new SecretResponse(200, Replies.requestId(ctx), rotated.endpoint(), rotated.secret()));
  }

  private void deadLetters(Context ctx) {
    List<DeadLetter> dead = webhooks.deadLetters(ctx.pathParam("endpoint_id")).stream()
        .map(WebhookRoutes::deadLetter).toList();
    Replies.json(ctx, 200, new DeadLettersResponse(200, Replies.requestId(ctx), dead));
  }

  private void replay(Context ctx) {
    ReplayRequest r = Bodies.read(ctx, ReplayRequest.class);
    Replies.json(ctx, 200, new ReplayResponse(200, Replies.requestId(ctx),
        webhooks.replay(ctx.pathParam("endpoint_id"), r.messageId())));
  }

  private static DeadLetter deadLetter(WebhookStore.Delivery d) {
    return new DeadLetter(d.messageId(), d.eventId(), d.attempts(), d.lastError(), d.createdAt(), d.payload());
  }
}
