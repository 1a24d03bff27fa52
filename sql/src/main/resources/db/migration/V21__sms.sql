-- OneKey schema, version 21: text messages (issue 20). The SOS family is told by SMS at once ("同时通过短信通知指定
-- 的家属"). A text is a row BEFORE it is handed to the SMSC, so a text waits through an SMSC outage and after a
-- kill -9 a submit that was in flight (state 'sending') is marked 'unknown' and never submitted again.
-- state: queued -> sending -> submitted -> delivered | failed | expired | unknown; queued -> failed (a permanent
-- rejection such as ESME_RINVDSTADR, with its code in error_code).
CREATE TABLE sms_messages (
  id             BIGINT AUTO_INCREMENT PRIMARY KEY,
  created_at     BIGINT        NOT NULL,
  to_number      VARCHAR(32)   NOT NULL,
  text           VARCHAR(2000) NOT NULL,
  template       VARCHAR(64),
  reason         VARCHAR(64)   NOT NULL,
  language       VARCHAR(16),
  elder_id       BIGINT,
  incident_id    BIGINT,
  incident_step  BIGINT,
  ref            VARCHAR(128),
  by_user        VARCHAR(64),
  state          VARCHAR(16)   NOT NULL,
  parts          INT           NOT NULL DEFAULT 1,
  smsc_ids       VARCHAR(600),
  error_code     VARCHAR(32),
  error_text     VARCHAR(300),
  attempts       INT           NOT NULL DEFAULT 0,
  due_at         BIGINT        NOT NULL,
  sending_at     BIGINT,
  submitted_at   BIGINT,
  done_at        BIGINT
);
CREATE INDEX ix_sms_due ON sms_messages (state, due_at);
CREATE INDEX ix_sms_elder ON sms_messages (elder_id, id);
CREATE INDEX ix_sms_incident ON sms_messages (incident_id, id);
CREATE INDEX ix_sms_to ON sms_messages (to_number, id);
-- one of "once per (reason, ref, to)": the same trigger twice (a replayed event) queues one text
CREATE UNIQUE INDEX uq_sms_ref ON sms_messages (ref, to_number);

-- A long text goes as several concatenated parts, each with the SMSC's message id; delivery receipts name it.
CREATE TABLE sms_parts (
  message_id     BIGINT        NOT NULL,
  part           INT           NOT NULL,
  smsc_id        VARCHAR(64)   NOT NULL,
  state          VARCHAR(16)   NOT NULL,
  error_code     VARCHAR(32),
  receipt_at     BIGINT,
  CONSTRAINT pk_sms_parts PRIMARY KEY (message_id, part),
  CONSTRAINT fk_sms_parts_message FOREIGN KEY (message_id) REFERENCES sms_messages (id) ON DELETE CASCADE
);
CREATE INDEX ix_sms_parts_smsc ON sms_parts (smsc_id);

-- Replies and other texts received (deliver_sm that is not a receipt).
CREATE TABLE sms_inbound (
  id             BIGINT AUTO_INCREMENT PRIMARY KEY,
  received_at    BIGINT        NOT NULL,
  from_number    VARCHAR(32)   NOT NULL,
  text           VARCHAR(2000) NOT NULL,
  elder_id       BIGINT,
  incident_id    BIGINT,
  meaning        VARCHAR(16)   NOT NULL
);
CREATE INDEX ix_sms_inbound_incident ON sms_inbound (incident_id, id);

-- An emergency contact's wish for texts (REST contacts[i].notifySms); NULL: the default (a mobile number yes, a
-- landline no).
ALTER TABLE elder_contacts ADD COLUMN notify_sms BOOLEAN;
