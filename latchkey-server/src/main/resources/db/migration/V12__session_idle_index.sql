-- With LATCHKEY_SESSION_IDLE_TIMEOUT set, the purge task deletes sessions last accessed before now minus the timeout;
-- this index keeps that select from scanning every session (under the purge's write lock) once a purge interval.
-- last_accessed_at is written lazily (LATCHKEY_LAST_ACCESSED_WRITE_INTERVAL), so the index is updated rarely.
CREATE INDEX sessions_by_last_access ON sessions (last_accessed_at);
