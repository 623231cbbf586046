-- Passkeys and WebAuthn registrations (factor.webauthn), and the ceremonies under way. Portable SQL (SQLite and
-- PostgreSQL). A registration keeps only public material: the credential id and the COSE public key, both base64url.

CREATE TABLE webauthn_registrations (
  webauthn_registration_id TEXT PRIMARY KEY,
  user_id                  TEXT NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  -- The RP ID the credential is bound to (the request's domain).
  domain                   TEXT NOT NULL,
  -- base64url of the credential id the authenticator chose; unique, so one credential belongs to one user.
  credential_id            TEXT NOT NULL UNIQUE,
  -- base64url of the user handle (user.id in the creation options) the authenticator stored with the credential.
  user_handle              TEXT NOT NULL,
  public_key_cose          TEXT NOT NULL,
  -- The authenticator's signature counter as last seen; an assertion must move it forward (or both stay 0).
  sign_count               BIGINT NOT NULL,
  user_agent               TEXT NOT NULL,
  authenticator_type       TEXT NOT NULL,
  name                     TEXT NOT NULL,
  verified                 BOOLEAN NOT NULL,
  created_at               BIGINT NOT NULL,
  -- Set when an assertion's counter did not move forward (a possibly cloned authenticator); kept for the record.
  clone_warning_at         BIGINT
);
CREATE INDEX webauthn_registrations_by_user ON webauthn_registrations (user_id);
CREATE INDEX webauthn_registrations_by_handle ON webauthn_registrations (user_handle);

-- A registration or authentication ceremony between its start and its finish: keyed by the SHA-256 of its challenge
-- (the challenge itself is never stored), taken exactly once, refused after expires_at.
CREATE TABLE webauthn_ceremonies (
  challenge_hash     TEXT PRIMARY KEY,
  kind               TEXT NOT NULL,
  -- The user the ceremony is for; NULL for a discoverable-credential (passkey) sign-in, which names no user.
  user_id            TEXT,
  domain             TEXT NOT NULL,
  -- What Yubico's library needs to finish: PublicKeyCredentialCreationOptions or AssertionRequest, as its JSON, with
  -- the challenge blanked (it is put back from the client data, which must hash to challenge_hash).
  request_json       TEXT NOT NULL,
  user_agent         TEXT NOT NULL,
  authenticator_type TEXT NOT NULL,
  user_verification  BOOLEAN NOT NULL,
  expires_at         BIGINT NOT NULL
);
CREATE INDEX webauthn_ceremonies_by_expiry ON webauthn_ceremonies (expires_at);
