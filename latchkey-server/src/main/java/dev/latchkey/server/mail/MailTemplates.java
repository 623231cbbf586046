package dev.latchkey.server.mail;

import dev.latchkey.server.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The mail templates: for each kind of mail, {@code <name>.txt} (first line {@code Subject: ...}, a blank line,
 * then the plain-text body) and {@code <name>.html}. A file of the same name in the templates directory
 * ({@code LATCHKEY_MAIL_TEMPLATES_DIR}) replaces the built-in one. {@code {{name}}} is replaced by a value, which is
 * HTML-escaped in HTML bodies; an unknown name is left as it is.
 *
 * <pre>{@code
 * OutgoingMail m = new MailTemplates(null).render("email_otp", "ada@example.com",
 *     Map.of("code", "123456", "expiration_minutes", "2"), null, "123456");
 * }</pre>
 */
public final class MailTemplates {
  public static final String MAGIC_LINK_LOGIN = "magic_link_login";
  public static final String MAGIC_LINK_SIGNUP = "magic_link_signup";
  public static final String EMAIL_OTP = "email_otp";
  public static final String PASSWORD_RESET = "password_reset";
  public static final String NEW_DEVICE = "new_device";

  private static final Pattern VARIABLE = Pattern.compile("\\{\\{([a-z_]+)}}");
  private final Path dir;

  /** {@code dir} may be null: the built-in templates only. Every template is read once here, so a bad one fails start-up. */
  public MailTemplates(Path dir) {
    this.dir = dir;
    for (String name : new String[] {MAGIC_LINK_LOGIN, MAGIC_LINK_SIGNUP, EMAIL_OTP, PASSWORD_RESET, NEW_DEVICE}) {
      subjectAndBody(read(name + ".txt"), name);
      read(name + ".html");
    }
  }

  /** The mail {@code name} to {@code to}, with {@code values} filled in; {@code link}/{@code code} as carried. */
  public OutgoingMail render(String name, String to, Map<String, String> values, String link, String code) {
    String[] subjectAndBody = subjectAndBody(read(name + ".txt"), name);
    return new OutgoingMail(to, fill(subjectAndBody[0], values, false), fill(subjectAndBody[1], values, false),
        fill(read(name + ".html"), values, true), link, code);
  }

  private String read(String file) {
    try {
      if (dir != null && Files.isRegularFile(dir.resolve(file))) {
        return Files.readString(dir.resolve(file), StandardCharsets.UTF_8);
      }
      try (InputStream in = MailTemplates.class.getResourceAsStream("/mail/" + file)) {
        if (in == null) {
          throw new IllegalStateException("the built-in mail template " + file + " is missing from the jar");
        }
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new ConfigException("Cannot read the mail template " + file + " (LATCHKEY_MAIL_TEMPLATES_DIR=" + dir
          + "): " + e.getMessage());
    }
  }

  private String[] subjectAndBody(String text, String name) {
    String normalized = text.replace("\r\n", "\n");
    int end = normalized.indexOf('\n');
    String first = end < 0 ? normalized : normalized.substring(0, end);
    if (!first.startsWith("Subject: ")) {
      throw new ConfigException("The mail template " + name + ".txt" + (dir == null ? "" : " in " + dir
          + " (LATCHKEY_MAIL_TEMPLATES_DIR)") + " must start with a line 'Subject: ...' followed by a blank line and "
          + "the body");
    }
    return new String[] {first.substring("Subject: ".length()).strip(),
        end < 0 ? "" : normalized.substring(end + 1).stripLeading()};
  }

  private static String fill(String template, Map<String, String> values, boolean html) {
    Matcher m = VARIABLE.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = values.get(m.group(1));
      String replacement = value == null ? m.group() : html ? escape(value) : value;
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    return m.appendTail(out).toString();
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
        .replace("'", "&#39;");
  }
}
