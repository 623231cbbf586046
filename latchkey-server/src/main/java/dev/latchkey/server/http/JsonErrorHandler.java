package dev.latchkey.server.http;

import dev.latchkey.model.ErrorBody;
import dev.latchkey.server.error.ErrorCode;
import java.nio.ByteBuffer;
import java.util.UUID;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors Jetty produces below the application (bad HTTP framing, headers too large, ...) in the same JSON shape as
 * every other error, so no client ever sees an HTML page.
 */
final class JsonErrorHandler extends ErrorHandler {
  private final String flavor;

  JsonErrorHandler(String flavor) {
    this.flavor = flavor;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    int status = response.getStatus() <= 0 || response.getStatus() < 400 ? 500 : response.getStatus();
    ErrorCode code = switch (status) {
      case 400 -> ErrorCode.BAD_REQUEST;
      case 404 -> ErrorCode.ROUTE_NOT_FOUND;
      case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
      case 408 -> ErrorCode.REQUEST_TIMEOUT;
      case 413 -> ErrorCode.REQUEST_TOO_LARGE;
      case 431 -> ErrorCode.HEADERS_TOO_LARGE;
      case 501 -> ErrorCode.METHOD_NOT_IMPLEMENTED;
      case 505 -> ErrorCode.HTTP_VERSION_NOT_SUPPORTED;
      case 503 -> ErrorCode.DATABASE_UNAVAILABLE;
      default -> status < 500 ? ErrorCode.BAD_REQUEST : ErrorCode.INTERNAL_SERVER_ERROR;
    };
    ErrorBody body = new ErrorBody(status, "request-id-" + flavor + "-" + UUID.randomUUID(), code.type(),
        code.message(), ErrorBody.urlFor(status, code.type()));
    byte[] bytes;
    try {
      bytes = Replies.JSON.writeValueAsBytes(body);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      bytes = "{}".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    // Jetty answers here for requests it could not hand to the API (bad framing, ambiguous path, headers too large)
    // and does not keep such a connection: say so, so that a client does not reuse it.
    response.getHeaders().put(HttpHeader.CONNECTION, "close");
    response.write(true, ByteBuffer.wrap(bytes), callback);
    return true;
  }
}
