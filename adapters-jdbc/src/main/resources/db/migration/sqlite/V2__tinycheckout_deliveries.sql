-- tinycheckout fulfilment deliveries, SQLite 3.35+: one row per (outbox event, hook).
-- Instants are INTEGER microseconds since the epoch. Never edit an applied migration; add V3.

CREATE TABLE tc_delivery (
  seq_no        INTEGER PRIMARY KEY AUTOINCREMENT,
  delivery_id   VARCHAR(36)   NOT NULL UNIQUE,
  event_id      VARCHAR(36)   NOT NULL REFERENCES tc_outbox (id),
  hook          VARCHAR(64)   NOT NULL,
  ordering_key  VARCHAR(64),
  status        VARCHAR(16)   NOT NULL CHECK (status IN ('pending', 'claimed', 'done', 'dead')),
  attempt       INT           NOT NULL,
  claim_version BIGINT        NOT NULL,
  owner         VARCHAR(128),
  lease_until   INTEGER,
  available_at  INTEGER       NOT NULL,
  last_error    VARCHAR(2000),
  created_at    INTEGER       NOT NULL,
  done_at       INTEGER,
  dead_at       INTEGER
);

-- The claim: due rows by status, earliest available first.
CREATE INDEX tc_delivery_due ON tc_delivery (status, available_at);

-- The ordering-key rule: an earlier unfinished row of the same hook and key.
CREATE INDEX tc_delivery_ordering ON tc_delivery (hook, ordering_key, seq_no);
