-- "New device signed in" mails carry a one-click link that revokes the new session. Its token is an email token
-- (hashed, single-use, expiring, deleted with its user) of kind revoke_session, which names the session here.
ALTER TABLE email_tokens ADD COLUMN session_id TEXT;
