-- Issue 14: the device that asked for a mailed link or code (Stytch's attributes: ip_address, user_agent), so that
-- an authenticate call with options.ip_match_required / user_agent_match_required can compare it with its own.
-- NULL when the request that sent it gave none. Portable SQL (SQLite and PostgreSQL), as V1. Sessions have had
-- their ip_address and user_agent columns since V1 (empty strings when unknown).
ALTER TABLE email_tokens ADD COLUMN ip_address TEXT;
ALTER TABLE email_tokens ADD COLUMN user_agent TEXT;
ALTER TABLE otp_codes ADD COLUMN ip_address TEXT;
ALTER TABLE otp_codes ADD COLUMN user_agent TEXT;
