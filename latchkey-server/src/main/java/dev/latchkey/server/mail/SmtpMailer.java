package dev.latchkey.server.mail;

import dev.latchkey.server.error.ErrorCode;
import dev.latchkey.server.config.MailSettings;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers mail to an SMTP server with Angus Mail: one connection per mail, bounded timeouts, TLS as configured
 * ({@code starttls} is required, never opportunistic, so a downgrade cannot pass the password in clear).
 */
public final class SmtpMailer implements Mailer {
  private static final Logger LOG = LoggerFactory.getLogger(SmtpMailer.class);
  /**
   * Connect, read and write timeouts. The caller waits for the mail before it gets its reply, so a stuck SMTP server
   * must fail the request in seconds rather than hold it; ten seconds is generous for a healthy relay.
   */
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final MailSettings settings;
  private final Session session;
  private final InternetAddress from;

  public SmtpMailer(MailSettings settings) {
    this.settings = settings;
    this.session = Session.getInstance(properties(settings));
    try {
      this.from = new InternetAddress(settings.from(), true);
    } catch (MessagingException e) {
      throw new IllegalArgumentException("LATCHKEY_MAIL_FROM is not a mail address", e);
    }
  }

  static Properties properties(MailSettings s) {
    String protocol = s.tls() == MailSettings.Tls.TLS ? "smtps" : "smtp";
    String p = "mail." + protocol + ".";
    Properties props = new Properties();
    props.put("mail.transport.protocol", protocol);
    props.put(p + "host", s.smtpHost());
    props.put(p + "port", Integer.toString(s.smtpPort()));
    props.put(p + "connectiontimeout", Long.toString(TIMEOUT.toMillis()));
    props.put(p + "timeout", Long.toString(TIMEOUT.toMillis()));
    props.put(p + "writetimeout", Long.toString(TIMEOUT.toMillis()));
    props.put(p + "auth", Boolean.toString(s.smtpUsername() != null));
    if (s.tls() == MailSettings.Tls.STARTTLS) {
      props.put(p + "starttls.enable", "true");
      props.put(p + "starttls.required", "true");
    }
    if (s.tls() != MailSettings.Tls.NONE) {
      props.put(p + "ssl.checkserveridentity", "true");
    }
    return props;
  }

  @Override
  public void send(OutgoingMail mail) {
    try {
      MimeMessage message = new MimeMessage(session);
      message.setFrom(from);
      message.setRecipient(Message.RecipientType.TO, new InternetAddress(mail.to(), true));
      message.setSubject(mail.subject(), StandardCharsets.UTF_8.name());
      MimeBodyPart text = new MimeBodyPart();
      text.setText(mail.text(), StandardCharsets.UTF_8.name());
      MimeBodyPart html = new MimeBodyPart();
      html.setText(mail.html(), StandardCharsets.UTF_8.name(), "html");
      message.setContent(new MimeMultipart("alternative", text, html));
      message.saveChanges();
      try (Transport transport = session.getTransport()) {
        transport.connect(settings.smtpHost(), settings.smtpPort(), settings.smtpUsername(),
            settings.smtpPassword());
        transport.sendMessage(message, message.getAllRecipients());
      }
    } catch (MessagingException e) {
      // The exception names the server and its answer, never the message body (which holds the secret).
      LOG.warn("Mail to {} could not be delivered through {}:{}: {}", mail.to(), settings.smtpHost(),
          settings.smtpPort(), e.getMessage());
      throw ErrorCode.EMAIL_DELIVERY_FAILED.exception();
    }
  }
}
