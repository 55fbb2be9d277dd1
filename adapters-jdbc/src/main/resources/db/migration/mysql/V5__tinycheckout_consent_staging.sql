-- tinycheckout consent trail, MySQL 8 and MariaDB 10.6+: the staging area. A checkout stages its
-- consent drafts here in its own transaction, without the head lock of tc_consent_chain_head;
-- ConsentAudit then chains them in batches (ConsentLog.chainStaged): one transaction locks the
-- head, appends each staged draft to tc_consent_entry in stage_no order and deletes it from here.
-- Rows live here for milliseconds; they are not tamper-evident until chained
-- (docs/compliance.md#staging). Never edit an applied migration; add a new one.

CREATE TABLE tc_consent_staged (
  stage_no             BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  subject_id           CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  action               VARCHAR(16) NOT NULL,
  purpose              VARCHAR(32) NOT NULL,
  terms_version        VARCHAR(64) NOT NULL,
  terms_hash           CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  channel              VARCHAR(32) NOT NULL,
  order_id             VARCHAR(36) NOT NULL,
  recorded_at          DATETIME(6) NOT NULL,
  sealed_personal_data TEXT CHARACTER SET ascii COLLATE ascii_bin NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
