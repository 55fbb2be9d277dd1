-- tinycheckout fulfilment deliveries, MySQL 8 and MariaDB 10.6+: one row per (outbox event, hook).
-- Never edit an applied migration; add V3.

-- ordering_key is VARBINARY: MySQL compares VARCHAR with PAD SPACE, so "k" and "k " would collide.
CREATE TABLE tc_delivery (
  seq_no        BIGINT         NOT NULL AUTO_INCREMENT PRIMARY KEY,
  delivery_id   VARCHAR(36)    NOT NULL UNIQUE,
  event_id      VARCHAR(36)    NOT NULL,
  hook          VARCHAR(64)    NOT NULL,
  ordering_key  VARBINARY(256),
  status        VARCHAR(16)    NOT NULL CHECK (status IN ('pending', 'claimed', 'done', 'dead')),
  attempt       INT            NOT NULL,
  claim_version BIGINT         NOT NULL,
  owner         VARCHAR(128),
  lease_until   DATETIME(6),
  available_at  DATETIME(6)    NOT NULL,
  last_error    VARCHAR(2000),
  created_at    DATETIME(6)    NOT NULL,
  done_at       DATETIME(6),
  dead_at       DATETIME(6),
  FOREIGN KEY (event_id) REFERENCES tc_outbox (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The claim: due rows by status, earliest available first.
CREATE INDEX tc_delivery_due ON tc_delivery (status, available_at);

-- The ordering-key rule: an earlier unfinished row of the same hook and key.
CREATE INDEX tc_delivery_ordering ON tc_delivery (hook, ordering_key, seq_no);
