package dev.latchkey.server.factor;

import dev.latchkey.model.Attributes;
import dev.latchkey.server.error.ErrorCode;
import dev.latchkey.server.crypto.Secrets;
import dev.latchkey.server.mail.Mailer;
import dev.latchkey.server.mail.OutgoingMail;
import dev.latchkey.server.store.EmailTokenStore;
import dev.latchkey.server.store.EmailTokenRecord;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Single-use tokens mailed as links (magic links, password resets): the allow-list of link targets, the link's
 * form ({@code <url>?stytch_token_type=<type>&token=<token>}, {@code &} when the URL has a query already), and
 * the rule that a token whose mail was not accepted is deleted before the error reaches the caller.
 */
public final class EmailLinks {
  /** 33 random bytes: 264 bits, a 44-character token like Stytch's. */
  static final int TOKEN_BYTES = 33;
  /** base64url without padding of 32 bytes. */

  private final List<String> redirectUrls;
  private final EmailTokenStore tokens;
  private final Mailer mailer;
  private final Clock clock;

  public EmailLinks(List<String> redirectUrls, EmailTokenStore tokens, Mailer mailer, Clock clock) {
    this.redirectUrls = List.copyOf(redirectUrls);
    this.tokens = tokens;
    this.mailer = mailer;
    this.clock = clock;
  }

  /**
   * The URL a link will point to: {@code requested} when it is exactly one of {@code LATCHKEY_REDIRECT_URLS},
   * the first of them when nothing is requested; 400 otherwise, naming {@code field}.
   */
  public String redirectUrl(String requested, String field) {
    if (requested == null || requested.isEmpty()) {
      if (redirectUrls.isEmpty()) {
        throw ErrorCode.NO_REDIRECT_URLS_SET.exception("No " + field + " was given and the server has no default: "
            + "set LATCHKEY_REDIRECT_URLS on the server.");
      }
      return redirectUrls.get(0);
    }
    if (!redirectUrls.contains(requested)) {
      throw ErrorCode.NO_MATCH_FOR_PROVIDED_MAGIC_LINK_URL.exception(field + " is not one of the server's "
          + "LATCHKEY_REDIRECT_URLS (the match is exact: scheme, host, port, path and query).");
    }
    return requested;
  }

  /** Checks an expiration in minutes against its range; null gives the default. */
  public static int minutes(Integer value, int fallback, int min, int max, String field) {
    if (value == null) {
      return fallback;
    }
    if (value < min || value > max) {
      throw ErrorCode.INVALID_EXPIRATION_MINUTES.exception(field + " must be between " + min + " and " + max
          + "; got " + value + ".");
    }
    return value;
  }

  /**
   * Stores a new token of {@code kind} for the user's email, mails the link {@code compose} makes of it, and
   * returns once the mail is accepted. If it is not, the token is deleted first, so no usable token is left.
   */
  public void issue(String kind, String tokenType, String url, String userId, String emailId, String codeChallenge,
      int minutes, Function<String, OutgoingMail> compose) {
    issue(kind, tokenType, url, userId, emailId, codeChallenge, minutes, null, compose);
  }

  /**
   * As {@link #issue(String, String, String, String, String, String, int, Function)}, recording the device that
   * asked for the mail ({@code requestedBy}, null for none) for the {@code options} checks of {@link DeviceMatch}.
   */
  public void issue(String kind, String tokenType, String url, String userId, String emailId, String codeChallenge,
      int minutes, Attributes requestedBy, Function<String, OutgoingMail> compose) {
    String token = Secrets.randomToken(TOKEN_BYTES);
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    EmailTokenRecord stored = new EmailTokenRecord(Secrets.sha256(token), kind, userId, emailId, codeChallenge, now,
        now.plus(Duration.ofMinutes(minutes)), requestedBy);
    tokens.create(stored);
    String link = url + (url.contains("?") ? "&" : "?") + "stytch_token_type=" + tokenType + "&token="
        + URLEncoder.encode(token, StandardCharsets.UTF_8);
    try {
      mailer.send(compose.apply(link));
    } catch (RuntimeException e) {
      tokens.delete(stored.tokenHash());
      throw e;
    }
  }

  /** A PKCE challenge as sent; see {@link Pkce#challenge}. */
  public static String codeChallenge(String challenge) {
    return Pkce.challenge(challenge);
  }

  /** PKCE on a mailed token: see {@link Pkce#check}. */
  public static void checkPkce(EmailTokenRecord token, String verifier) {
    Pkce.check(token.codeChallenge(), verifier);
  }
}
