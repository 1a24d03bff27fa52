-- OneKey schema, version 16: supervisors' alerts (issue 19, item 1; ARCHITECTURE "Faults": nobody ready, an SOS call
-- unanswered too long -> supervisors alerted at once). Every queue.alert / system.alert the server raises is kept
-- with an id, so a supervisor who signs in later still sees it, and it is handled once: acknowledged by one
-- supervisor with a note (who, when), which every other supervisor sees.
CREATE TABLE alerts (
  id            BIGINT AUTO_INCREMENT PRIMARY KEY,
  raised_at     BIGINT        NOT NULL,
  event_type    VARCHAR(32)   NOT NULL,
  kind          VARCHAR(64)   NOT NULL,
  urgent        BOOLEAN       NOT NULL DEFAULT FALSE,
  call_id       BIGINT,
  linkedid      VARCHAR(64),
  incident_id   BIGINT,
  message       VARCHAR(1000),
  body          VARCHAR(4000) NOT NULL,
  acked_at      BIGINT,
  acked_by      VARCHAR(64),
  ack_note      VARCHAR(500)
);
CREATE INDEX ix_alerts_open ON alerts (acked_at, id);
