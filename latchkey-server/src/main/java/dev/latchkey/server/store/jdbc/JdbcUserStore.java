package dev.latchkey.server.store.jdbc;

import dev.latchkey.server.store.PendingEmail;
import dev.latchkey.server.store.SessionEvent;
import dev.latchkey.server.store.UserRecord;
import dev.latchkey.server.store.UserSearch;
import dev.latchkey.server.store.UserStore;

import dev.latchkey.model.User;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

final class JdbcUserStore implements UserStore {
  private static final String USER_COLUMNS = "user_id, status, first_name, middle_name, last_name, trusted_metadata, "
      + "untrusted_metadata, external_id, created_at";
  /**
   * A user's emails, password and TOTPs in one statement (one read instead of three on every authenticate): each
   * row is {@code kind, id, value, flag, created_at}, ordered by kind, then as Stytch lists them (oldest first).
   */
  private static final String DETAILS = "SELECT 'e', email_id, email, CASE WHEN verified THEN 1 ELSE 0 END, created_at, "
      + "NULL, NULL, NULL FROM emails WHERE user_id = ? "
      + "UNION ALL SELECT 'p', password_id, hash, CASE WHEN requires_reset THEN 1 ELSE 0 END, created_at, NULL, NULL, "
      + "NULL FROM passwords WHERE user_id = ? "
      + "UNION ALL SELECT 't', totp_id, NULL, CASE WHEN verified THEN 1 ELSE 0 END, created_at, NULL, NULL, NULL "
      + "FROM totps WHERE user_id = ? "
      + "UNION ALL SELECT 'o', registration_id, details, 0, created_at, NULL, NULL, NULL "
      + "FROM oauth_registrations WHERE user_id = ? "
      + "UNION ALL SELECT 'w', webauthn_registration_id, name, CASE WHEN verified THEN 1 ELSE 0 END, created_at, "
      + "domain, user_agent, authenticator_type FROM webauthn_registrations WHERE user_id = ? ORDER BY 1, 5, 2";

  /** One row of {@link #DETAILS}; {@code a}, {@code b}, {@code c} only for WebAuthn registrations. */
  private record Detail(String kind, String id, String value, boolean flag, String a, String b, String c) {}

  private final Jdbc jdbc;
  private final JdbcSessionEvents events;

  JdbcUserStore(Jdbc jdbc, JdbcSessionEvents events) {
    this.jdbc = jdbc;
    this.events = events;
  }

  @Override
  public void create(UserRecord u) {
    jdbc.inTransaction(c -> {
      jdbc.update(c, "INSERT INTO users (" + USER_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", u.userId(),
          u.status(), u.name().firstName(), u.name().middleName(), u.name().lastName(),
          JsonColumns.write(u.trustedMetadata()), JsonColumns.write(u.untrustedMetadata()), u.externalId(),
          u.createdAt().toEpochMilli());
      for (UserRecord.StoredEmail e : u.emails()) {
        jdbc.update(c, "INSERT INTO emails (email_id, user_id, email, verified, created_at) VALUES (?, ?, ?, ?, ?)",
            e.emailId(), u.userId(), e.email(), e.verified(), u.createdAt().toEpochMilli());
      }
      if (u.password() != null) {
        insertPassword(c, u.userId(), u.password());
      }
      return null;
    });
  }

  @Override
  public Optional<UserRecord> find(String userId) {
    RowCache cache = jdbc.cache();
    if (cache != null) {
      return Optional.ofNullable(cache.user(userId, () -> jdbc.withConnection(c -> load(c, userId)).orElse(null)));
    }
    return jdbc.withConnection(c -> load(c, userId));
  }

  public Optional<UserRecord> findByExternalId(String externalId) {
    return jdbc.withConnection(c -> {
      List<String> ids = jdbc.query(c, "SELECT user_id FROM users WHERE external_id = ?", rs -> rs.getString(1),
          externalId);
      return ids.isEmpty() ? Optional.empty() : load(c, ids.get(0));
    });
  }

  @Override
  public Optional<UserRecord> findByEmail(String email) {
    return jdbc.withConnection(c -> {
      List<String> ids = jdbc.query(c, "SELECT user_id FROM emails WHERE email = ?", rs -> rs.getString(1), email);
      return ids.isEmpty() ? Optional.empty() : load(c, ids.get(0));
    });
  }

  @Override
  public boolean update(UserRecord u) {
    return jdbc.update("UPDATE users SET first_name = ?, middle_name = ?, last_name = ?, trusted_metadata = ?, "
            + "untrusted_metadata = ?, external_id = ? WHERE user_id = ?", u.name().firstName(),
        u.name().middleName(), u.name().lastName(), JsonColumns.write(u.trustedMetadata()),
        JsonColumns.write(u.untrustedMetadata()), u.externalId(), u.userId()) == 1;
  }

  @Override
  public void setPassword(String userId, UserRecord.StoredPassword password) {
    jdbc.inTransaction(c -> {
      jdbc.update(c, "DELETE FROM passwords WHERE user_id = ?", userId);
      insertPassword(c, userId, password);
      return null;
    });
  }

  public boolean replacePasswordHash(String userId, String passwordId, String expectedHash, String newHash) {
    return jdbc.update("UPDATE passwords SET hash = ? WHERE user_id = ? AND password_id = ? AND hash = ?", newHash,
        userId, passwordId, expectedHash) == 1;
  }

  @Override
  public Optional<String> addPendingEmail(String userId, String emailId, String email, Instant createdAt,
      Instant expiresAt) {
    return jdbc.inTransaction(c -> {
      // Takes the user's row first: a user deleted meanwhile is no user (whatever SQLite's foreign_keys say), and
      // two sends for one user and address do not race to insert it.
      if (jdbc.update(c, "UPDATE users SET user_id = user_id WHERE user_id = ?", userId) != 1) {
        return Optional.<String>empty();
      }
      List<String> ids = jdbc.query(c, "SELECT email_id FROM pending_emails WHERE user_id = ? AND email = ?",
          rs -> rs.getString(1), userId, email);
      if (!ids.isEmpty()) {
        jdbc.update(c, "UPDATE pending_emails SET expires_at = ? WHERE email_id = ? AND expires_at < ?",
            expiresAt.toEpochMilli(), ids.get(0), expiresAt.toEpochMilli());
        return Optional.of(ids.get(0));
      }
      jdbc.update(c, "INSERT INTO pending_emails (email_id, user_id, email, created_at, expires_at) "
          + "VALUES (?, ?, ?, ?, ?)", emailId, userId, email, createdAt.toEpochMilli(), expiresAt.toEpochMilli());
      return Optional.of(emailId);
    });
  }

  @Override
  public Optional<PendingEmail> findPendingEmail(String emailId) {
    return jdbc.withConnection(c -> jdbc.query(c, "SELECT email_id, user_id, email, expires_at FROM pending_emails "
        + "WHERE email_id = ?", rs -> new PendingEmail(rs.getString(1), rs.getString(2), rs.getString(3),
        Instant.ofEpochMilli(rs.getLong(4))), emailId).stream().findFirst());
  }

  @Override
  public boolean confirmPendingEmail(String userId, String emailId, Instant now) {
    return jdbc.inTransaction(c -> {
      List<String> address = jdbc.query(c, "SELECT email FROM pending_emails WHERE email_id = ? AND user_id = ?",
          rs -> rs.getString(1), emailId, userId);
      if (address.isEmpty()) {
        return false;
      }
      // The UNIQUE email of emails decides: taken by now (by anyone) is a DuplicateKeyException, rolled back.
      jdbc.update(c, "INSERT INTO emails (email_id, user_id, email, verified, created_at) VALUES (?, ?, ?, ?, ?)",
          emailId, userId, address.get(0), true, now.toEpochMilli());
      jdbc.update(c, "DELETE FROM pending_emails WHERE email_id = ?", emailId);
      jdbc.update(c, "UPDATE users SET status = 'active' WHERE user_id = ? AND status = 'pending'", userId);
      return true;
    });
  }

  @Override
  public int purgeExpiredPendingEmails(Instant now) {
    // Its expiry is taken a moment before the link's or code's own: kept while one of them is live.
    long at = now.toEpochMilli();
    return jdbc.update("DELETE FROM pending_emails WHERE expires_at <= ? AND NOT EXISTS (SELECT 1 FROM email_tokens t "
        + "WHERE t.email_id = pending_emails.email_id AND t.expires_at > ?) AND NOT EXISTS (SELECT 1 FROM otp_codes o "
        + "WHERE o.method_id = pending_emails.email_id AND o.expires_at > ?)", at, at, at);
  }

  @Override
  public boolean markEmailVerified(String userId, String emailId) {
    return jdbc.inTransaction(c -> {
      if (jdbc.update(c, "UPDATE emails SET verified = ? WHERE email_id = ? AND user_id = ?", true, emailId,
          userId) != 1) {
        return false;
      }
      jdbc.update(c, "UPDATE users SET status = 'active' WHERE user_id = ? AND status = 'pending'", userId);
      return true;
    });
  }

  @Override
  public boolean delete(String userId) {
    // Foreign keys cascade to emails, passwords, sessions and TOTPs; the explicit deletes keep that true even on a
    // connection where SQLite's foreign_keys pragma was not applied.
    boolean deleted = jdbc.inTransaction(c -> {
      jdbc.update(c, "DELETE FROM totp_recovery_codes WHERE totp_id IN (SELECT totp_id FROM totps WHERE user_id = ?)",
          userId);
      jdbc.update(c, "DELETE FROM totps WHERE user_id = ?", userId);
      jdbc.update(c, "DELETE FROM oauth_tokens WHERE user_id = ?", userId);
      jdbc.update(c, "DELETE FROM oauth_attach_tokens WHERE user_id = ?", userId);
      jdbc.update(c, "DELETE FROM oauth_registrations WHERE user_id = ?", userId);
      jdbc.update(c, "DELETE FROM webauthn_registrations WHERE user_id = ?", userId);
      jdbc.update(c, "DELETE FROM webauthn_ceremonies WHERE user_id = ?", userId);
      JdbcSessionStore.revoke(jdbc, events, c, jdbc.query(c, "SELECT session_id, user_id FROM sessions "
          + "WHERE user_id = ?", rs -> new String[] {rs.getString(1), rs.getString(2)}, userId));
      jdbc.update(c, "DELETE FROM email_tokens WHERE user_id = ?", userId);
      jdbc.update(c, "DELETE FROM otp_codes WHERE user_id = ?", userId);
      jdbc.update(c, "DELETE FROM pending_emails WHERE user_id = ?", userId);
      jdbc.update(c, "DELETE FROM passwords WHERE user_id = ?", userId);
      jdbc.update(c, "DELETE FROM emails WHERE user_id = ?", userId);
      if (jdbc.update(c, "DELETE FROM users WHERE user_id = ?", userId) != 1) {
        return false;
      }
      events.append(c, List.of(JdbcSessionStore.event(SessionEvent.USER_DELETED, "", userId, Map.of())));
      return true;
    });
    if (deleted) {
      events.appended();
    }
    return deleted;
  }

  private void insertPassword(Connection c, String userId, UserRecord.StoredPassword p) throws SQLException {
    jdbc.update(c, "INSERT INTO passwords (user_id, password_id, hash, requires_reset, created_at) "
        + "VALUES (?, ?, ?, ?, ?)", userId, p.passwordId(), p.hash(), p.requiresReset(), Instant.now().toEpochMilli());
  }

  private Optional<UserRecord> load(Connection c, String userId) throws SQLException {
    List<UserRecord> users = jdbc.query(c, "SELECT " + USER_COLUMNS + " FROM users WHERE user_id = ?",
        rs -> row(c, rs), userId);
    return users.isEmpty() ? Optional.empty() : Optional.of(users.get(0));
  }

  /** Maps a row of {@link #USER_COLUMNS} (by position, see JdbcSessionStore.row) and reads the user's details. */
  private UserRecord row(Connection c, ResultSet rs) throws SQLException {
    String userId = rs.getString(1);
    List<Detail> details = jdbc.query(c, DETAILS,
        d -> new Detail(d.getString(1), d.getString(2), d.getString(3), d.getInt(4) != 0, d.getString(6),
            d.getString(7), d.getString(8)), userId, userId, userId, userId, userId);
    return row(rs, details);
  }

  /** Maps a row of {@link #USER_COLUMNS} with the user's already-read details. */
  private static UserRecord row(ResultSet rs, List<Detail> details) throws SQLException {
    String userId = rs.getString(1);
    List<UserRecord.StoredEmail> emails = new ArrayList<>(1);
    List<UserRecord.StoredPassword> passwords = new ArrayList<>(1);
    List<User.Totp> totps = new ArrayList<>(0);
    List<UserRecord.StoredProvider> providers = new ArrayList<>(0);
    List<User.WebAuthnRegistration> webauthn = new ArrayList<>(0);
    for (Detail d : details) {
      switch (d.kind()) {
        case "e" -> emails.add(new UserRecord.StoredEmail(d.id(), d.value(), d.flag()));
        case "p" -> passwords.add(new UserRecord.StoredPassword(d.id(), d.value(), d.flag()));
        case "o" -> providers.add(provider(d.id(), JsonColumns.readMap(d.value())));
        case "w" -> webauthn.add(new User.WebAuthnRegistration(d.id(), d.a(), d.b(), d.flag(), d.c(), d.value()));
        default -> totps.add(new User.Totp(d.id(), d.flag()));
      }
    }
    return new UserRecord(userId, rs.getString(2), new User.Name(rs.getString(3), rs.getString(4), rs.getString(5)),
        JsonColumns.readMap(rs.getString(6)), JsonColumns.readMap(rs.getString(7)), rs.getString(8),
        Instant.ofEpochMilli(rs.getLong(9)), emails,
        passwords.isEmpty() ? null : passwords.get(0), totps, providers, webauthn);
  }

  private static UserRecord.StoredProvider provider(String registrationId, java.util.Map<String, Object> details) {
    return new UserRecord.StoredProvider(registrationId, text(details, "provider_type"),
        text(details, "provider_subject"), text(details, "profile_picture_url"), text(details, "locale"));
  }

  private static String text(java.util.Map<String, Object> details, String key) {
    Object v = details.get(key);
    return v == null ? "" : v.toString();
  }

  // --- deleting one factor (DELETE /v1/users/emails/{id}, /passwords/{id}) ---

  @Override
  public Optional<String> deleteEmail(String emailId) {
    return jdbc.inTransaction(c -> {
      List<String> owner = jdbc.query(c, "SELECT user_id FROM emails WHERE email_id = ?", rs -> rs.getString(1),
          emailId);
      if (owner.isEmpty()) {
        return Optional.empty();
      }
      jdbc.update(c, "DELETE FROM email_tokens WHERE email_id = ?", emailId);
      jdbc.update(c, "DELETE FROM otp_codes WHERE method_id = ?", emailId);
      jdbc.update(c, "DELETE FROM emails WHERE email_id = ?", emailId);
      return Optional.of(owner.get(0));
    });
  }

  @Override
  public Optional<String> deletePassword(String passwordId) {
    return jdbc.inTransaction(c -> {
      List<String> owner = jdbc.query(c, "SELECT user_id FROM passwords WHERE password_id = ?",
          rs -> rs.getString(1), passwordId);
      if (owner.isEmpty()) {
        return Optional.empty();
      }
      jdbc.update(c, "DELETE FROM passwords WHERE password_id = ?", passwordId);
      return Optional.of(owner.get(0));
    });
  }

  // --- search (POST /v1/users/search) ---

  @Override
  public UserSearch.Page search(UserSearch search) {
    List<Object> args = new ArrayList<>();
    String where = searchCondition(search, args);
    List<Object> pageArgs = new ArrayList<>(args);
    StringBuilder page = new StringBuilder("SELECT u.user_id FROM users u");
    String keyset = "";
    if (search.after() != null) {
      // Written out rather than as a row value so both databases use the (created_at, user_id) index for it.
      keyset = "(u.created_at > ? OR (u.created_at = ? AND u.user_id > ?))";
      long at = search.after().createdAt().toEpochMilli();
      pageArgs.add(at);
      pageArgs.add(at);
      pageArgs.add(search.after().userId());
    }
    String pageWhere = where.isEmpty() ? keyset : keyset.isEmpty() ? where : "(" + where + ") AND " + keyset;
    if (!pageWhere.isEmpty()) {
      page.append(" WHERE ").append(pageWhere);
    }
    // One more row than asked for tells whether a next page exists.
    page.append(" ORDER BY u.created_at, u.user_id LIMIT ?");
    pageArgs.add(search.limit() + 1);
    String count = "SELECT COUNT(*) FROM users u" + (where.isEmpty() ? "" : " WHERE " + where);
    return jdbc.withConnection(c -> {
      List<UserRecord> users = loadPage(c, page.toString(), pageArgs.toArray());
      long total = jdbc.queryOnce(c, count, rs -> rs.getLong(1), args.toArray()).get(0);
      UserSearch.Position next = null;
      if (users.size() > search.limit()) {
        users = users.subList(0, search.limit());
        UserRecord last = users.get(users.size() - 1);
        next = new UserSearch.Position(last.createdAt(), last.userId());
      }
      return new UserSearch.Page(users, total, next);
    });
  }

  /** The same rows as {@link #DETAILS}, for many users at once, with the user id first. */
  private static final String DETAILS_OF_MANY = "SELECT user_id, 'e', email_id, email, "
      + "CASE WHEN verified THEN 1 ELSE 0 END, created_at, NULL, NULL, NULL FROM emails WHERE user_id IN (%1$s) "
      + "UNION ALL SELECT user_id, 'p', password_id, hash, CASE WHEN requires_reset THEN 1 ELSE 0 END, created_at, "
      + "NULL, NULL, NULL FROM passwords WHERE user_id IN (%1$s) "
      + "UNION ALL SELECT user_id, 't', totp_id, NULL, CASE WHEN verified THEN 1 ELSE 0 END, created_at, NULL, NULL, "
      + "NULL FROM totps WHERE user_id IN (%1$s) "
      + "UNION ALL SELECT user_id, 'o', registration_id, details, 0, created_at, NULL, NULL, NULL "
      + "FROM oauth_registrations WHERE user_id IN (%1$s) "
      + "UNION ALL SELECT user_id, 'w', webauthn_registration_id, name, CASE WHEN verified THEN 1 ELSE 0 END, "
      + "created_at, domain, user_agent, authenticator_type FROM webauthn_registrations WHERE user_id IN (%1$s) "
      + "ORDER BY 1, 2, 6, 3";

  /**
   * Runs the page query (user ids, in order), then reads those users and all their details with one statement each
   * per 500 users instead of one per user: a page of 1000 users is five statements, not a thousand and one.
   */
  private List<UserRecord> loadPage(Connection c, String sql, Object[] args) throws SQLException {
    List<String> ids = jdbc.queryOnce(c, sql, rs -> rs.getString(1), args);
    Map<String, UserRecord> byId = new HashMap<>();
    for (int from = 0; from < ids.size(); from += 500) {
      List<String> chunk = ids.subList(from, Math.min(ids.size(), from + 500));
      String marks = marks(chunk.size());
      List<Object> five = new ArrayList<>(chunk.size() * 5);
      for (int k = 0; k < 5; k++) {
        five.addAll(chunk);
      }
      Map<String, List<Detail>> details = new HashMap<>();
      jdbc.queryOnce(c, String.format(DETAILS_OF_MANY, marks), d -> {
        details.computeIfAbsent(d.getString(1), k -> new ArrayList<>())
            .add(new Detail(d.getString(2), d.getString(3), d.getString(4), d.getInt(5) != 0, d.getString(7),
                d.getString(8), d.getString(9)));
        return null;
      }, five.toArray());
      jdbc.queryOnce(c, "SELECT " + USER_COLUMNS + " FROM users WHERE user_id IN (" + marks + ")", rs -> {
        UserRecord u = row(rs, details.getOrDefault(rs.getString(1), List.of()));
        byId.put(u.userId(), u);
        return null;
      }, chunk.toArray());
    }
    // A user deleted between the statements is left out rather than shown half-read.
    return ids.stream().map(byId::get).filter(java.util.Objects::nonNull).toList();
  }

  /** The WHERE text of the filters (empty when none), appending their arguments to {@code args}. */
  private static String searchCondition(UserSearch search, List<Object> args) {
    List<String> parts = new ArrayList<>();
    for (UserSearch.Filter f : search.filters()) {
      parts.add("(" + condition(f, args) + ")");
    }
    return String.join(search.matchAll() ? " AND " : " OR ", parts);
  }

  /**
   * One filter as SQL. Selective filters (addresses, ids) are written as {@code user_id IN (subquery)} so the
   * planner can start from the matching rows of an index; yes/no filters as correlated EXISTS.
   */
  private static String condition(UserSearch.Filter f, List<Object> args) {
    return switch (f) {
      case UserSearch.EmailAddresses e -> {
        args.addAll(e.emails());
        yield "u.user_id IN (SELECT user_id FROM emails WHERE email IN (" + marks(e.emails().size()) + "))";
      }
      case UserSearch.EmailIds e -> {
        args.addAll(e.emailIds());
        yield "u.user_id IN (SELECT user_id FROM emails WHERE email_id IN (" + marks(e.emailIds().size()) + "))";
      }
      case UserSearch.EmailAddressFuzzy e -> {
        args.add(containsPattern(e.text()));
        yield "u.user_id IN (SELECT user_id FROM emails WHERE email LIKE ? ESCAPE '\\')";
      }
      case UserSearch.EmailVerified e -> {
        args.add(true);
        yield (e.verified() ? "" : "NOT ")
            + "EXISTS (SELECT 1 FROM emails e WHERE e.user_id = u.user_id AND e.verified = ?)";
      }
      case UserSearch.UserIds e -> {
        args.addAll(e.userIds());
        yield "u.user_id IN (" + marks(e.userIds().size()) + ")";
      }
      case UserSearch.Status e -> {
        args.add(e.status());
        yield "u.status = ?";
      }
      case UserSearch.CreatedAt e -> {
        List<String> bounds = new ArrayList<>(2);
        if (e.after() != null) {
          bounds.add("u.created_at > ?");
          args.add(e.after().toEpochMilli());
        }
        if (e.before() != null) {
          bounds.add("u.created_at < ?");
          args.add(e.before().toEpochMilli());
        }
        yield String.join(" AND ", bounds);
      }
      case UserSearch.FullNameFuzzy e -> {
        String pattern = containsPattern(e.text());
        for (int i = 0; i < 4; i++) {
          args.add(pattern);
        }
        yield "LOWER(u.first_name) LIKE ? ESCAPE '\\' OR LOWER(u.middle_name) LIKE ? ESCAPE '\\' "
            + "OR LOWER(u.last_name) LIKE ? ESCAPE '\\' "
            + "OR LOWER(u.first_name || ' ' || u.last_name) LIKE ? ESCAPE '\\'";
      }
      case UserSearch.PasswordExists e ->
          (e.exists() ? "" : "NOT ") + "EXISTS (SELECT 1 FROM passwords p WHERE p.user_id = u.user_id)";
      case UserSearch.TotpIds e -> {
        args.addAll(e.totpIds());
        yield "u.user_id IN (SELECT user_id FROM totps WHERE totp_id IN (" + marks(e.totpIds().size()) + "))";
      }
      case UserSearch.TotpVerified e -> {
        args.add(true);
        yield (e.verified() ? "" : "NOT ")
            + "EXISTS (SELECT 1 FROM totps t WHERE t.user_id = u.user_id AND t.verified = ?)";
      }
      case UserSearch.OAuthProviders e -> {
        args.addAll(e.providers());
        yield "u.user_id IN (SELECT user_id FROM oauth_registrations WHERE provider IN ("
            + marks(e.providers().size()) + "))";
      }
    };
  }

  private static String marks(int n) {
    return String.join(", ", java.util.Collections.nCopies(n, "?"));
  }

  /** A LIKE pattern matching values that contain {@code text}, with LIKE's own characters escaped. */
  private static String containsPattern(String text) {
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
  }
}
