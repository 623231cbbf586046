package dev.latchkey.server.store.jdbc;

import dev.latchkey.server.store.Stores;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;

/** Pending addresses on the embedded SQLite file. */
class SqlitePendingEmailTest extends PendingEmailContract {
  @TempDir
  Path dir;

  @Override
  protected Stores openStores() {
    return JdbcStores.open("jdbc:sqlite:" + dir.resolve("latchkey.db"), Duration.ofSeconds(5));
  }
}
