package dev.latchkey.server.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.latchkey.server.session.IssuedSession;
import dev.latchkey.server.session.SessionService;
import dev.latchkey.server.store.UserRecord;
import dev.latchkey.server.user.UserService;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The reply of {@code POST /v1/sessions/authenticate}, written with the JSON of its {@code session} and {@code user}
 * kept from the last reply made from the very same stored rows. A check that changes nothing is answered from the
 * rows the store keeps in memory (the same objects call after call), and writing those two objects was the largest
 * part of its reply (the flame graphs of docs/benchmarks.md, round three). Kept per session and user id, and used only
 * while the row is the identical object: a row read again, changed or not, is written afresh. The bytes are those
 * {@link Replies#json} writes for {@link dev.latchkey.model.AuthenticateResponse} ({@code AuthenticateRepliesTest}
 * holds them equal).
 */
final class AuthenticateReplies {
  /** Entries of each kind at most; past it the map starts again (the row cache holds as many rows). */
  static final int MAX_ENTRIES = 16_384;
  private static final ObjectWriter WRITER = Replies.JSON.writer();

  private record Kept(Object row, String json) {}

  private final Map<String, Kept> sessions = new ConcurrentHashMap<>();
  private final Map<String, Kept> users = new ConcurrentHashMap<>();
  private final boolean keep;

  /** Keeps JSON only when {@code rowsAreKept}: the store returns the same object for an unchanged row. */
  AuthenticateReplies(boolean rowsAreKept) {
    this.keep = rowsAreKept;
  }

  /** Writes the reply for {@code user} and {@code issued} to the request's response, once (see {@link Replies#json}). */
  void write(Context ctx, UserRecord user, IssuedSession issued) {
    if (!Replies.claimReply(ctx)) {
      return;
    }
    ctx.status(200).contentType("application/json");
    try {
      write(ctx.outputStream(), Replies.requestId(ctx), user, issued);
    } catch (IOException e) {
      // The client went away; there is nobody left to answer.
      throw new UncheckedIOException(e);
    }
  }

  /** The same bytes as the {@code AuthenticateResponse} of these values, written to {@code out} (left open). */
  void write(OutputStream out, String requestId, UserRecord user, IssuedSession issued) throws IOException {
    String sessionJson = json(sessions, issued.session().sessionId(), issued.session(),
        () -> SessionService.toWire(issued.session()));
    String userJson = json(users, user.userId(), user, () -> UserService.toWire(user));
    try (JsonGenerator g = Replies.JSON.getFactory().createGenerator(out)) {
      g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      g.writeStartObject();
      g.writeNumberField("status_code", 200);
      g.writeStringField("request_id", requestId);
      g.writeStringField("user_id", user.userId());
      g.writeStringField("session_token", issued.token());
      g.writeStringField("session_jwt", issued.jwt());
      g.writeFieldName("session");
      g.writeRawValue(sessionJson);
      g.writeFieldName("user");
      g.writeRawValue(userJson);
      g.writeEndObject();
    }
  }

  private String json(Map<String, Kept> kept, String id, Object row, java.util.function.Supplier<Object> wire) {
    Kept k = keep ? kept.get(id) : null;
    if (k != null && k.row() == row) {
      return k.json();
    }
    String json;
    try {
      json = WRITER.writeValueAsString(wire.get());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a reply could not be written as JSON", e);
    }
    if (keep) {
      if (kept.size() >= MAX_ENTRIES) {
        kept.clear();
      }
      kept.put(id, new Kept(row, json));
    }
    return json;
  }

  /** Rows whose JSON is kept now (sessions, users), for tests. */
  int[] sizes() {
    return new int[] {sessions.size(), users.size()};
  }
}
