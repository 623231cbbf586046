package dev.latchkey.server.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The database URLs an operator may write, turned into JDBC URLs, and shown with their password redacted.
 *
 * <pre>{@code
 * DatabaseUrl.toJdbc("postgresql://latchkey:pw@db:5432/latchkey");
 * // jdbc:postgresql://db:5432/latchkey?user=latchkey&password=pw
 * DatabaseUrl.toJdbc("/var/lib/latchkey/latchkey.db");   // jdbc:sqlite:/var/lib/latchkey/latchkey.db
 * }</pre>
 */
public final class DatabaseUrl {
  /** What every message about a bad URL says is accepted. */
  public static final String ACCEPTED = "sqlite:<path>, jdbc:sqlite:<path>, postgresql://user:password@host:port/db "
      + "or jdbc:postgresql://host:port/db?user=...&password=...";
  /** {@code scheme://user:password@host/db?query}; the password and the query are optional. */
  private static final Pattern POSTGRES = Pattern.compile(
      "postgres(?:ql)?://(?:([^:@/?]*)(?::([^@/?]*))?@)?([^/?]+)(/[^?]*)?(?:\\?(.*))?");
  private static final Pattern USER_INFO_PASSWORD = Pattern.compile("^([^/]*//[^/:@]*:)[^/@]*@");
  /** A {@code password=} parameter, also inside a longer message (so it stops at a space or a parenthesis). */
  private static final Pattern PASSWORD_PARAMETER = Pattern.compile("([?&]password=)[^&\\s)]*");

  private DatabaseUrl() {}

  /**
   * The JDBC URL for {@code value}: {@code sqlite:} and {@code jdbc:sqlite:} URLs, a bare file path (only when
   * {@code allowPath}, as the migrate command does), and {@code postgresql://} / {@code postgres://} /
   * {@code jdbc:postgresql:} URLs. Throws {@link IllegalArgumentException} with a redacted message otherwise.
   */
  public static String toJdbc(String value, boolean allowPath) {
    if (value.startsWith("jdbc:sqlite:") && value.length() > "jdbc:sqlite:".length()) {
      return value;
    }
    if (value.startsWith("sqlite:") && value.length() > "sqlite:".length()) {
      return "jdbc:" + value;
    }
    if (value.startsWith("jdbc:postgresql://") && value.length() > "jdbc:postgresql://".length()) {
      return value;
    }
    Matcher m = POSTGRES.matcher(value);
    if (m.matches()) {
      // The driver takes the credentials as parameters; both stay percent-encoded, as the driver decodes them.
      StringBuilder url = new StringBuilder("jdbc:postgresql://").append(m.group(3))
          .append(m.group(4) == null ? "/" : m.group(4));
      String query = m.group(5) == null ? "" : m.group(5);
      if (m.group(1) != null && !m.group(1).isEmpty()) {
        query = join(query, "user=" + m.group(1));
      }
      if (m.group(2) != null) {
        query = join(query, "password=" + m.group(2));
      }
      return query.isEmpty() ? url.toString() : url.append('?').append(query).toString();
    }
    if (allowPath && !value.isBlank() && !value.contains("://") && !value.startsWith("jdbc:")) {
      return "jdbc:sqlite:" + value;
    }
    throw new IllegalArgumentException(redact(value) + " is not a database URL: use " + ACCEPTED);
  }

  /** True for a JDBC URL of PostgreSQL. */
  public static boolean isPostgres(String jdbcUrl) {
    return jdbcUrl.startsWith("jdbc:postgresql:");
  }

  /** {@code url} with any password replaced by {@code <redacted>}, for messages and logs. */
  public static String redact(String url) {
    String shown = USER_INFO_PASSWORD.matcher(url).replaceFirst("$1<redacted>@");
    return PASSWORD_PARAMETER.matcher(shown).replaceAll("$1<redacted>");
  }

  private static String join(String query, String parameter) {
    return query.isEmpty() ? parameter : query + "&" + parameter;
  }
}
