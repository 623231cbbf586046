package dev.latchkey.server.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
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
 * holds them equal). Kept as {@link SerializedString}s, which hold their UTF-8 bytes once made, so the generator
 * copies bytes instead of encoding 2 KB of characters per call; the session's JWT, reused for most of a minute, too.
 */
final class AuthenticateReplies {
  /** Entries of each kind at most; past it the map starts again (the row cache holds as many rows). */
  static final int MAX_ENTRIES = 16_384;
  private static final ObjectWriter WRITER = Replies.JSON.writer();

  private static final SerializableString STATUS_CODE = new SerializedString("status_code");
  private static final SerializableString REQUEST_ID = new SerializedString("request_id");
  private static final SerializableString USER_ID = new SerializedString("user_id");
  private static final SerializableString SESSION_TOKEN = new SerializedString("session_token");
  private static final SerializableString SESSION_JWT = new SerializedString("session_jwt");
  private static final SerializableString SESSION = new SerializedString("session");
  private static final SerializableString USER = new SerializedString("user");

  /** {@code text} made from {@code source}, kept while the caller's source is the identical object. */
  private record Kept(Object source, SerializedString text) {}

  private final Map<String, Kept> sessions = new ConcurrentHashMap<>();
  private final Map<String, Kept> users = new ConcurrentHashMap<>();
  private final Map<String, Kept> jwts = new ConcurrentHashMap<>();
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
    String sessionId = issued.session().sessionId();
    SerializedString sessionJson = kept(sessions, sessionId, issued.session(),
        () -> json(SessionService.toWire(issued.session())));
    SerializedString userJson = kept(users, user.userId(), user, () -> json(UserService.toWire(user)));
    SerializedString jwt = kept(jwts, sessionId, issued.jwt(), () -> new SerializedString(issued.jwt()));
    try (JsonGenerator g = Replies.JSON.getFactory().createGenerator(out)) {
      g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      g.writeStartObject();
      g.writeFieldName(STATUS_CODE);
      g.writeNumber(200);
      g.writeFieldName(REQUEST_ID);
      g.writeString(requestId);
      g.writeFieldName(USER_ID);
      g.writeString(user.userId());
      g.writeFieldName(SESSION_TOKEN);
      g.writeString(issued.token());
      g.writeFieldName(SESSION_JWT);
      g.writeString(jwt);
      g.writeFieldName(SESSION);
      g.writeRawValue(sessionJson);
      g.writeFieldName(USER);
      g.writeRawValue(userJson);
      g.writeEndObject();
    }
  }

  private static SerializedString json(Object wire) {
    try {
      return new SerializedString(WRITER.writeValueAsString(wire));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a reply could not be written as JSON", e);
    }
  }

  private SerializedString kept(Map<String, Kept> kept, String id, Object source,
      java.util.function.Supplier<SerializedString> make) {
    Kept k = keep ? kept.get(id) : null;
    if (k != null && k.source() == source) {
      return k.text();
    }
    SerializedString text = make.get();
    if (keep) {
      if (kept.size() >= MAX_ENTRIES) {
        kept.clear();
      }
      kept.put(id, new Kept(source, text));
    }
    return text;
  }

  /** Rows whose JSON is kept now (sessions, users), for tests. */
  int[] sizes() {
    return new int[] {sessions.size(), users.size()};
  }
}
