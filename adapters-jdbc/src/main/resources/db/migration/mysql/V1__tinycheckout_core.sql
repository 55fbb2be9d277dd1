-- tinycheckout core schema, MySQL 8 and MariaDB 10.6+ (InnoDB, utf8mb4).
-- Flyway-compatible: point Flyway's locations at classpath:db/migration/mysql,
-- or run dev.tinycheckout.jdbc.JdbcMigrator. Never edit an applied migration; add V2.

CREATE TABLE tc_product (
  sku            VARCHAR(64)  NOT NULL PRIMARY KEY,
  name           VARCHAR(200) NOT NULL,
  price_amount   BIGINT       NOT NULL CHECK (price_amount >= 0),
  price_currency CHAR(3)      NOT NULL,
  stock          BIGINT       NOT NULL CHECK (stock >= 0),
  version        BIGINT       NOT NULL,
  updated_at     DATETIME(6)  NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE tc_order (
  id           VARCHAR(36)  NOT NULL PRIMARY KEY,
  status       VARCHAR(20)  NOT NULL,
  total_amount BIGINT       NOT NULL,
  currency     CHAR(3)      NOT NULL,
  email        VARCHAR(254) NOT NULL,
  created_at   DATETIME(6)  NOT NULL,
  updated_at   DATETIME(6)  NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE tc_order_line (
  order_id   VARCHAR(36) NOT NULL,
  line_no    INT         NOT NULL,
  sku        VARCHAR(64) NOT NULL,
  quantity   INT         NOT NULL,
  unit_price BIGINT      NOT NULL,
  line_total BIGINT      NOT NULL,
  PRIMARY KEY (order_id, line_no),
  FOREIGN KEY (order_id) REFERENCES tc_order (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Keys are VARBINARY: MySQL compares VARCHAR with PAD SPACE, so "k" and "k " would collide.
CREATE TABLE tc_idempotency (
  scope            VARBINARY(255) NOT NULL,
  idem_key         VARBINARY(255) NOT NULL,
  fingerprint      CHAR(64)     NOT NULL,
  fence            BIGINT       NOT NULL,
  created_at       DATETIME(6)  NOT NULL,
  lease_expires_at DATETIME(6)  NOT NULL,
  expires_at       DATETIME(6)  NOT NULL,
  recovery_point   VARCHAR(32)  NOT NULL,
  reference        VARCHAR(255) NOT NULL,
  response_status  INT,
  response_headers MEDIUMTEXT,
  response_body    MEDIUMBLOB,
  PRIMARY KEY (scope, idem_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE INDEX tc_idempotency_expires ON tc_idempotency (expires_at);

CREATE TABLE tc_outbox (
  seq_no       BIGINT      NOT NULL AUTO_INCREMENT PRIMARY KEY,
  id           VARCHAR(36) NOT NULL UNIQUE,
  type         VARCHAR(64) NOT NULL,
  aggregate_id VARCHAR(64) NOT NULL,
  payload      MEDIUMTEXT        NOT NULL,
  created_at   DATETIME(6) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE INDEX tc_outbox_aggregate ON tc_outbox (aggregate_id, seq_no);

CREATE TABLE tc_consent (
  sequence_no   BIGINT       NOT NULL PRIMARY KEY,
  email         VARCHAR(254) NOT NULL,
  action        VARCHAR(16)  NOT NULL,
  purpose       VARCHAR(32)  NOT NULL,
  terms_version VARCHAR(64)  NOT NULL,
  order_id      VARCHAR(36)  NOT NULL,
  recorded_at   DATETIME(6)  NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE INDEX tc_consent_order ON tc_consent (order_id, sequence_no);

-- One row that hands out consent sequence numbers: updating it serializes appends, so sequences
-- are consecutive in commit order with no gaps.
CREATE TABLE tc_consent_head (
  id            INT    NOT NULL PRIMARY KEY CHECK (id = 1),
  last_sequence BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

INSERT INTO tc_consent_head (id, last_sequence) VALUES (1, 0);
