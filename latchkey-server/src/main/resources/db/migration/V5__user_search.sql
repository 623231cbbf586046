-- POST /v1/users/search. Portable SQL (SQLite and PostgreSQL), as V1.
-- Results are ordered by (created_at, user_id) and paged by that key (keyset pagination): this index serves the
-- order, the page boundary and the created_at filters; the second serves status with a created_at range.
-- email_address, email_id and user_id use the unique indexes of V1; totp_id the primary key of V3.
CREATE INDEX users_by_creation ON users (created_at, user_id);
CREATE INDEX users_by_status_creation ON users (status, created_at, user_id);
