-- Email magic links, password-reset links, email one-time passcodes and the abuse-limit counters.
-- Portable SQL (SQLite and PostgreSQL), as V1. Nothing here holds a secret in clear.

-- Single-use tokens mailed in links. The row is deleted when the token is used, voided or expires (purger).
-- code_challenge is the PKCE challenge (base64url SHA-256 of the verifier) when the request gave one.
CREATE TABLE email_tokens (
  token_hash     TEXT PRIMARY KEY,
  kind           TEXT NOT NULL,
  user_id        TEXT NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  email_id       TEXT NOT NULL,
  code_challenge TEXT,
  created_at     BIGINT NOT NULL,
  expires_at     BIGINT NOT NULL
);
CREATE INDEX email_tokens_by_expiry ON email_tokens (expires_at);
CREATE INDEX email_tokens_by_user ON email_tokens (user_id);

-- At most one live code per method (email id): a new code replaces the old one. code_hash is HMAC-SHA256 of the
-- code keyed by the per-row salt; attempts counts every guess, right or wrong.
CREATE TABLE otp_codes (
  method_id  TEXT PRIMARY KEY,
  user_id    TEXT NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  code_hash  TEXT NOT NULL,
  salt       TEXT NOT NULL,
  attempts   INTEGER NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX otp_codes_by_expiry ON otp_codes (expires_at);
CREATE INDEX otp_codes_by_user ON otp_codes (user_id);

-- Fixed-window counters for abuse limits. counter_key is the SHA-256 of "<what>:<value>" (an email address or
-- an IP address never appears in clear); expires_at is the end of the window, for the purger.
CREATE TABLE rate_counters (
  counter_key  TEXT NOT NULL,
  window_start BIGINT NOT NULL,
  hits         INTEGER NOT NULL,
  expires_at   BIGINT NOT NULL,
  PRIMARY KEY (counter_key, window_start)
);
CREATE INDEX rate_counters_by_expiry ON rate_counters (expires_at);
