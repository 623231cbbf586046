package dev.latchkey.server.store.jdbc;

import dev.latchkey.server.store.KeyRecord;
import dev.latchkey.server.store.ProjectRecord;
import dev.latchkey.server.store.SessionRecord;
import dev.latchkey.server.store.Stores;
import dev.latchkey.server.store.UserRecord;


import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.model.Attributes;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on the embedded SQLite file, plus what only a file-backed database can show. */
class SqliteStoreContractTest extends StoreContract {
  @TempDir
  Path dir;

  @Override
  protected Stores openStores() {
    return JdbcStores.open(url(), Duration.ofSeconds(5));
  }

  private String url() {
    return "jdbc:sqlite:" + dir.resolve("latchkey.db");
  }

  @Test
  void everythingSurvivesClosingAndReopeningTheSameFile() {
    UserRecord ada = user(newUserId(), "ada@example.com").withPassword(password("hash-1"));
    stores.users().create(ada);
    SessionRecord s = new SessionRecord("session-test-1", ada.userId(), "hash-1", T0, T0, T0.plusSeconds(3600),
        Attributes.EMPTY, List.of(), Map.of("k", List.of(1, "two")), 1);
    stores.sessions().create(s);
    KeyRecord k = key("kid-1", T0);
    stores.keys().rotate(k, T0);
    ProjectRecord p = new ProjectRecord("project-test-1", "hash", "public-token-test-1", T0);
    stores.project().createIfAbsent(p);
    stores.close();

    stores = openStores();

    assertThat(stores.users().find(ada.userId())).contains(ada);
    assertThat(stores.sessions().findByTokenHash("hash-1")).contains(s);
    assertThat(stores.keys().all()).containsExactly(k);
    assertThat(stores.project().get()).contains(p);
  }

  @Test
  void theSchemaIsManagedByFlyway() throws SQLException {
    stores.close();
    stores = null;

    List<String> versions = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(url());
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT version, success FROM flyway_schema_history ORDER BY installed_rank")) {
      while (rs.next()) {
        assertThat(rs.getBoolean("success")).isTrue();
        versions.add(rs.getString("version"));
      }
    }
    assertThat(versions).startsWith("1");
  }
}
