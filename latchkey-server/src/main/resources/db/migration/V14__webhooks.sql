-- Webhook endpoints and their deliveries (docs/api.md, "Webhooks"). An endpoint's secret is sealed like a TOTP
-- secret (LATCHKEY_KEY_ENCRYPTION_KEY); while a rotation's overlap lasts, the previous secret signs too.
-- last_event_id is the fan-out cursor: every session event up to it has its delivery row for this endpoint, so a
-- delivery outlives the event log's retention and is retried (with backoff) for LATCHKEY_WEBHOOK_RETRY_WINDOW.
CREATE TABLE webhook_endpoints (
  endpoint_id         TEXT PRIMARY KEY,
  url                 TEXT NOT NULL,
  event_types         TEXT NOT NULL,
  secret              TEXT NOT NULL,
  previous_secret     TEXT,
  previous_expires_at BIGINT,
  secret_scheme       TEXT NOT NULL,
  enabled             INTEGER NOT NULL,
  created_at          BIGINT NOT NULL,
  last_event_id       BIGINT NOT NULL
);

-- One row per (endpoint, event): message_id is the webhook-id, the same on every attempt and on a replay. status is
-- pending, delivered or dead (the dead-letter list). lease_until stops two nodes sending the same delivery at once.
CREATE TABLE webhook_deliveries (
  message_id      TEXT PRIMARY KEY,
  endpoint_id     TEXT NOT NULL REFERENCES webhook_endpoints (endpoint_id) ON DELETE CASCADE,
  event_id        BIGINT NOT NULL,
  payload         TEXT NOT NULL,
  status          TEXT NOT NULL,
  attempts        INTEGER NOT NULL,
  next_attempt_at BIGINT NOT NULL,
  lease_until     BIGINT NOT NULL,
  last_error      TEXT,
  created_at      BIGINT NOT NULL,
  UNIQUE (endpoint_id, event_id)
);
CREATE INDEX webhook_deliveries_by_status ON webhook_deliveries (status, endpoint_id, event_id);
