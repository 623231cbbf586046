package dev.latchkey.server.store.jdbc;

import dev.latchkey.server.store.StoreException;
import dev.latchkey.server.store.UserRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The bulk write path of {@code latchkey import}: users with migrated password hashes written a batch at a time,
 * each batch in one transaction with the input file's checkpoint (the last line it covers), so a rerun after a
 * crash resumes right after the last committed batch and nothing is written twice. Inserts are JDBC batches.
 *
 * <p>Per row: a new email is a new user ({@link Result#IMPORTED}); an existing user whose stored hash is the same
 * migrated hash, or whose password is already Latchkey's own (set in Latchkey, or upgraded from a migrated hash at a
 * sign-in), is left as it is ({@link Result#UNCHANGED}: a rerun never puts a legacy hash back); an existing user
 * with another migrated hash or none gets the new one ({@link Result#UPDATED}); an external id another user has is
 * {@link Result#REFUSED}.
 *
 * <pre>{@code
 * JdbcUserImport importer = new JdbcUserImport(stores);
 * long done = importer.checkpoint(key).map(Checkpoint::lastLine).orElse(0L);
 * List<Outcome> outcomes = importer.write(key, lastLineOfBatch, rows);
 * }</pre>
 */
public final class JdbcUserImport {
  /** What became of one input line. */
  public enum Result { IMPORTED, UPDATED, UNCHANGED, REFUSED }

  /**
   * One user to write: as it would be created ({@code user}, with one email and the password whose hash is the
   * migrated one), whether to mark an existing user's email verified, and whether to keep its sessions.
   */
  public record Row(long line, UserRecord user, boolean setEmailVerified, boolean preserveExistingSessions) {}

  public record Outcome(long line, Result result, String reason) {}

  /** How far an input got, and the counts of every run on it so far. */
  public record Checkpoint(long lastLine, long imported, long updated, long unchanged, long refused) {}

  /** Rows looked up per statement (well under SQLite's and PostgreSQL's bound-parameter limits). */
  private static final int LOOKUP_CHUNK = 500;

  private final JdbcStores stores;

  public JdbcUserImport(JdbcStores stores) {
    this.stores = stores;
  }

  public Optional<Checkpoint> checkpoint(String inputKey) {
    try (Connection c = stores.dataSource().getConnection();
        PreparedStatement s = c.prepareStatement("SELECT last_line, imported, updated, unchanged, refused "
            + "FROM import_checkpoints WHERE input_key = ?")) {
      s.setString(1, inputKey);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? Optional.of(new Checkpoint(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4),
            rs.getLong(5))) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new StoreException("Cannot read the import checkpoint: " + e.getMessage(), e);
    }
  }

  /**
   * Writes {@code rows} and moves the checkpoint of {@code inputKey} to {@code lastLine} (adding {@code
   * refusedBefore}, the lines refused before reaching the database, to its counts), all in one transaction.
   */
  public List<Outcome> write(String inputKey, long lastLine, List<Row> rows, long refusedBefore, long now) {
    // Its own connection, but a write like any other: announced to the server that owns an SQLite file.
    return stores.jdbc().rawWrite(() -> writeNow(inputKey, lastLine, rows, refusedBefore, now));
  }

  private List<Outcome> writeNow(String inputKey, long lastLine, List<Row> rows, long refusedBefore, long now) {
    try (Connection c = stores.dataSource().getConnection()) {
      c.setAutoCommit(false);
      try {
        List<Outcome> outcomes = write(c, rows);
        long[] counts = new long[Result.values().length];
        outcomes.forEach(o -> counts[o.result().ordinal()]++);
        Checkpoint before = checkpoint(c, inputKey);
        try (PreparedStatement d = c.prepareStatement("DELETE FROM import_checkpoints WHERE input_key = ?")) {
          d.setString(1, inputKey);
          d.executeUpdate();
        }
        try (PreparedStatement s = c.prepareStatement("INSERT INTO import_checkpoints (input_key, last_line, "
            + "imported, updated, unchanged, refused, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
          s.setString(1, inputKey);
          s.setLong(2, lastLine);
          s.setLong(3, before.imported() + counts[Result.IMPORTED.ordinal()]);
          s.setLong(4, before.updated() + counts[Result.UPDATED.ordinal()]);
          s.setLong(5, before.unchanged() + counts[Result.UNCHANGED.ordinal()]);
          s.setLong(6, before.refused() + counts[Result.REFUSED.ordinal()] + refusedBefore);
          s.setLong(7, now);
          s.executeUpdate();
        }
        c.commit();
        stores.sessionEventLog().appended();
        return outcomes;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new StoreException("Cannot write the import batch ending at line " + lastLine + ": " + e.getMessage(), e);
    }
  }

  private static Checkpoint checkpoint(Connection c, String inputKey) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT last_line, imported, updated, unchanged, refused "
        + "FROM import_checkpoints WHERE input_key = ?")) {
      s.setString(1, inputKey);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? new Checkpoint(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5))
            : new Checkpoint(0, 0, 0, 0, 0);
      }
    }
  }

  /** An existing user found by email: its ids, whether the email is verified, and its password if any. */
  private record Existing(String userId, String emailId, boolean verified, String passwordId, String hash) {}

  private List<Outcome> write(Connection c, List<Row> rows) throws SQLException {
    Map<String, Existing> existing = existingByEmail(c, rows.stream().map(r -> email(r.user())).toList());
    Set<String> takenExternalIds = takenExternalIds(c, rows.stream().map(r -> r.user().externalId())
        .filter(e -> e != null).toList());
    List<Outcome> outcomes = new ArrayList<>(rows.size());
    try (PreparedStatement users = c.prepareStatement("INSERT INTO users (user_id, status, first_name, middle_name, "
            + "last_name, trusted_metadata, untrusted_metadata, external_id, created_at) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
        PreparedStatement emails = c.prepareStatement(
            "INSERT INTO emails (email_id, user_id, email, verified, created_at) VALUES (?, ?, ?, ?, ?)");
        PreparedStatement passwords = c.prepareStatement("INSERT INTO passwords (user_id, password_id, hash, "
            + "requires_reset, created_at) VALUES (?, ?, ?, ?, ?)");
        PreparedStatement replace = c.prepareStatement("UPDATE passwords SET hash = ?, requires_reset = ? "
            + "WHERE user_id = ?");
        PreparedStatement verify = c.prepareStatement("UPDATE emails SET verified = ? WHERE email_id = ?")) {
      List<String> endSessions = new ArrayList<>();
      for (Row row : rows) {
        UserRecord u = row.user();
        UserRecord.StoredPassword password = u.password();
        String email = email(u);
        long created = u.createdAt().toEpochMilli();
        Existing e = existing.get(email);
        if (e == null) {
          if (u.externalId() != null && !takenExternalIds.add(u.externalId())) {
            outcomes.add(new Outcome(row.line(), Result.REFUSED,
                "duplicate_user_external_id: another user already has this external_id"));
            continue;
          }
          UserRecord.StoredEmail stored = u.emails().get(0);
          bind(users, u.userId(), u.status(), u.name().firstName(), u.name().middleName(), u.name().lastName(),
              JsonColumns.write(u.trustedMetadata()), JsonColumns.write(u.untrustedMetadata()), u.externalId(),
              created);
          bind(emails, stored.emailId(), u.userId(), email, stored.verified(), created);
          bind(passwords, u.userId(), password.passwordId(), password.hash(), false, created);
          existing.put(email, new Existing(u.userId(), stored.emailId(), stored.verified(), password.passwordId(),
              password.hash()));
          outcomes.add(new Outcome(row.line(), Result.IMPORTED, null));
          continue;
        }
        boolean changed = false;
        String hash = e.hash();
        boolean nativePassword = e.hash() != null && !e.hash().startsWith("legacy:");
        if (e.hash() == null) {
          bind(passwords, e.userId(), password.passwordId(), password.hash(), false, created);
          hash = password.hash();
          changed = true;
        } else if (!nativePassword && !e.hash().equals(password.hash())) {
          bind(replace, password.hash(), false, e.userId());
          hash = password.hash();
          changed = true;
        }
        boolean verified = e.verified();
        if (row.setEmailVerified() && !e.verified()) {
          bind(verify, true, e.emailId());
          verified = true;
          changed = true;
        }
        if (changed && !row.preserveExistingSessions()) {
          endSessions.add(e.userId());
        }
        existing.put(email, new Existing(e.userId(), e.emailId(), verified,
            e.passwordId() != null ? e.passwordId() : password.passwordId(), hash));
        outcomes.add(new Outcome(row.line(), changed ? Result.UPDATED : Result.UNCHANGED,
            nativePassword ? "keeps its Latchkey password" : null));
      }
      // Parents before children: users, then their emails and passwords, then the updates.
      for (PreparedStatement s : List.of(users, emails, passwords, replace, verify)) {
        s.executeBatch();
      }
      // Ended sessions are revoked like any other, each with its session.revoked event in this transaction.
      for (String userId : endSessions) {
        JdbcSessionStore.revoke(stores.jdbc(), stores.sessionEventLog(), c, stores.jdbc().query(c,
            "SELECT session_id, user_id FROM sessions WHERE user_id = ?",
            rs -> new String[] {rs.getString(1), rs.getString(2)}, userId));
      }
    }
    return outcomes;
  }

  private static void bind(PreparedStatement s, Object... args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      if (args[i] instanceof Boolean b) {
        s.setBoolean(i + 1, b);
      } else {
        s.setObject(i + 1, args[i]);
      }
    }
    s.addBatch();
  }

  private static String email(UserRecord u) {
    return u.emails().get(0).email();
  }

  private static Map<String, Existing> existingByEmail(Connection c, List<String> emails) throws SQLException {
    Map<String, Existing> found = new HashMap<>();
    for (List<String> chunk : chunks(new ArrayList<>(new HashSet<>(emails)))) {
      String sql = "SELECT e.email, e.user_id, e.email_id, CASE WHEN e.verified THEN 1 ELSE 0 END, p.password_id, "
          + "p.hash FROM emails e LEFT JOIN passwords p ON p.user_id = e.user_id WHERE e.email IN ("
          + String.join(", ", Collections.nCopies(chunk.size(), "?")) + ")";
      try (PreparedStatement s = c.prepareStatement(sql)) {
        for (int i = 0; i < chunk.size(); i++) {
          s.setString(i + 1, chunk.get(i));
        }
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            found.put(rs.getString(1), new Existing(rs.getString(2), rs.getString(3), rs.getInt(4) != 0,
                rs.getString(5), rs.getString(6)));
          }
        }
      }
    }
    return found;
  }

  private static Set<String> takenExternalIds(Connection c, List<String> externalIds) throws SQLException {
    Set<String> taken = new HashSet<>();
    for (List<String> chunk : chunks(new ArrayList<>(new HashSet<>(externalIds)))) {
      String sql = "SELECT external_id FROM users WHERE external_id IN ("
          + String.join(", ", Collections.nCopies(chunk.size(), "?")) + ")";
      try (PreparedStatement s = c.prepareStatement(sql)) {
        for (int i = 0; i < chunk.size(); i++) {
          s.setString(i + 1, chunk.get(i));
        }
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            taken.add(rs.getString(1));
          }
        }
      }
    }
    return taken;
  }

  private static List<List<String>> chunks(List<String> values) {
    List<List<String>> out = new ArrayList<>();
    for (int i = 0; i < values.size(); i += LOOKUP_CHUNK) {
      out.add(values.subList(i, Math.min(values.size(), i + LOOKUP_CHUNK)));
    }
    return out;
  }
}
