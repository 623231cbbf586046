package dev.latchkey.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.model.ErrorBody;
import dev.latchkey.model.WireJson;
import dev.latchkey.server.ErrorCode;
import io.javalin.http.Context;
import java.util.UUID;

/** Writes every reply: JSON bodies, the request id, and the one error shape. */
final class Replies {
  static final ObjectMapper JSON = WireJson.mapper();
  private static final String REQUEST_ID = "latchkey.requestId";

  private Replies() {}

  /** The id of this request, made on first use: {@code request-id-<live|test>-<uuid>}. */
  static String requestId(Context ctx) {
    String id = ctx.attribute(REQUEST_ID);
    if (id == null) {
      id = "request-id-" + flavor(ctx) + "-" + UUID.randomUUID();
      ctx.attribute(REQUEST_ID, id);
    }
    return id;
  }

  static void json(Context ctx, int status, Object body) {
    try {
      ctx.status(status).contentType("application/json").result(JSON.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a reply could not be written as JSON", e);
    }
  }

  static void error(Context ctx, ErrorCode code, String message) {
    ErrorBody body = new ErrorBody(code.status(), requestId(ctx), code.type(), message,
        ErrorBody.urlFor(code.status(), code.type()));
    json(ctx, code.status(), body);
  }

  private static String flavor(Context ctx) {
    String flavor = ctx.attribute("latchkey.flavor");
    return flavor == null ? "live" : flavor;
  }

  static void setFlavor(Context ctx, String flavor) {
    ctx.attribute("latchkey.flavor", flavor);
  }
}
