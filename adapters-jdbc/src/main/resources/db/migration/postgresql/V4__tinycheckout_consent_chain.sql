-- tinycheckout consent audit trail, PostgreSQL 14+: a hash chain of consent entries, its head row,
-- and the per-subject keys that seal personal data. Replaces tc_consent and tc_consent_head of V1,
-- which nothing writes any more (see docs/storage.md#consent). Never edit an applied migration;
-- add a new one.

-- One row per consent event, never updated or deleted (the triggers below refuse it). The columns
-- are ConsentEntry's fields; hash = SHA-256 of the entry's canonical bytes, which include
-- previous_hash, so the rows form one chain numbered 1, 2, 3, ... (see ConsentEntry's Javadoc).
CREATE TABLE tc_consent_entry (
  sequence_no          BIGINT      NOT NULL PRIMARY KEY,
  subject_id           CHAR(64)    NOT NULL,
  action               VARCHAR(16) NOT NULL,
  purpose              VARCHAR(32) NOT NULL,
  terms_version        VARCHAR(64) NOT NULL,
  terms_hash           CHAR(64)    NOT NULL,
  channel              VARCHAR(32) NOT NULL,
  order_id             VARCHAR(36) NOT NULL,
  recorded_at          TIMESTAMPTZ NOT NULL,
  sealed_personal_data TEXT        NOT NULL,
  previous_hash        CHAR(64)    NOT NULL,
  hash                 CHAR(64)    NOT NULL
);

CREATE INDEX tc_consent_entry_order ON tc_consent_entry (order_id, sequence_no);

CREATE INDEX tc_consent_entry_subject ON tc_consent_entry (subject_id, sequence_no);

-- The chain's head: the sequence and hash of the last entry. Every append locks this one row
-- (SELECT ... FOR UPDATE) until commit, so appends are serialised and the chain has no gap or fork.
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
  key_bytes  BYTEA    NOT NULL
);

-- tc_consent_entry is append-only: refuse UPDATE, DELETE and TRUNCATE, whoever asks. A superuser
-- or the table's owner can still disable the triggers; that is what checkpoints kept outside the
-- database are for.
CREATE FUNCTION tc_consent_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'tc_consent_entry is append-only: % refused', TG_OP
    USING HINT = 'consent entries are never changed or removed; erasure deletes the subject key'
                 ' in tc_consent_subject_key instead (docs/storage.md#consent)';
END;
$$;

CREATE TRIGGER tc_consent_entry_no_update_or_delete
  BEFORE UPDATE OR DELETE ON tc_consent_entry
  FOR EACH ROW EXECUTE FUNCTION tc_consent_entry_append_only();

CREATE TRIGGER tc_consent_entry_no_truncate
  BEFORE TRUNCATE ON tc_consent_entry
  FOR EACH STATEMENT EXECUTE FUNCTION tc_consent_entry_append_only();
