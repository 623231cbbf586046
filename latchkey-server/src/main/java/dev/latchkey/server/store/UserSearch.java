package dev.latchkey.server.store;

import java.time.Instant;
import java.util.List;

/**
 * A parsed {@code POST /v1/users/search}: filters joined by AND or OR, a page size, and the position after which
 * the page starts. Results are ordered by {@code (created_at, user_id)}, so a page boundary is a key that users
 * created later never move (keyset pagination).
 */
public record UserSearch(boolean matchAll, List<Filter> filters, int limit, Position after) {
  public UserSearch {
    filters = List.copyOf(filters);
  }

  /** The last user of a page: the next page starts strictly after it. */
  public record Position(Instant createdAt, String userId) {}

  /** One page: the users, how many match the whole query, and whether there are more after this page. */
  public record Page(List<UserRecord> results, long total, Position next) {
    public Page {
      results = List.copyOf(results);
    }
  }

  /** The filters Latchkey has data for (Stytch's {@code filter_name}s). */
  public sealed interface Filter {}

  /** {@code email_address}: one of these (lower-cased) addresses. */
  public record EmailAddresses(List<String> emails) implements Filter {}

  /** {@code email_address_fuzzy}: an address containing this (lower-cased) text. */
  public record EmailAddressFuzzy(String text) implements Filter {}

  /** {@code email_id}. */
  public record EmailIds(List<String> emailIds) implements Filter {}

  /** {@code email_verified}: true, the user has a verified email; false, none of their emails is verified. */
  public record EmailVerified(boolean verified) implements Filter {}

  /** {@code user_id}. */
  public record UserIds(List<String> userIds) implements Filter {}

  /** {@code status}: {@code active} or {@code pending}. */
  public record Status(String status) implements Filter {}

  /** {@code created_at_greater_than}, {@code created_at_less_than}, {@code created_at_between}: exclusive bounds. */
  public record CreatedAt(Instant after, Instant before) implements Filter {}

  /** {@code full_name_fuzzy}: first, middle or last name, or "first last", containing this (lower-cased) text. */
  public record FullNameFuzzy(String text) implements Filter {}

  /** {@code password_exists}. */
  public record PasswordExists(boolean exists) implements Filter {}

  /** {@code totp_id}. */
  public record TotpIds(List<String> totpIds) implements Filter {}

  /** {@code totp_verified}: true, the user has a verified TOTP; false, they have none. */
  public record TotpVerified(boolean verified) implements Filter {}

  /**
   * {@code oauth_provider}: the user has a provider account linked with one of these providers, by Latchkey's
   * (lower-case) provider names: {@code google}, {@code microsoft}, {@code apple}, {@code github}, {@code oidc}.
   */
  public record OAuthProviders(List<String> providers) implements Filter {
    public OAuthProviders {
      providers = List.copyOf(providers);
    }
  }
}
