-- Issue 14: an address a send named for an existing user (POST /v1/magic_links/email/send or /v1/otps/email/send
-- with user_id, session_token or session_jwt) is PENDING for that user until the mailed link or code is used.
-- It is kept apart from emails on purpose: nothing that finds a user by address (login_or_create, login, passwords,
-- OAuth, sessions/migrate, users/search) reads this table, so a pending address is no sign-in identifier and never
-- blocks its owner's sign-up. Using the link or code moves the row into emails (verified, same email_id), or fails
-- with duplicate_email when the address belongs to a user by then. Many users may have one address pending (no
-- UNIQUE on email); one row per user and address, whose expires_at follows the latest link or code mailed for it
-- (the purger deletes it after). Portable SQL (SQLite and PostgreSQL), as V1.
CREATE TABLE pending_emails (
  email_id   TEXT PRIMARY KEY,
  user_id    TEXT NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  email      TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  UNIQUE (user_id, email)
);
CREATE INDEX pending_emails_by_expiry ON pending_emails (expires_at);
