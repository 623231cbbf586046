package dev.latchkey.server.testing;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real SMTP server in the test process (GreenMail on a free loopback port) and what it received. Latchkey hands a
 * mail to SMTP before it replies, so a mail is here by the time the request returns.
 *
 * <pre>{@code
 * try (TestSmtp smtp = TestSmtp.start(); TestServer server = TestServer.start(smtp.env(), Clock.systemUTC())) {
 *   ...
 *   String token = smtp.linkToken("ada@example.com");
 * }
 * }</pre>
 */
public final class TestSmtp implements AutoCloseable {
  private static final Pattern TOKEN = Pattern.compile("[?&]stytch_token_type=([a-z_]+)&token=([A-Za-z0-9_-]+)");
  private static final Pattern CODE = Pattern.compile("Your code is ([0-9]{6})");
  /** Only a bound on waiting for a mail that should already be there; never a sleep. */
  private static final long WAIT_MILLIS = 5_000;

  private final GreenMail greenMail;

  private TestSmtp(GreenMail greenMail) {
    this.greenMail = greenMail;
  }

  public static TestSmtp start() {
    GreenMail g = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
    g.start();
    return new TestSmtp(g);
  }

  /** The settings that point Latchkey at this server (plain SMTP: GreenMail has no trusted certificate). */
  public Map<String, String> env() {
    return Map.of("LATCHKEY_SMTP_HOST", "127.0.0.1", "LATCHKEY_SMTP_PORT",
        Integer.toString(greenMail.getSmtp().getPort()), "LATCHKEY_SMTP_TLS", "none", "LATCHKEY_MAIL_FROM",
        "Latchkey Test <no-reply@latchkey.test>");
  }

  /** A received mail: recipients, subject, and the plain-text and HTML bodies. */
  public record Mail(List<String> to, String subject, String text, String html) {}

  /** Every mail received so far, oldest first. */
  public List<Mail> all() {
    return Arrays.stream(greenMail.getReceivedMessages()).map(TestSmtp::read).toList();
  }

  /** The newest mail to {@code to}; fails when none arrives. */
  public Mail latestTo(String to) {
    int seen = greenMail.getReceivedMessages().length;
    List<Mail> mails = all().stream().filter(m -> m.to().contains(to)).toList();
    if (mails.isEmpty() && greenMail.waitForIncomingEmail(WAIT_MILLIS, seen + 1)) {
      mails = all().stream().filter(m -> m.to().contains(to)).toList();
    }
    if (mails.isEmpty()) {
      throw new AssertionError("no mail to " + to + " was received; received: " + all());
    }
    return mails.get(mails.size() - 1);
  }

  /** The token of the link in the newest mail to {@code to}. */
  public String linkToken(String to) {
    return link(to)[1];
  }

  /** {@code [stytch_token_type, token]} of the link in the newest mail to {@code to}. */
  public String[] link(String to) {
    Mail m = latestTo(to);
    Matcher matcher = TOKEN.matcher(m.text());
    if (!matcher.find()) {
      throw new AssertionError("no link in the mail to " + to + ": " + m.text());
    }
    return new String[] {matcher.group(1), matcher.group(2)};
  }

  /** The six-digit code in the newest mail to {@code to}. */
  public String code(String to) {
    Mail m = latestTo(to);
    Matcher matcher = CODE.matcher(m.text());
    if (!matcher.find()) {
      throw new AssertionError("no code in the mail to " + to + ": " + m.text());
    }
    return matcher.group(1);
  }

  public int count() {
    return greenMail.getReceivedMessages().length;
  }

  public void stop() {
    greenMail.stop();
  }

  @Override
  public void close() {
    greenMail.stop();
  }

  private static Mail read(MimeMessage m) {
    try {
      List<String> to = Arrays.stream(m.getRecipients(Message.RecipientType.TO)).map(Object::toString).toList();
      String text = null;
      String html = null;
      if (m.getContent() instanceof MimeMultipart multipart) {
        for (int i = 0; i < multipart.getCount(); i++) {
          BodyPart part = multipart.getBodyPart(i);
          if (part.isMimeType("text/plain")) {
            text = (String) part.getContent();
          } else if (part.isMimeType("text/html")) {
            html = (String) part.getContent();
          }
        }
      } else {
        text = String.valueOf(m.getContent());
      }
      return new Mail(to, m.getSubject(), text, html);
    } catch (MessagingException | IOException e) {
      throw new AssertionError("an unreadable mail: " + e.getMessage(), e);
    }
  }
}
