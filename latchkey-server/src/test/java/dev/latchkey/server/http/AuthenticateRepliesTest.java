package dev.latchkey.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.latchkey.model.Attributes;
import dev.latchkey.model.AuthenticateResponse;
import dev.latchkey.model.AuthenticationFactor;
import dev.latchkey.model.User;
import dev.latchkey.server.session.IssuedSession;
import dev.latchkey.server.session.SessionService;
import dev.latchkey.server.store.SessionRecord;
import dev.latchkey.server.store.UserRecord;
import dev.latchkey.server.user.UserService;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The session check's reply written from kept JSON ({@link AuthenticateReplies}) is, byte for byte, the reply the
 * general writer makes of the same values, and is written afresh from a row that is not the kept one.
 */
class AuthenticateRepliesTest {
  private static final Instant T0 = Instant.parse("2026-12-04T05:00:00.123Z");

  private static byte[] general(String requestId, UserRecord user, IssuedSession s) throws IOException {
    return Replies.JSON.writer().without(JsonGenerator.Feature.AUTO_CLOSE_TARGET).writeValueAsBytes(
        new AuthenticateResponse(200, requestId, user.userId(), s.token(), s.jwt(), SessionService.toWire(s.session()),
            UserService.toWire(user)));
  }

  private static byte[] kept(AuthenticateReplies replies, String requestId, UserRecord user, IssuedSession s)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    replies.write(out, requestId, user, s);
    return out.toByteArray();
  }

  private static SessionRecord session(String id, Attributes attributes, Map<String, Object> claims,
      List<AuthenticationFactor> factors) {
    return new SessionRecord(id, "user-live-1", "hash-" + id, T0, T0.plusSeconds(7), T0.plusSeconds(3600), attributes,
        factors, claims, 3);
  }

  private static List<SessionRecord> sessions() {
    Map<String, Object> nested = new LinkedHashMap<>();
    nested.put("plan", "team \"gold\" ✓");
    nested.put("seats", 12);
    nested.put("nothing", null);
    nested.put("list", List.of(1, "two", Map.of("three", 3.5)));
    return List.of(
        session("session-live-a", Attributes.EMPTY, Map.of(), List.of(AuthenticationFactor.password(T0))),
        session("session-live-b", new Attributes("2001:db8::1", "Mozilla/5.0 (X11; Linux) \"quoted\" \\ back"),
            nested, List.of(AuthenticationFactor.password(T0),
                AuthenticationFactor.magicLink(T0.plusSeconds(1), "email-live-1", "ada@example.com"),
                AuthenticationFactor.totp("totp-live-1", T0.plusSeconds(2)))),
        session("session-live-c", new Attributes(null, null), Map.of("ünïcode", "日本語\u2028"), List.of()));
  }

  private static List<UserRecord> users() {
    List<UserRecord> users = new ArrayList<>();
    users.add(new UserRecord("user-live-1", "active", User.Name.EMPTY, Map.of(), Map.of(), null, T0,
        List.of(), null, List.of()));
    Map<String, Object> trusted = new HashMap<>();
    trusted.put("roles", List.of("admin", "billing"));
    trusted.put("nested", Map.of("deep", Map.of("deeper", true)));
    users.add(new UserRecord("user-live-1", "pending", new User.Name("Ada", "Κ.", "Lovelace \"Byron\""), trusted,
        Map.of("theme", "dark"), "ext-42", T0,
        List.of(new UserRecord.StoredEmail("email-live-1", "ada@example.com", true),
            new UserRecord.StoredEmail("email-live-2", "ada+2@example.com", false)),
        new UserRecord.StoredPassword("password-live-1", "$argon2id$...", true),
        List.of(new User.Totp("totp-live-1", true)),
        List.of(new UserRecord.StoredProvider("oauth-user-live-1", "Google", "1234", null, "en")), List.of()));
    return users;
  }

  @Test
  void theKeptReplyIsByteForByteTheGeneralOne() throws IOException {
    AuthenticateReplies replies = new AuthenticateReplies(true);
    for (SessionRecord s : sessions()) {
      for (UserRecord u : users()) {
        for (IssuedSession issued : List.of(new IssuedSession(s, "token-\u00e9", "eyJ.jwt.sig"),
            new IssuedSession(s, "", "eyJ.other"))) {
          byte[] expected = general("request-id-live-1", u, issued);
          assertThat(new String(kept(replies, "request-id-live-1", u, issued), StandardCharsets.UTF_8))
              .isEqualTo(new String(expected, StandardCharsets.UTF_8));
          // ...and again, now from the kept JSON.
          assertThat(kept(replies, "request-id-live-1", u, issued)).isEqualTo(expected);
        }
      }
    }
  }

  @Test
  void aRowThatIsNotTheKeptObjectIsWrittenAfresh() throws IOException {
    AuthenticateReplies replies = new AuthenticateReplies(true);
    UserRecord user = users().get(1);
    SessionRecord first = sessions().get(0);
    kept(replies, "r1", user, new IssuedSession(first, "t", "j"));

    SessionRecord changed = new SessionRecord(first.sessionId(), first.userId(), first.tokenHash(), first.startedAt(),
        first.lastAccessedAt().plusSeconds(60), first.expiresAt(), first.attributes(), first.factors(),
        Map.of("role", "changed"), first.version() + 1);
    IssuedSession next = new IssuedSession(changed, "t", "j");
    String reply = new String(kept(replies, "r2", user, next), StandardCharsets.UTF_8);

    assertThat(reply).contains("\"role\":\"changed\"").isEqualTo(new String(general("r2", user, next),
        StandardCharsets.UTF_8));
    assertThat(replies.sizes()).containsExactly(1, 1);
  }

  @Test
  void withoutTheRowCacheNothingIsKeptAndTheReplyIsTheSame() throws IOException {
    AuthenticateReplies replies = new AuthenticateReplies(false);
    UserRecord user = users().get(1);
    IssuedSession issued = new IssuedSession(sessions().get(1), "t", "j");

    assertThat(kept(replies, "r", user, issued)).isEqualTo(general("r", user, issued));
    assertThat(replies.sizes()).containsExactly(0, 0);
  }
}
