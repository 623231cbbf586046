-- TOTP (authenticator app) registrations and their recovery codes. Portable SQL (SQLite and PostgreSQL).
-- The shared secret must stay usable to compute codes, so it is sealed (AES-256-GCM under
-- LATCHKEY_KEY_ENCRYPTION_KEY, like the signing keys) rather than hashed. Recovery codes are checked against their
-- SHA-256 hash; the sealed copy only serves POST /v1/totps/recovery_codes, which shows the unused ones again.

CREATE TABLE totps (
  totp_id            TEXT PRIMARY KEY,
  -- One registration per user at a time: a second create is refused (or replaces an expired unverified one).
  user_id            TEXT NOT NULL UNIQUE REFERENCES users (user_id) ON DELETE CASCADE,
  secret             TEXT NOT NULL,
  secret_encryption  TEXT NOT NULL,
  verified           BOOLEAN NOT NULL,
  created_at         BIGINT NOT NULL,
  -- When an unverified registration becomes unusable; kept after verification but no longer consulted.
  expires_at         BIGINT NOT NULL,
  -- The RFC 6238 time step of the last accepted code (-1 for none): a code of this step or earlier is refused.
  last_used_step     BIGINT NOT NULL,
  -- Wrong codes since the last success or lock; reaching the limit locks the registration until locked_until.
  failed_attempts    INTEGER NOT NULL,
  locked_until       BIGINT
);
CREATE INDEX totps_by_expiry ON totps (expires_at);

CREATE TABLE totp_recovery_codes (
  recovery_code_id   TEXT PRIMARY KEY,
  totp_id            TEXT NOT NULL REFERENCES totps (totp_id) ON DELETE CASCADE,
  position           INTEGER NOT NULL,
  code_hash          TEXT NOT NULL,
  code_sealed        TEXT NOT NULL,
  code_encryption    TEXT NOT NULL,
  used_at            BIGINT
);
CREATE INDEX totp_recovery_codes_by_totp ON totp_recovery_codes (totp_id);
