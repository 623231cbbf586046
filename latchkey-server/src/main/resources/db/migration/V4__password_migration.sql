-- latchkey import (bulk password migration): how far each input file got. Portable SQL (SQLite and PostgreSQL).
-- input_key is the SHA-256 of the input file's bytes; last_line the last line whose batch was committed, written
-- in the same transaction as that batch, so a rerun after a crash resumes exactly after it.
-- Migrated password hashes themselves live in passwords.hash (prefixed "legacy:", see factor/password/LegacyHash)
-- until the user's first sign-in replaces them with Argon2id. users.external_id is already UNIQUE (indexed) in V1.
CREATE TABLE import_checkpoints (
  input_key   TEXT PRIMARY KEY,
  last_line   BIGINT NOT NULL,
  imported    BIGINT NOT NULL,
  updated     BIGINT NOT NULL,
  unchanged   BIGINT NOT NULL,
  refused     BIGINT NOT NULL,
  updated_at  BIGINT NOT NULL
);
