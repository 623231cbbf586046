-- OAuth sign-in (Google, Microsoft, Apple, GitHub, a generic OpenID Connect provider). Portable SQL (SQLite and
-- PostgreSQL), as V1. Nothing here holds a secret in clear: states and tokens are SHA-256 hashes, and the values
-- that must be used again (the PKCE verifier sent to the provider, the provider's tokens) are sealed with
-- AES-256-GCM under LATCHKEY_KEY_ENCRYPTION_KEY, bound to their row.

-- A provider account linked to a user (the user's providers[]); one provider account links to one user only.
CREATE TABLE oauth_registrations (
  registration_id     TEXT PRIMARY KEY,
  user_id             TEXT NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  provider            TEXT NOT NULL,
  provider_subject    TEXT NOT NULL,
  -- {"provider_type", "provider_subject", "profile_picture_url", "locale"}: the wire form of providers[].
  details             TEXT NOT NULL,
  created_at          BIGINT NOT NULL,
  UNIQUE (provider, provider_subject)
);
CREATE INDEX oauth_registrations_by_user ON oauth_registrations (user_id);

-- A sign-in in progress between the start redirect and the provider's callback: single use (deleted when the
-- callback reads it), short-lived. state_hash is the SHA-256 of the CSRF state sent to the provider.
CREATE TABLE oauth_states (
  state_hash          TEXT PRIMARY KEY,
  provider            TEXT NOT NULL,
  nonce               TEXT NOT NULL,
  provider_verifier   TEXT NOT NULL,
  verifier_encryption TEXT NOT NULL,
  redirect_uri        TEXT NOT NULL,
  code_challenge      TEXT,
  login_redirect_url  TEXT NOT NULL,
  signup_redirect_url TEXT NOT NULL,
  attach_user_id      TEXT,
  scopes              TEXT NOT NULL,
  created_at          BIGINT NOT NULL,
  expires_at          BIGINT NOT NULL
);
CREATE INDEX oauth_states_by_expiry ON oauth_states (expires_at);

-- The token the app receives in its redirect (?stytch_token_type=oauth&token=), single use, minutes-long.
CREATE TABLE oauth_tokens (
  token_hash          TEXT PRIMARY KEY,
  user_id             TEXT NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  registration_id     TEXT NOT NULL REFERENCES oauth_registrations (registration_id) ON DELETE CASCADE,
  email_id            TEXT,
  code_challenge      TEXT,
  provider_values     TEXT NOT NULL,
  values_encryption   TEXT NOT NULL,
  created_at          BIGINT NOT NULL,
  expires_at          BIGINT NOT NULL
);
CREATE INDEX oauth_tokens_by_expiry ON oauth_tokens (expires_at);
CREATE INDEX oauth_tokens_by_user ON oauth_tokens (user_id);

-- POST /v1/oauth/attach: a single-use token naming the user a provider account is to be linked to.
CREATE TABLE oauth_attach_tokens (
  token_hash          TEXT PRIMARY KEY,
  user_id             TEXT NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  provider            TEXT NOT NULL,
  created_at          BIGINT NOT NULL,
  expires_at          BIGINT NOT NULL
);
CREATE INDEX oauth_attach_tokens_by_expiry ON oauth_attach_tokens (expires_at);
CREATE INDEX oauth_attach_tokens_by_user ON oauth_attach_tokens (user_id);
