-- The session event log (an outbox): one row per change of a session or user, written in the same transaction as
-- the change. Ids come from session_event_sequence, whose single row every writer updates before inserting: the row
-- lock serialises writers on PostgreSQL (SQLite has one writer anyway), so ids grow in commit order with no gaps and
-- a reader that has seen id n has seen every event before it. pruned_through is the highest id the retention task
-- has deleted: a resume from an id below it has missed events.
CREATE TABLE session_events (
  event_id    BIGINT PRIMARY KEY,
  type        TEXT NOT NULL,
  session_id  TEXT NOT NULL,
  user_id     TEXT NOT NULL,
  occurred_at BIGINT NOT NULL,
  data        TEXT NOT NULL
);
CREATE INDEX session_events_by_time ON session_events (occurred_at);
CREATE INDEX session_events_by_session ON session_events (session_id, event_id);

CREATE TABLE session_event_sequence (
  singleton      INTEGER PRIMARY KEY CHECK (singleton = 1),
  last_id        BIGINT NOT NULL,
  pruned_through BIGINT NOT NULL
);
INSERT INTO session_event_sequence (singleton, last_id, pruned_through) VALUES (1, 0, 0);
