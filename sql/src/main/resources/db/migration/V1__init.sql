-- OneKey schema, version 1.
--
-- One script for both engines: H2 (opened with MODE=MariaDB;DATABASE_TO_LOWER=TRUE) and MariaDB 10.11.
-- jOOQ classes (package onekey.store.jooq) are generated from this file by parsing it, so keep to the
-- common subset: BIGINT AUTO_INCREMENT PRIMARY KEY, VARCHAR, DATE, BOOLEAN, INT; named constraints and
-- indexes (index names are unique per schema in H2); lowercase names; no reserved words as names.
-- Times are BIGINT epoch milliseconds. Long text is VARCHAR (not TEXT: TEXT becomes a CLOB in H2), sized so
-- that a row stays under MariaDB's 65,535-byte row limit with utf8mb4 (4 bytes a character).

-- Dialled numbers (DNIS) and the service each stands for. Named service_lines, not lines: LINES is a
-- reserved word in MariaDB (LOAD DATA ... LINES TERMINATED BY) and jOOQ renders names unquoted.
CREATE TABLE service_lines (
  number   VARCHAR(32)  NOT NULL PRIMARY KEY,
  service  VARCHAR(16)  NOT NULL,
  priority INT          NOT NULL,
  name     VARCHAR(128) NOT NULL
);

CREATE TABLE elders (
  id                BIGINT AUTO_INCREMENT PRIMARY KEY,
  name              VARCHAR(128)  NOT NULL,
  birth_date        DATE,
  gender            VARCHAR(16),
  address           VARCHAR(500),
  landmarks         VARCHAR(1000),
  district          VARCHAR(64),
  language          VARCHAR(8),
  category          VARCHAR(32),
  health_conditions VARCHAR(2000),
  medications       VARCHAR(2000),
  allergies         VARCHAR(1000),
  mobility          VARCHAR(500),
  device            VARCHAR(64),
  notes             VARCHAR(2000),
  created_at        BIGINT        NOT NULL,
  updated_at        BIGINT        NOT NULL
);
CREATE INDEX ix_elders_name ON elders (name);

-- An elder's phone numbers, normalized (PhoneNumbers.normalize). The unique index on phone is the
-- caller-number lookup of every inbound call (ElderRepository.findByPhone); one phone, one elder.
CREATE TABLE elder_phones (
  elder_id BIGINT      NOT NULL,
  ord      INT         NOT NULL,
  phone    VARCHAR(32) NOT NULL,
  CONSTRAINT pk_elder_phones PRIMARY KEY (elder_id, ord),
  CONSTRAINT fk_elder_phones_elder FOREIGN KEY (elder_id) REFERENCES elders (id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX uq_elder_phones_phone ON elder_phones (phone);

-- Emergency contacts, called in ord order (service rules: children first, then the neighbourhood
-- committee, then the community station).
CREATE TABLE elder_contacts (
  elder_id BIGINT       NOT NULL,
  ord      INT          NOT NULL,
  name     VARCHAR(128) NOT NULL,
  relation VARCHAR(64),
  phone    VARCHAR(32),
  CONSTRAINT pk_elder_contacts PRIMARY KEY (elder_id, ord),
  CONSTRAINT fk_elder_contacts_elder FOREIGN KEY (elder_id) REFERENCES elders (id) ON DELETE CASCADE
);

CREATE TABLE accounts (
  id            BIGINT AUTO_INCREMENT PRIMARY KEY,
  username      VARCHAR(64)  NOT NULL,
  password_hash VARCHAR(255) NOT NULL,
  account_role  VARCHAR(16)  NOT NULL,
  extension     VARCHAR(32),
  sip_secret    VARCHAR(128),
  display_name  VARCHAR(128),
  enabled       BOOLEAN      NOT NULL DEFAULT TRUE
);
CREATE UNIQUE INDEX uq_accounts_username ON accounts (username);
-- Several accounts may have no extension (NULLs do not collide in a unique index on either engine).
CREATE UNIQUE INDEX uq_accounts_extension ON accounts (extension);

-- Bearer tokens: only the SHA-256 (hex) of a token is stored.
CREATE TABLE api_tokens (
  token_sha256 CHAR(64) NOT NULL PRIMARY KEY,
  account_id   BIGINT   NOT NULL,
  expires_at   BIGINT   NOT NULL,
  CONSTRAINT fk_api_tokens_account FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE
);
CREATE INDEX ix_api_tokens_expires ON api_tokens (expires_at);

-- Audit trail of personal-data access. No foreign key on account_id: the trail outlives accounts.
CREATE TABLE audit_log (
  id           BIGINT AUTO_INCREMENT PRIMARY KEY,
  at_ms        BIGINT       NOT NULL,
  account_id   BIGINT,
  username     VARCHAR(64),
  audit_action VARCHAR(64)  NOT NULL,
  target_type  VARCHAR(32),
  target_id    VARCHAR(64),
  detail       VARCHAR(4000)
);
CREATE INDEX ix_audit_log_target ON audit_log (target_type, target_id, at_ms);
CREATE INDEX ix_audit_log_at ON audit_log (at_ms);

-- One row per call (linkedid). elder_id / agent_id / recording_id carry no foreign keys on purpose:
-- recording a call must never fail on a constraint (architecture: degrade, never drop a call).
CREATE TABLE calls (
  id             BIGINT AUTO_INCREMENT PRIMARY KEY,
  linkedid       VARCHAR(64)   NOT NULL,
  caller_channel VARCHAR(128),
  caller_number  VARCHAR(64),
  dnis           VARCHAR(32),
  service        VARCHAR(16),
  priority       INT           NOT NULL DEFAULT 0,
  elder_id       BIGINT,
  agent_id       BIGINT,
  agent_name     VARCHAR(128),
  arrived_at     BIGINT        NOT NULL,
  queued_at      BIGINT,
  answered_at    BIGINT,
  ended_at       BIGINT,
  wait_ms        BIGINT,
  talk_ms        BIGINT,
  outcome        VARCHAR(16),
  disposition    VARCHAR(64),
  notes          VARCHAR(4000),
  fail_open      BOOLEAN       NOT NULL DEFAULT FALSE,
  recording_id   BIGINT
);
CREATE UNIQUE INDEX uq_calls_linkedid ON calls (linkedid);
CREATE INDEX ix_calls_elder_arrived ON calls (elder_id, arrived_at);
CREATE INDEX ix_calls_arrived ON calls (arrived_at);
CREATE INDEX ix_calls_ended ON calls (ended_at);

CREATE TABLE call_events (
  id         BIGINT AUTO_INCREMENT PRIMARY KEY,
  call_id    BIGINT        NOT NULL,
  at_ms      BIGINT        NOT NULL,
  event_type VARCHAR(64)   NOT NULL,
  detail     VARCHAR(4000),
  CONSTRAINT fk_call_events_call FOREIGN KEY (call_id) REFERENCES calls (id) ON DELETE CASCADE
);
CREATE INDEX ix_call_events_call ON call_events (call_id, at_ms);

-- Recording index. path may exceed what MariaDB can put in a unique index (3072 bytes = 768 utf8mb4
-- characters), so uniqueness is on path_sha256 (hex SHA-256 of the UTF-8 path).
CREATE TABLE recordings (
  id          BIGINT AUTO_INCREMENT PRIMARY KEY,
  call_id     BIGINT,
  path        VARCHAR(1024) NOT NULL,
  path_sha256 CHAR(64)      NOT NULL,
  duration_ms BIGINT        NOT NULL DEFAULT 0,
  size_bytes  BIGINT        NOT NULL DEFAULT 0,
  sha256      CHAR(64),
  status      VARCHAR(16)   NOT NULL,
  created_at  BIGINT        NOT NULL,
  CONSTRAINT fk_recordings_call FOREIGN KEY (call_id) REFERENCES calls (id) ON DELETE SET NULL
);
CREATE UNIQUE INDEX uq_recordings_path ON recordings (path_sha256);
CREATE INDEX ix_recordings_call ON recordings (call_id);
