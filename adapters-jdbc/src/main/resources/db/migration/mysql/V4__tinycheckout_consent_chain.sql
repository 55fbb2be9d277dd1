-- tinycheckout consent audit trail, MySQL 8 and MariaDB 10.6+: a hash chain of consent entries, its
-- head row, and the per-subject keys that seal personal data. Replaces tc_consent and
-- tc_consent_head of V1, which nothing writes any more (see docs/storage.md#consent). Never edit
-- an applied migration; add a new one.
--
-- The triggers at the end need the TRIGGER privilege and, on a server with binary logging and
-- log_bin_trust_function_creators=OFF, SUPER (error 1419): set log_bin_trust_function_creators=1
-- (on a managed server, in its parameter group) before migrating.

-- One row per consent event, never updated or deleted (the triggers below refuse it). The columns
-- are ConsentEntry's fields; hash = SHA-256 of the entry's canonical bytes, which include
-- previous_hash, so the rows form one chain numbered 1, 2, 3, ... (see ConsentEntry's Javadoc).
-- Hex columns are ASCII: a quarter of utf8mb4's room in the indexes.
CREATE TABLE tc_consent_entry (
  sequence_no          BIGINT      NOT NULL PRIMARY KEY,
  subject_id           CHAR(64)    CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  action               VARCHAR(16) NOT NULL,
  purpose              VARCHAR(32) NOT NULL,
  terms_version        VARCHAR(64) NOT NULL,
  terms_hash           CHAR(64)    CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  channel              VARCHAR(32) NOT NULL,
  order_id             VARCHAR(36) NOT NULL,
  recorded_at          DATETIME(6) NOT NULL,
  sealed_personal_data TEXT        CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  previous_hash        CHAR(64)    CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  hash                 CHAR(64)    CHARACTER SET ascii COLLATE ascii_bin NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE INDEX tc_consent_entry_order ON tc_consent_entry (order_id, sequence_no);

CREATE INDEX tc_consent_entry_subject ON tc_consent_entry (subject_id, sequence_no);

-- The chain's head: the sequence and hash of the last entry. Every append locks this one row
-- (SELECT ... FOR UPDATE) until commit, so appends are serialised and the chain has no gap or fork.
CREATE TABLE tc_consent_chain_head (
  id            INT      NOT NULL PRIMARY KEY CHECK (id = 1),
  last_sequence BIGINT   NOT NULL,
  last_hash     CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

INSERT INTO tc_consent_chain_head (id, last_sequence, last_hash)
  VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- The AES-256 key of each data subject; erasure deletes the row. The only consent table whose
-- rows change.
CREATE TABLE tc_consent_subject_key (
  subject_id CHAR(64)      CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
  key_bytes  VARBINARY(64) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- tc_consent_entry is append-only: refuse UPDATE and DELETE, whoever asks. (TRUNCATE TABLE fires
-- no trigger on MySQL; it needs the DROP privilege, which the shop's user should not have.) Each
-- body is a single statement, so the script needs no DELIMITER.
CREATE TRIGGER tc_consent_entry_no_update BEFORE UPDATE ON tc_consent_entry FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'tc_consent_entry is append-only: UPDATE refused';

CREATE TRIGGER tc_consent_entry_no_delete BEFORE DELETE ON tc_consent_entry FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'tc_consent_entry is append-only: DELETE refused';
