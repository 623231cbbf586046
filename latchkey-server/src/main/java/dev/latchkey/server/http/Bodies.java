package dev.latchkey.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.latchkey.server.error.ApiException;
import dev.latchkey.server.error.ErrorCode;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.stream.Collectors;

/**
 * Reads request bodies into wire records with strict types. Every failure is a 400 that says what is wrong and
 * where, without echoing the body (it may hold a password or token). An empty body reads as {@code {}}.
 */
final class Bodies {
  /**
   * One reader per wire type, made once: {@code ObjectMapper.readValue(bytes, Class)} resolves the type and sets up a
   * reader on every call, a tenth of what reading a session check's body cost. Same configuration, same errors.
   */
  private static final ClassValue<com.fasterxml.jackson.databind.ObjectReader> READERS = new ClassValue<>() {
    @Override
    protected com.fasterxml.jackson.databind.ObjectReader computeValue(Class<?> type) {
      return Replies.JSON.readerFor(type);
    }
  };

  private Bodies() {}

  static <T> T read(Context ctx, Class<T> type) {
    byte[] given = ctx.attribute(CLOSED_BODY);
    byte[] body = given != null ? given : bytes(ctx);
    if (body.length == 0) {
      body = "{}".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
    try {
      T value = READERS.get(type).readValue(body);
      if (value == null) {
        throw ErrorCode.MALFORMED_JSON.exception("The request body must be a JSON object.");
      }
      RefusedFields.check(ctx.path(), body);
      return value;
    } catch (InputCoercionException e) {
      throw ErrorCode.INVALID_FIELD_TYPE.exception("A number in the request body is out of range.");
    } catch (StreamConstraintsException e) {
      throw ErrorCode.MALFORMED_JSON.exception("The request body is nested or sized beyond the limits.");
    } catch (MismatchedInputException e) {
      String field = path(e);
      if (field.isEmpty()) {
        throw ErrorCode.MALFORMED_JSON.exception("The request body must be a JSON object.");
      }
      throw ErrorCode.INVALID_FIELD_TYPE.exception("Field '" + field + "' must be " + expected(e) + ".");
    } catch (JsonMappingException e) {
      // Jackson wraps read errors met while binding a field (bad UTF-8 inside a string, nesting too deep) with the
      // field's path: those are still problems of the JSON text, not of a value's type.
      Throwable cause = e.getCause();
      if (cause instanceof StreamConstraintsException) {
        throw ErrorCode.MALFORMED_JSON.exception("The request body is nested or sized beyond the limits.");
      }
      if (cause instanceof InputCoercionException && !path(e).isEmpty()) {
        throw ErrorCode.INVALID_FIELD_TYPE.exception("Field '" + path(e) + "' is a number out of range.");
      }
      if (cause instanceof JsonProcessingException p && !(cause instanceof JsonMappingException)) {
        throw ErrorCode.MALFORMED_JSON.exception("The request body is not valid JSON (" + location(p) + ").");
      }
      String field = path(e);
      throw ErrorCode.INVALID_FIELD_TYPE.exception(field.isEmpty() ? "The request body has a value of the wrong type."
          : "Field '" + field + "' has a value of the wrong type.");
    } catch (JsonProcessingException e) {
      throw ErrorCode.MALFORMED_JSON.exception("The request body is not valid JSON (" + location(e) + ").");
    } catch (IOException e) {
      throw ErrorCode.BAD_REQUEST.exception("The request body could not be read.");
    }
  }

  /**
   * Like {@link #read} for a request whose every field narrows what it does (e.g. criteria of a bulk revoke): a
   * top-level field not in {@code fields} is refused with {@code 400 unsupported_request_field} naming it, since
   * ignoring it would widen the request.
   */
  static <T> T readClosed(Context ctx, Class<T> type, java.util.Set<String> fields) {
    byte[] body = bytes(ctx);
    ctx.attribute(CLOSED_BODY, body);
    T value = read(ctx, type);
    try {
      java.util.Iterator<String> names = Replies.JSON.readTree(body.length == 0 ? "{}".getBytes(
          java.nio.charset.StandardCharsets.US_ASCII) : body).fieldNames();
      java.util.Set<String> unknown = new java.util.TreeSet<>();
      names.forEachRemaining(n -> {
        if (!fields.contains(n)) {
          unknown.add(n);
        }
      });
      if (!unknown.isEmpty()) {
        throw ErrorCode.UNSUPPORTED_REQUEST_FIELD.exception("Field '" + unknown.iterator().next() + "' is not one "
            + "this request knows (" + new java.util.TreeSet<>(fields) + "); it is refused rather than ignored.");
      }
    } catch (IOException e) {
      throw ErrorCode.MALFORMED_JSON.exception("The request body is not valid JSON.");
    }
    return value;
  }

  /** Where {@link #readClosed} leaves the body it read, for {@link #read} to use instead of reading it again. */
  private static final String CLOSED_BODY = "latchkey.closed-body";

  /**
   * The request body, at most {@link HttpApi#MAX_BODY_BYTES} (else 413, see {@link #LINGER_BYTES}), read into an array
   * of exactly its announced length. (Javalin's own reader copied every body through a new 8 KiB buffer: a fifth of
   * what a session check allocated.) A body that ends early or arrives too slowly fails as the underlying stream says (Jetty's
   * {@code EofException}, the body deadline's {@code TimeoutException}); the error mapper turns those into 400 and 408.
   */
  static byte[] bytes(Context ctx) {
    long announced = ctx.req().getContentLengthLong();
    try (java.io.InputStream in = ctx.req().getInputStream()) {
      if (announced > HttpApi.MAX_BODY_BYTES) {
        throw tooLarge(in, announced);
      }
      if (announced >= 0) {
        byte[] body = in.readNBytes((int) announced);
        if (body.length < announced) {
          throw ErrorCode.BAD_REQUEST.exception("The request body ended before its announced length.");
        }
        return body;
      }
      byte[] body = in.readNBytes((int) HttpApi.MAX_BODY_BYTES + 1);
      if (body.length > HttpApi.MAX_BODY_BYTES) {
        throw tooLarge(in, -1);
      }
      return body;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * How much of a refused body is still read (and thrown away) so that the client gets to read its 413. A server that
   * answers and closes while the client is still sending makes the client's kernel reset the connection, and a reset
   * can discard the reply before the client reads it (the client sees "connection reset", not 413). Reading a few
   * mebibytes more, within the body deadline, costs little; past that the connection is closed as before.
   */
  static final long LINGER_BYTES = 4L * 1024 * 1024;

  /**
   * The 413 for a body over the limit, after reading and discarding at most {@link #LINGER_BYTES} past the limit:
   * all of an announced body no longer than that (a longer one is not read at all), or a chunked one until it ends or
   * passes that bound.
   */
  private static ApiException tooLarge(java.io.InputStream in, long announced) throws IOException {
    if (announced <= HttpApi.MAX_BODY_BYTES + LINGER_BYTES) {
      long skipped = 0;
      byte[] sink = new byte[8192];
      int n;
      while (skipped <= LINGER_BYTES && (n = in.read(sink)) >= 0) {
        skipped += n;
      }
    }
    return ErrorCode.REQUEST_TOO_LARGE.exception();
  }

  private static String path(JsonMappingException e) {
    return e.getPath().stream()
        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
        .collect(Collectors.joining(".")).replace(".[", "[");
  }

  private static String expected(MismatchedInputException e) {
    Class<?> t = e.getTargetType();
    if (t == null) {
      return "of another type";
    }
    if (t == Integer.class || t == int.class || t == Long.class || t == long.class) {
      return "an integer";
    }
    if (t == Boolean.class || t == boolean.class) {
      return "a boolean";
    }
    if (t == String.class) {
      return "a string";
    }
    if (java.util.Map.class.isAssignableFrom(t) || t.isRecord()) {
      return "an object";
    }
    if (java.util.Collection.class.isAssignableFrom(t)) {
      return "an array";
    }
    return "of another type";
  }

  private static String location(JsonProcessingException e) {
    var loc = e.getLocation();
    String what = e.getOriginalMessage();
    // Jackson's message may quote the offending token, which could be part of a secret: keep only its kind.
    if (what != null && what.startsWith("Duplicate field")) {
      what = "duplicate field";
    } else if (what != null && what.contains("Invalid UTF-8")) {
      what = "invalid UTF-8";
    } else {
      what = "syntax error";
    }
    return loc == null ? what : what + " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
  }
}
