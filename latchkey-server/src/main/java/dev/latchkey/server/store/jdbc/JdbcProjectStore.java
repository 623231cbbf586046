package dev.latchkey.server.store.jdbc;

import dev.latchkey.server.store.ProjectRecord;
import dev.latchkey.server.store.ProjectStore;
import dev.latchkey.server.store.StoreException;

import java.time.Instant;
import java.util.Optional;

final class JdbcProjectStore implements ProjectStore {
  private final Jdbc jdbc;

  JdbcProjectStore(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public Optional<ProjectRecord> get() {
    return jdbc.queryOne("SELECT project_id, secret_hash, public_token, created_at FROM project WHERE singleton = 1",
        rs -> new ProjectRecord(rs.getString(1), rs.getString(2), rs.getString(3),
            Instant.ofEpochMilli(rs.getLong(4))));
  }

  @Override
  public ProjectRecord createIfAbsent(ProjectRecord p) {
    // ON CONFLICT DO NOTHING: two nodes starting on one fresh database agree on whichever project landed first.
    jdbc.update("INSERT INTO project (singleton, project_id, secret_hash, public_token, created_at) "
            + "VALUES (1, ?, ?, ?, ?) ON CONFLICT (singleton) DO NOTHING", p.projectId(), p.secretHash(),
        p.publicToken(), p.createdAt().toEpochMilli());
    return get().orElseThrow(() -> new StoreException("The project row vanished after it was created", null));
  }

  @Override
  public void update(ProjectRecord p) {
    jdbc.update("UPDATE project SET secret_hash = ?, public_token = ? WHERE singleton = 1", p.secretHash(),
        p.publicToken());
  }
}
