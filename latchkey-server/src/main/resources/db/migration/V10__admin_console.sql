-- The admin console (/admin, off unless LATCHKEY_ADMIN_ENABLED=true). Portable SQL (SQLite and PostgreSQL).
-- Admins created by 'latchkey admin create' with their Argon2id hash (PHC string). The admin named by
-- LATCHKEY_ADMIN_PASSWORD is not stored: its hash is computed at each start.
CREATE TABLE admins (
  name           TEXT PRIMARY KEY,
  password_hash  TEXT NOT NULL,
  created_at     BIGINT NOT NULL
);

-- Signed-in admins: the SHA-256 of the session cookie, never the cookie itself. A session ends when it has been
-- idle for LATCHKEY_ADMIN_IDLE_TIMEOUT or is older than LATCHKEY_ADMIN_SESSION_LIFETIME, or at sign-out.
CREATE TABLE admin_sessions (
  token_hash     TEXT PRIMARY KEY,
  admin_name     TEXT NOT NULL,
  created_at     BIGINT NOT NULL,
  last_seen_at   BIGINT NOT NULL
);
CREATE INDEX admin_sessions_by_last_seen ON admin_sessions (last_seen_at);
