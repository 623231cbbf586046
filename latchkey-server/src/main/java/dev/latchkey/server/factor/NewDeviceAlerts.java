package dev.latchkey.server.factor;

import dev.latchkey.server.crypto.Secrets;
import dev.latchkey.server.error.ErrorCode;
import dev.latchkey.server.mail.MailTemplates;
import dev.latchkey.server.mail.Mailer;
import dev.latchkey.server.session.DeviceDescription;
import dev.latchkey.server.session.SessionService;
import dev.latchkey.server.store.EmailTokenRecord;
import dev.latchkey.server.store.EmailTokenStore;
import dev.latchkey.server.store.SessionRecord;
import dev.latchkey.server.store.SessionStore;
import dev.latchkey.server.store.UserRecord;
import dev.latchkey.server.store.UserStore;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * "New device signed in" mails ({@code LATCHKEY_NEW_DEVICE_EMAIL}). A session's device is its coarse description
 * ({@link DeviceDescription}) with its network (the IPv4 /24 or IPv6 /48 of its address); a session whose device is
 * not among the user's other live sessions gets a mail to the user's address with a one-click link that revokes that
 * one session. No mail when the user has no other live session: there is nothing to compare with (a first sign-up, or
 * a sign-in after every session ended), and mailing every such sign-in would teach users to ignore the mail.
 *
 * <p>The link's token is an email token of kind {@link EmailTokenRecord#REVOKE_SESSION}: only its hash is stored, it
 * works once, expires after {@link #LINK_LIFETIME}, and dies with its user. Mail goes out on a virtual thread of its
 * own, so a slow or failing mail server never delays or fails the sign-in (a failure is logged, without the link).
 */
public final class NewDeviceAlerts implements SessionService.StartListener {
  static final Duration LINK_LIFETIME = Duration.ofDays(7);
  private static final Logger LOG = LoggerFactory.getLogger(NewDeviceAlerts.class);

  private final UserStore users;
  private final EmailTokenStore tokens;
  private final SessionStore sessions;
  private final Mailer mailer;
  private final MailTemplates templates;
  private final String publicUrl;
  private final Clock clock;

  public NewDeviceAlerts(UserStore users, EmailTokenStore tokens, SessionStore sessions, Mailer mailer,
      MailTemplates templates, String publicUrl, Clock clock) {
    this.users = users;
    this.tokens = tokens;
    this.sessions = sessions;
    this.mailer = mailer;
    this.templates = templates;
    // Null only where no mail is sent (the setting off): the settings refuse LATCHKEY_NEW_DEVICE_EMAIL without it.
    this.publicUrl = publicUrl == null ? null
        : publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
    this.clock = clock;
  }

  /** The path of the link's landing page (GET shows it, POST revokes). */
  public static final String PATH = "/v1/public/sessions/revoke";

  @Override
  public void started(SessionRecord session, List<SessionRecord> others) {
    try {
      if (publicUrl == null || others.isEmpty() || others.stream().anyMatch(o -> device(o).equals(device(session)))) {
        return;
      }
      Optional<UserRecord> user = users.find(session.userId());
      if (user.isEmpty() || user.get().emails().isEmpty()) {
        return;
      }
      UserRecord.StoredEmail to = user.get().emails().stream().filter(UserRecord.StoredEmail::verified).findFirst()
          .orElse(user.get().emails().get(0));
      Instant now = clock.instant();
      String token = Secrets.randomToken(EmailLinks.TOKEN_BYTES);
      tokens.create(new EmailTokenRecord(Secrets.sha256(token), EmailTokenRecord.REVOKE_SESSION, session.userId(),
          to.emailId(), null, now, now.plus(LINK_LIFETIME), null, session.sessionId()));
      String link = publicUrl + PATH + "?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
      String ip = session.attributes() == null || session.attributes().ipAddress() == null
          || session.attributes().ipAddress().isEmpty() ? "unknown" : session.attributes().ipAddress();
      var mail = templates.render(MailTemplates.NEW_DEVICE, to.email(), Map.of("email", to.email(),
          "device", DeviceDescription.of(session.attributes() == null ? null : session.attributes().userAgent()),
          "ip_address", ip, "time", session.startedAt().truncatedTo(ChronoUnit.SECONDS).toString(), "link", link,
          "expiration_days", String.valueOf(LINK_LIFETIME.toDays())), link, null);
      Thread.ofVirtual().name("latchkey-new-device-mail").start(() -> {
        try {
          mailer.send(mail);
        } catch (RuntimeException e) {
          LOG.warn("Could not send the new-device mail of session {}: {}", session.sessionId(), e.getMessage());
        }
      });
    } catch (RuntimeException e) {
      LOG.warn("Could not prepare the new-device mail of session {}: {}", session.sessionId(), e.getMessage());
    }
  }

  /** What "the same device" means here: the description and the network, e.g. {@code Chrome on macOS|203.0.113}. */
  static String device(SessionRecord s) {
    String agent = s.attributes() == null ? null : s.attributes().userAgent();
    String ip = s.attributes() == null ? null : s.attributes().ipAddress();
    return DeviceDescription.of(agent) + "|" + network(ip);
  }

  private static String network(String ip) {
    if (ip == null || ip.isEmpty()) {
      return "";
    }
    if (ip.contains(":")) {
      String[] groups = ip.split(":", -1);
      return groups.length >= 3 ? groups[0] + ":" + groups[1] + ":" + groups[2] : ip;
    }
    int last = ip.lastIndexOf('.');
    return last < 0 ? ip : ip.substring(0, last);
  }

  /** A landing page's view of a link: the session it would sign out, if the link is live. */
  public Optional<SessionRecord> peek(String token) {
    if (token == null || token.isEmpty() || token.length() > 100) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    return tokens.find(Secrets.sha256(token), EmailTokenRecord.REVOKE_SESSION).filter(t -> t.isLiveAt(now))
        .flatMap(t -> sessions.findById(t.sessionId())).filter(s -> s.isActiveAt(now));
  }

  /**
   * Uses the link: the token is consumed (once; a replay finds nothing) and its session revoked through the store,
   * with its {@code session.revoked} event. {@code session_not_found} when the link is unknown, used, expired, or its
   * session has ended already.
   */
  public SessionRecord revoke(String token) {
    if (token == null || token.isEmpty() || token.length() > 100) {
      throw ErrorCode.SESSION_NOT_FOUND.exception();
    }
    Instant now = clock.instant();
    EmailTokenRecord t = tokens.consume(Secrets.sha256(token), EmailTokenRecord.REVOKE_SESSION)
        .filter(r -> r.isLiveAt(now)).orElseThrow(ErrorCode.SESSION_NOT_FOUND::exception);
    SessionRecord s = sessions.findById(t.sessionId()).orElseThrow(ErrorCode.SESSION_NOT_FOUND::exception);
    if (!sessions.delete(s.sessionId())) {
      throw ErrorCode.SESSION_NOT_FOUND.exception();
    }
    return s;
  }
}
