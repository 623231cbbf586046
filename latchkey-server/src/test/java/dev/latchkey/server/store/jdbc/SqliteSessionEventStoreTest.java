package dev.latchkey.server.store.jdbc;

import dev.latchkey.server.store.Stores;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;

class SqliteSessionEventStoreTest extends SessionEventStoreContract {
  @TempDir
  Path dir;

  @Override
  protected Stores openStores() {
    return JdbcStores.open("jdbc:sqlite:" + dir.resolve("latchkey.db"), Duration.ofSeconds(5));
  }
}
