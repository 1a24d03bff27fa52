-- OneKey schema, version 17: quality checking of seats (质检, issue 19 item 5; service rules "Staffing": QA staff who
-- monitor service quality; seeds: 坐席质检, 教学案例制作).
-- The score sheet's form: one row (id 1) with its items and weights as JSON, and the share of calls other than SOS
-- drawn into the QA sample (every SOS call is in it). Absent: the built-in form (QaForm.DEFAULT) and 5 %.
CREATE TABLE qa_settings (
  id             BIGINT        PRIMARY KEY,
  form           VARCHAR(4000) NOT NULL,
  sample_percent INT           NOT NULL,
  updated_at     BIGINT        NOT NULL,
  updated_by     VARCHAR(64)
);
-- One score sheet per call (a second scoring replaces the first and asks the agent again). scores: JSON
-- {"item": points 0-5}; total: 0-100 from the form's weights at the time of scoring; the agent acknowledges it.
CREATE TABLE qa_scores (
  id          BIGINT AUTO_INCREMENT PRIMARY KEY,
  call_id     BIGINT        NOT NULL,
  agent_id    BIGINT,
  scored_at   BIGINT        NOT NULL,
  scored_by   VARCHAR(64)   NOT NULL,
  scores      VARCHAR(2000) NOT NULL,
  form        VARCHAR(4000) NOT NULL,
  total       INT           NOT NULL,
  comment     VARCHAR(1000),
  acked_at    BIGINT,
  ack_note    VARCHAR(500)
);
CREATE UNIQUE INDEX uq_qa_scores_call ON qa_scores (call_id);
CREATE INDEX ix_qa_scores_agent ON qa_scores (agent_id, scored_at);
-- Calls kept as teaching cases (教学案例): listed for training; their recordings are put on hold, so retention
-- never removes them.
CREATE TABLE teaching_cases (
  call_id    BIGINT        PRIMARY KEY,
  marked_at  BIGINT        NOT NULL,
  marked_by  VARCHAR(64)   NOT NULL,
  note       VARCHAR(500)
);
