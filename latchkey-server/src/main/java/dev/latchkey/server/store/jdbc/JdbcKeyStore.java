package dev.latchkey.server.store.jdbc;

import dev.latchkey.server.store.KeyRecord;
import dev.latchkey.server.store.KeyStore;
import dev.latchkey.server.store.Stores;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

final class JdbcKeyStore implements KeyStore {
  private static final String COLUMNS = "kid, private_key, key_encryption, certificate, created_at, retired_at";
  private final Jdbc jdbc;

  JdbcKeyStore(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public List<KeyRecord> all() {
    return jdbc.query("SELECT " + COLUMNS + " FROM signing_keys ORDER BY created_at DESC, kid DESC",
        JdbcKeyStore::row);
  }

  @Override
  public void rotate(KeyRecord newKey, Instant at) {
    jdbc.inTransaction(c -> {
      jdbc.update(c, "UPDATE signing_keys SET retired_at = ? WHERE retired_at IS NULL", at.toEpochMilli());
      jdbc.update(c, "INSERT INTO signing_keys (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, NULL)", newKey.kid(),
          newKey.privateKey(), newKey.keyEncryption(), newKey.certificate(), newKey.createdAt().toEpochMilli());
      // Delivered at commit: every other node re-reads the keys now instead of at its next refresh.
      jdbc.dialect().notifyChange(c, Stores.KEYS_CHANGED);
      return null;
    });
  }

  @Override
  public boolean createFirst(KeyRecord key) {
    return jdbc.inTransaction(c -> {
      // Serialises the check and the insert across nodes; released at commit.
      jdbc.dialect().lockJob(c, "create-first-signing-key");
      if (!jdbc.query(c, "SELECT kid FROM signing_keys WHERE retired_at IS NULL", rs -> rs.getString(1)).isEmpty()) {
        return false;
      }
      jdbc.update(c, "INSERT INTO signing_keys (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, NULL)", key.kid(),
          key.privateKey(), key.keyEncryption(), key.certificate(), key.createdAt().toEpochMilli());
      jdbc.dialect().notifyChange(c, Stores.KEYS_CHANGED);
      return true;
    });
  }

  @Override
  public int deleteRetiredBefore(Instant before) {
    return jdbc.update("DELETE FROM signing_keys WHERE retired_at IS NOT NULL AND retired_at <= ?",
        before.toEpochMilli());
  }

  private static KeyRecord row(ResultSet rs) throws SQLException {
    long retired = rs.getLong("retired_at");
    boolean signing = rs.wasNull();
    return new KeyRecord(rs.getString("kid"), rs.getString("private_key"), rs.getString("key_encryption"),
        rs.getString("certificate"), Instant.ofEpochMilli(rs.getLong("created_at")),
        signing ? null : Instant.ofEpochMilli(retired));
  }
}
