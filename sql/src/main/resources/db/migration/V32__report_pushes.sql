-- OneKey schema, version 32: the monthly report pushed to the district's platform (issue 22, "optionally pushed to
-- the district platform by a signed webhook"). One row per monthly report and configured URL, written when the report
-- is made and before the first delivery, so a push survives a restart: pending rows are delivered when the server
-- starts again. state: pending, delivered, failed (every attempt refused); next_at: when the next attempt is due.
-- body: the JSON posted (the month, the files' links and the calls summary; no personal data).
CREATE TABLE report_pushes (
  id            BIGINT AUTO_INCREMENT PRIMARY KEY,
  report_month  VARCHAR(7)     NOT NULL,
  url           VARCHAR(1000)  NOT NULL,
  body          VARCHAR(8000)  NOT NULL,
  state         VARCHAR(16)    NOT NULL,
  attempts      INT            NOT NULL,
  next_at       BIGINT         NOT NULL,
  last_detail   VARCHAR(255),
  created_at    BIGINT         NOT NULL,
  delivered_at  BIGINT
);
CREATE INDEX ix_report_pushes_due ON report_pushes (state, next_at);
