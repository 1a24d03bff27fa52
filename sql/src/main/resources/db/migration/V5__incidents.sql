-- OneKey schema, version 5: no-response rescue (issue 8).
--
-- An incident is opened when an elder on an SOS call does not respond. Every call it plans is a step
-- row with a state, written BEFORE the call is placed, so that after a restart (or kill -9) the
-- incident continues where it was and no step is dialled twice.
--
-- open_elder equals elder_id while the incident is open and is NULL once it is closed: its unique
-- index allows at most one open incident per elder (NULLs do not collide on either engine).
CREATE TABLE incidents (
  id          BIGINT AUTO_INCREMENT PRIMARY KEY,
  elder_id    BIGINT       NOT NULL,
  call_id     BIGINT,
  agent_id    BIGINT,
  opened_at   BIGINT       NOT NULL,
  opened_by   VARCHAR(64),
  reason      VARCHAR(32)  NOT NULL,
  state       VARCHAR(16)  NOT NULL,
  closed_at   BIGINT,
  outcome     VARCHAR(255),
  open_elder  BIGINT
);
CREATE UNIQUE INDEX uq_incidents_open_elder ON incidents (open_elder);
CREATE INDEX ix_incidents_elder ON incidents (elder_id, opened_at);

-- kind: redial (more kinds follow: contact, elder-retry, follow-up). state: planned → dialing → done.
-- result: spoke, silent, no-answer, busy, failed, hung-up, unknown (the server restarted while dialling).
CREATE TABLE incident_steps (
  id           BIGINT AUTO_INCREMENT PRIMARY KEY,
  incident_id  BIGINT       NOT NULL,
  seq          INT          NOT NULL,
  kind         VARCHAR(32)  NOT NULL,
  target       VARCHAR(32),
  due_at       BIGINT       NOT NULL,
  state        VARCHAR(16)  NOT NULL,
  started_at   BIGINT,
  ended_at     BIGINT,
  result       VARCHAR(32),
  detail       VARCHAR(255),
  CONSTRAINT fk_incident_steps_incident FOREIGN KEY (incident_id) REFERENCES incidents (id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX uq_incident_steps_seq ON incident_steps (incident_id, seq);
CREATE INDEX ix_incident_steps_due ON incident_steps (state, due_at);
