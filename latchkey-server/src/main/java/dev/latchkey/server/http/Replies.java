package dev.latchkey.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.latchkey.model.ErrorBody;
import dev.latchkey.model.WireJson;
import dev.latchkey.server.error.ErrorCode;
import io.javalin.http.Context;
import java.util.UUID;

/** Writes every reply: JSON bodies, the request id, and the one error shape. */
final class Replies {
  static final ObjectMapper JSON = WireJson.mapper();
  /** Leaves the response stream open: Javalin closes it once the request is done (and after the request log). */
  private static final com.fasterxml.jackson.databind.ObjectWriter WRITER =
      JSON.writer().without(com.fasterxml.jackson.core.JsonGenerator.Feature.AUTO_CLOSE_TARGET);
  private static final String REQUEST_ID = "latchkey.requestId";
  private static final String WRITTEN = "latchkey.written";

  private Replies() {}

  /**
   * The id of this request, fixed on first use: the caller's {@code X-Request-Id} when it sent a sane one (so one id
   * follows a request through a proxy, the app's backend and Latchkey), else {@code request-id-<live|test>-<uuid>}.
   */
  static String requestId(Context ctx) {
    String id = ctx.attribute(REQUEST_ID);
    if (id == null) {
      String incoming = ctx.header(RequestLog.REQUEST_ID_HEADER);
      id = RequestLog.isSaneRequestId(incoming) ? incoming : "request-id-" + flavor(ctx) + "-" + randomUuid();
      ctx.attribute(REQUEST_ID, id);
    }
    return id;
  }

  /**
   * A version-4 UUID from {@link java.util.concurrent.ThreadLocalRandom}: a request id must be unique, not secret, and
   * {@link UUID#randomUUID} draws on the shared {@code SecureRandom}, a lock and a system call's worth of work on
   * every request.
   */
  static UUID randomUuid() {
    java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
    long high = (r.nextLong() & ~0xF000L) | 0x4000L;
    long low = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(high, low);
  }

  /**
   * Writes the reply straight to the response (through Javalin's compressing stream), once. Handing Javalin a result
   * instead made it copy the bytes through a new 8 KiB buffer per request, the largest allocation of a session check.
   * A second reply to the same request (an error mapper after a reply, say) is dropped, never appended.
   */
  static void json(Context ctx, int status, Object body) {
    if (!claimReply(ctx)) {
      return;
    }
    ctx.status(status).contentType("application/json");
    try {
      // Straight into the response: no intermediate byte array. The wire records always serialise; a failure here
      // is a bug, logged by the error mapper, after a partial reply the client cannot mistake for a whole one.
      WRITER.writeValue(ctx.outputStream(), body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a reply could not be written as JSON", e);
    } catch (java.io.IOException e) {
      // The client went away; there is nobody left to answer.
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** True the first time for a request: the caller writes its reply; false after that (the reply is written). */
  static boolean claimReply(Context ctx) {
    if (ctx.attribute(WRITTEN) != null) {
      return false;
    }
    ctx.attribute(WRITTEN, Boolean.TRUE);
    return true;
  }

  /** Whether this request's reply was written by {@link #json}. */
  static boolean written(Context ctx) {
    return ctx.attribute(WRITTEN) != null;
  }

  /**
   * A 200 reply of a frontend SDK endpoint: the body wrapped as {@code {"data": body}}, which is where the official
   * SDKs read it from (errors stay flat).
   */
  static void data(Context ctx, Object body) {
    json(ctx, 200, java.util.Map.of("data", body));
  }

  /** {@code status_code} and {@code request_id}, then the fields of {@code value} at the same level. */
  static com.fasterxml.jackson.databind.node.ObjectNode flat(Context ctx, Object value) {
    com.fasterxml.jackson.databind.node.ObjectNode body = JSON.createObjectNode();
    body.put("status_code", 200);
    body.put("request_id", requestId(ctx));
    body.setAll((com.fasterxml.jackson.databind.node.ObjectNode) JSON.valueToTree(value));
    return body;
  }

  static void error(Context ctx, ErrorCode code, String message) {
    ErrorBody body = new ErrorBody(code.status(), requestId(ctx), code.type(), message,
        ErrorBody.urlFor(code.status(), code.type()));
    if (ctx.req().getContentLengthLong() > 0 || ctx.header("Transfer-Encoding") != null) {
      // A refusal may come before the body is read (bad credentials, no such route). Jetty then drops the
      // connection after the reply; saying so keeps a client from sending its next request down a closed socket.
      ctx.header("Connection", "close");
    }
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
