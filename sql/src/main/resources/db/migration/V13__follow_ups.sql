-- OneKey schema, version 13: follow-up calls that belong to no incident (issue 18 item 5; service rules "Emergency
-- help" 3 and "Consultation": a follow-up within 2 days, asking satisfaction). Every answered call on the SOS line
-- and every answered consultation gets one row, due within rescue.followUpHours of the call's end; one per call
-- (the unique linkedid makes creating it idempotent: a call ended twice, or after a restart, is followed up once).
-- state open -> done; a "not reached" outcome stays open (result not-reached, attempts counted). Incidents keep
-- their own follow-up as a step (kind follow-up) in incident_steps; the worklist lists both.
CREATE TABLE follow_ups (
  id            BIGINT AUTO_INCREMENT PRIMARY KEY,
  linkedid      VARCHAR(64)  NOT NULL,
  call_id       BIGINT,
  elder_id      BIGINT,
  number        VARCHAR(32),
  agent_id      BIGINT,
  reason        VARCHAR(16)  NOT NULL,
  created_at    BIGINT       NOT NULL,
  due_at        BIGINT       NOT NULL,
  state         VARCHAR(16)  NOT NULL,
  attempts      INT          DEFAULT 0 NOT NULL,
  result        VARCHAR(32),
  detail        VARCHAR(255),
  ended_at      BIGINT
);
CREATE UNIQUE INDEX uq_follow_ups_linkedid ON follow_ups (linkedid);
CREATE INDEX ix_follow_ups_open ON follow_ups (state, due_at);
