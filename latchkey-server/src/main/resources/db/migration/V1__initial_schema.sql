-- Portable SQL (SQLite and PostgreSQL): times are epoch milliseconds, JSON is text, ids are text.
-- Secrets never appear in clear: tokens and the project secret are SHA-256 hashes, passwords Argon2id hashes,
-- private keys encrypted with LATCHKEY_KEY_ENCRYPTION_KEY when it is set.

CREATE TABLE project (
  singleton      INTEGER PRIMARY KEY CHECK (singleton = 1),
  project_id     TEXT NOT NULL,
  secret_hash    TEXT NOT NULL,
  public_token   TEXT NOT NULL,
  created_at     BIGINT NOT NULL
);

CREATE TABLE users (
  user_id            TEXT PRIMARY KEY,
  status             TEXT NOT NULL,
  first_name         TEXT NOT NULL,
  middle_name        TEXT NOT NULL,
  last_name          TEXT NOT NULL,
  trusted_metadata   TEXT NOT NULL,
  untrusted_metadata TEXT NOT NULL,
  external_id        TEXT UNIQUE,
  created_at         BIGINT NOT NULL
);

CREATE TABLE emails (
  email_id   TEXT PRIMARY KEY,
  user_id    TEXT NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  email      TEXT NOT NULL UNIQUE,
  verified   BOOLEAN NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX emails_by_user ON emails (user_id);

CREATE TABLE passwords (
  user_id        TEXT PRIMARY KEY REFERENCES users (user_id) ON DELETE CASCADE,
  password_id    TEXT NOT NULL UNIQUE,
  hash           TEXT NOT NULL,
  requires_reset BOOLEAN NOT NULL,
  created_at     BIGINT NOT NULL
);

CREATE TABLE sessions (
  session_id       TEXT PRIMARY KEY,
  user_id          TEXT NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  token_hash       TEXT NOT NULL UNIQUE,
  started_at       BIGINT NOT NULL,
  last_accessed_at BIGINT NOT NULL,
  expires_at       BIGINT NOT NULL,
  ip_address       TEXT NOT NULL,
  user_agent       TEXT NOT NULL,
  factors          TEXT NOT NULL,
  custom_claims    TEXT NOT NULL,
  version          BIGINT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

CREATE TABLE signing_keys (
  kid                TEXT PRIMARY KEY,
  private_key        TEXT NOT NULL,
  key_encryption     TEXT NOT NULL,
  certificate        TEXT NOT NULL,
  created_at         BIGINT NOT NULL,
  retired_at         BIGINT
);
