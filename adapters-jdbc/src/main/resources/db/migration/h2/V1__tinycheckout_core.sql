-- tinycheckout core schema, H2 2.x.
-- Flyway-compatible: point Flyway's locations at classpath:db/migration/h2,
-- or run dev.tinycheckout.jdbc.JdbcMigrator. Never edit an applied migration; add V2.

CREATE TABLE tc_product (
  sku            VARCHAR(64)  NOT NULL PRIMARY KEY,
  name           VARCHAR(200) NOT NULL,
  price_amount   BIGINT       NOT NULL CHECK (price_amount >= 0),
  price_currency CHAR(3)      NOT NULL,
  stock          BIGINT       NOT NULL CHECK (stock >= 0),
  version        BIGINT       NOT NULL,
  updated_at     TIMESTAMP(6) WITH TIME ZONE  NOT NULL
);

CREATE TABLE tc_order (
  id           VARCHAR(36)  NOT NULL PRIMARY KEY,
  status       VARCHAR(20)  NOT NULL,
  total_amount BIGINT       NOT NULL,
  currency     CHAR(3)      NOT NULL,
  email        VARCHAR(254) NOT NULL,
  created_at   TIMESTAMP(6) WITH TIME ZONE  NOT NULL,
  updated_at   TIMESTAMP(6) WITH TIME ZONE  NOT NULL
);

CREATE TABLE tc_order_line (
  order_id   VARCHAR(36) NOT NULL REFERENCES tc_order (id),
  line_no    INT         NOT NULL,
  sku        VARCHAR(64) NOT NULL,
  quantity   INT         NOT NULL,
  unit_price BIGINT      NOT NULL,
  line_total BIGINT      NOT NULL,
  PRIMARY KEY (order_id, line_no)
);

CREATE TABLE tc_idempotency (
  scope            VARCHAR(255) NOT NULL,
  idem_key         VARCHAR(255) NOT NULL,
  fingerprint      CHAR(64)     NOT NULL,
  fence            BIGINT       NOT NULL,
  created_at       TIMESTAMP(6) WITH TIME ZONE  NOT NULL,
  lease_expires_at TIMESTAMP(6) WITH TIME ZONE  NOT NULL,
  expires_at       TIMESTAMP(6) WITH TIME ZONE  NOT NULL,
  recovery_point   VARCHAR(32)  NOT NULL,
  reference        VARCHAR(255) NOT NULL,
  response_status  INT,
  response_headers CHARACTER LARGE OBJECT,
  response_body    BINARY LARGE OBJECT,
  PRIMARY KEY (scope, idem_key)
);

CREATE INDEX tc_idempotency_expires ON tc_idempotency (expires_at);

CREATE TABLE tc_outbox (
  seq_no       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id           VARCHAR(36) NOT NULL UNIQUE,
  type         VARCHAR(64) NOT NULL,
  aggregate_id VARCHAR(64) NOT NULL,
  payload      CHARACTER LARGE OBJECT        NOT NULL,
  created_at   TIMESTAMP(6) WITH TIME ZONE NOT NULL
);

CREATE INDEX tc_outbox_aggregate ON tc_outbox (aggregate_id, seq_no);

CREATE TABLE tc_consent (
  sequence_no   BIGINT       NOT NULL PRIMARY KEY,
  email         VARCHAR(254) NOT NULL,
  action        VARCHAR(16)  NOT NULL,
  purpose       VARCHAR(32)  NOT NULL,
  terms_version VARCHAR(64)  NOT NULL,
  order_id      VARCHAR(36)  NOT NULL,
  recorded_at   TIMESTAMP(6) WITH TIME ZONE  NOT NULL
);

CREATE INDEX tc_consent_order ON tc_consent (order_id, sequence_no);

-- One row that hands out consent sequence numbers: updating it serializes appends, so sequences
-- are consecutive in commit order with no gaps.
CREATE TABLE tc_consent_head (
  id            INT    NOT NULL PRIMARY KEY CHECK (id = 1),
  last_sequence BIGINT NOT NULL
);

INSERT INTO tc_consent_head (id, last_sequence) VALUES (1, 0);
