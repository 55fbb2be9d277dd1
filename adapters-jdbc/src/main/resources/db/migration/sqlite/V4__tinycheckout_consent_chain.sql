-- tinycheckout consent audit trail, SQLite 3.35+: a hash chain of consent entries, its head row,
-- and the per-subject keys that seal personal data. Replaces tc_consent and tc_consent_head of V1,
-- which nothing writes any more (see docs/storage.md#consent). Never edit an applied migration;
-- add a new one. recorded_at is INTEGER microseconds since the epoch, as every instant here.

-- One row per consent event, never updated or deleted (the triggers below refuse it). The columns
-- are ConsentEntry's fields; hash = SHA-256 of the entry's canonical bytes, which include
-- previous_hash, so the rows form one chain numbered 1, 2, 3, ... (see ConsentEntry's Javadoc).
CREATE TABLE tc_consent_entry (
  sequence_no          INTEGER     NOT NULL PRIMARY KEY,
  subject_id           CHAR(64)    NOT NULL,
  action               VARCHAR(16) NOT NULL,
  purpose              VARCHAR(32) NOT NULL,
  terms_version        VARCHAR(64) NOT NULL,
  terms_hash           CHAR(64)    NOT NULL,
  channel              VARCHAR(32) NOT NULL,
  order_id             VARCHAR(36) NOT NULL,
  recorded_at          INTEGER     NOT NULL,
  sealed_personal_data TEXT        NOT NULL,
  previous_hash        CHAR(64)    NOT NULL,
  hash                 CHAR(64)    NOT NULL
);

CREATE INDEX tc_consent_entry_order ON tc_consent_entry (order_id, sequence_no);

CREATE INDEX tc_consent_entry_subject ON tc_consent_entry (subject_id, sequence_no);

-- The chain's head: the sequence and hash of the last entry. Appends read and advance it inside
-- the unit of work's BEGIN IMMEDIATE, which already admits one writer at a time.
CREATE TABLE tc_consent_chain_head (
  id            INT      NOT NULL PRIMARY KEY CHECK (id = 1),
  last_sequence BIGINT   NOT NULL,
  last_hash     CHAR(64) NOT NULL
);

INSERT INTO tc_consent_chain_head (id, last_sequence, last_hash)
  VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- The AES-256 key of each data subject; erasure deletes the row. The only consent table whose
-- rows change.
CREATE TABLE tc_consent_subject_key (
  subject_id CHAR(64) NOT NULL PRIMARY KEY,
  key_bytes  BLOB     NOT NULL
);

-- tc_consent_entry is append-only: refuse UPDATE and DELETE (SQLite has no TRUNCATE; a DELETE
-- without WHERE runs these triggers too). Each trigger is one line, as the migrator splits
-- statements at a ';' that ends a line.
CREATE TRIGGER tc_consent_entry_no_update BEFORE UPDATE ON tc_consent_entry BEGIN SELECT RAISE(ABORT, 'tc_consent_entry is append-only: UPDATE refused'); END;

CREATE TRIGGER tc_consent_entry_no_delete BEFORE DELETE ON tc_consent_entry BEGIN SELECT RAISE(ABORT, 'tc_consent_entry is append-only: DELETE refused'); END;
