package dev.latchkey.server.store.jdbc;

import dev.latchkey.server.store.Stores;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Copies every table of one Latchkey database into another (SQLite to PostgreSQL, or back), row for row, in one
 * transaction on the target: either everything arrives or nothing does. Tables are found in the schema, not
 * listed here, so tables added by later migrations are copied too; both sides are migrated to the same schema by
 * {@link JdbcStores#open} first. Values are converted to the target column's type (SQLite keeps booleans as 0/1).
 *
 * <pre>{@code
 * try (JdbcStores from = JdbcStores.open(sqliteUrl, timeout); JdbcStores to = JdbcStores.open(postgresUrl, timeout)) {
 *   DatabaseCopy.copy(from, to, false, (table, done, total) -> {});
 * }
 * }</pre>
 */
public final class DatabaseCopy {
  /** Rows per INSERT batch: large enough to amortise round trips, small enough to report progress often. */
  private static final int BATCH = 500;
  private static final String FLYWAY_HISTORY = "flyway_schema_history";
  /**
   * Tables whose rows the migrations themselves insert (the session event counter's single row), so a new, empty
   * database already holds them: they do not make a target "not empty", and the source's rows replace them.
   */
  private static final Set<String> SEEDED_BY_MIGRATIONS = Set.of("session_event_sequence");

  private DatabaseCopy() {}

  /** Told after every batch: rows copied so far over all tables, out of {@code total}. */
  public interface Progress {
    void copied(String table, long done, long total);
  }

  /** The target is not empty and the copy was not told to replace its contents. */
  public static final class TargetNotEmptyException extends RuntimeException {
    TargetNotEmptyException(String message) {
      super(message);
    }
  }

  /**
   * Copies {@code from} into {@code to}; returns the rows copied per table, in copy order. Refuses a target that
   * holds any row unless {@code replace}, which first deletes everything in the target (in the same transaction).
   */
  public static Map<String, Long> copy(JdbcStores from, JdbcStores to, boolean replace, Progress progress) {
    // Its own connections, but a write like any other: announced to a server that owns the target's SQLite file.
    return to.jdbc().rawWrite(() -> copyNow(from, to, replace, progress));
  }

  private static Map<String, Long> copyNow(JdbcStores from, JdbcStores to, boolean replace, Progress progress) {
    try (Connection source = from.dataSource().getConnection();
        Connection target = to.dataSource().getConnection()) {
      // Read the source as one consistent snapshot, counts included; PostgreSQL streams it with a cursor only
      // inside a transaction.
      source.setAutoCommit(false);
      List<String> tables = copyOrder(target, tables(source));
      Set<String> targetTables = new LinkedHashSet<>(tables(target));
      for (String table : tables) {
        if (!targetTables.contains(table)) {
          throw new IllegalStateException("The target has no table " + table + ": is it an older Latchkey schema?");
        }
      }
      Map<String, Long> totals = new LinkedHashMap<>();
      long total = 0;
      for (String table : tables) {
        long n = count(source, table);
        totals.put(table, n);
        total += n;
        if (!replace && !SEEDED_BY_MIGRATIONS.contains(table) && count(target, table) > 0) {
          throw new TargetNotEmptyException("The target already holds rows in " + table
              + ": point --to at an empty database, or add --replace to delete its contents first");
        }
      }
      target.setAutoCommit(false);
      try {
        for (int i = tables.size() - 1; i >= 0; i--) {
          if (replace || SEEDED_BY_MIGRATIONS.contains(tables.get(i))) {
            try (Statement st = target.createStatement()) {
              st.executeUpdate("DELETE FROM " + tables.get(i));
            }
          }
        }
        long done = 0;
        for (String table : tables) {
          done = copyTable(source, target, table, done, total, progress);
        }
        for (String table : tables) {
          long copied = count(target, table);
          if (copied != totals.get(table)) {
            throw new IllegalStateException("Copied " + copied + " rows of " + table + " but the source has "
                + totals.get(table) + ": nothing was written");
          }
        }
        target.commit();
        source.commit();
      } catch (SQLException | RuntimeException e) {
        target.rollback();
        source.rollback();
        throw e;
      }
      return totals;
    } catch (SQLException e) {
      throw Jdbc.translate(e);
    }
  }

  private static long copyTable(Connection source, Connection target, String table, long done, long total,
      Progress progress) throws SQLException {
    Map<String, Integer> columns = columns(target, table);
    String names = String.join(", ", columns.keySet());
    String marks = String.join(", ", columns.keySet().stream().map(c -> "?").toList());
    List<Integer> types = new ArrayList<>(columns.values());
    try (Statement read = source.createStatement();
        PreparedStatement write = target.prepareStatement("INSERT INTO " + table + " (" + names + ") VALUES ("
            + marks + ")")) {
      read.setFetchSize(BATCH);
      try (ResultSet rs = read.executeQuery("SELECT " + names + " FROM " + table)) {
        int pending = 0;
        while (rs.next()) {
          for (int i = 0; i < types.size(); i++) {
            bind(write, i + 1, rs.getObject(i + 1), types.get(i));
          }
          write.addBatch();
          done++;
          if (++pending == BATCH) {
            write.executeBatch();
            pending = 0;
            progress.copied(table, done, total);
          }
        }
        if (pending > 0) {
          write.executeBatch();
        }
        progress.copied(table, done, total);
      }
    }
    return done;
  }

  /** Binds {@code value} as the target column's type: SQLite hands back 0/1 for booleans and ints for bigints. */
  private static void bind(PreparedStatement ps, int index, Object value, int type) throws SQLException {
    if (value == null) {
      ps.setNull(index, type);
      return;
    }
    switch (type) {
      case Types.BOOLEAN, Types.BIT -> ps.setBoolean(index, switch (value) {
        case Boolean b -> b;
        case Number n -> n.longValue() != 0;
        default -> Boolean.parseBoolean(value.toString()) || "1".equals(value.toString());
      });
      case Types.BIGINT ->
          ps.setLong(index, value instanceof Number n ? n.longValue() : Long.parseLong(value.toString()));
      case Types.INTEGER, Types.SMALLINT, Types.TINYINT ->
          ps.setInt(index, value instanceof Number n ? n.intValue() : Integer.parseInt(value.toString()));
      default -> ps.setObject(index, value);
    }
  }

  /** Latchkey's tables (not Flyway's history, not SQLite's internals), lower-case. */
  private static List<String> tables(Connection c) throws SQLException {
    List<String> tables = new ArrayList<>();
    try (ResultSet rs = c.getMetaData().getTables(c.getCatalog(), c.getSchema(), "%", new String[] {"TABLE"})) {
      while (rs.next()) {
        String name = rs.getString("TABLE_NAME").toLowerCase(Locale.ROOT);
        if (!name.equals(FLYWAY_HISTORY) && !name.startsWith("sqlite_")) {
          tables.add(name);
        }
      }
    }
    return tables;
  }

  /** Column name to JDBC type, in table order. */
  private static Map<String, Integer> columns(Connection c, String table) throws SQLException {
    Map<String, Integer> columns = new LinkedHashMap<>();
    try (ResultSet rs = c.getMetaData().getColumns(c.getCatalog(), c.getSchema(), table, "%")) {
      while (rs.next()) {
        columns.put(rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT), rs.getInt("DATA_TYPE"));
      }
    }
    if (columns.isEmpty()) {
      throw new IllegalStateException("The target table " + table + " has no columns");
    }
    return columns;
  }

  /** Parents before children (users before emails and sessions), by the target's foreign keys. */
  private static List<String> copyOrder(Connection target, List<String> tables) throws SQLException {
    DatabaseMetaData meta = target.getMetaData();
    Map<String, Set<String>> parents = new LinkedHashMap<>();
    for (String table : tables) {
      Set<String> p = new LinkedHashSet<>();
      try (ResultSet rs = meta.getImportedKeys(target.getCatalog(), target.getSchema(), table)) {
        while (rs.next()) {
          String parent = rs.getString("PKTABLE_NAME").toLowerCase(Locale.ROOT);
          if (!parent.equals(table)) {
            p.add(parent);
          }
        }
      }
      parents.put(table, p);
    }
    List<String> order = new ArrayList<>();
    while (order.size() < tables.size()) {
      boolean progressed = false;
      for (String table : tables) {
        if (!order.contains(table) && order.containsAll(parents.get(table).stream()
            .filter(tables::contains).toList())) {
          order.add(table);
          progressed = true;
        }
      }
      if (!progressed) {
        throw new IllegalStateException("The foreign keys between " + tables + " form a cycle");
      }
    }
    return order;
  }

  private static long count(Connection c, String table) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
