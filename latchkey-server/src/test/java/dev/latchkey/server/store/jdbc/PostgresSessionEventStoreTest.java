package dev.latchkey.server.store.jdbc;

import dev.latchkey.server.store.Stores;
import dev.latchkey.server.testing.TestPostgres;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;

class PostgresSessionEventStoreTest extends SessionEventStoreContract {
  private TestPostgres.Database database;

  @Override
  protected Stores openStores() {
    database = TestPostgres.createSchema();
    return JdbcStores.open(database.url(), Duration.ofSeconds(5), 8);
  }

  @AfterEach
  void dropDatabase() {
    if (stores != null) {
      stores.close();
      stores = null;
    }
    if (database != null) {
      database.close();
    }
  }
}
