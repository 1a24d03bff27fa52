-- OneKey schema, version 8: voice broadcasts (issue 9) — booking confirmations, reminders, care check-ins.
--
-- A broadcast is one message for one elder (template + fields), rendered in the elder's language and
-- synthesised WHEN SCHEDULED (message, language and the prompt file are kept here), then delivered by
-- attempts. Every attempt is a row with a state written BEFORE the call is placed (planned → dialing →
-- done, each a conditional UPDATE), so a restart (or kill -9) neither loses nor repeats an attempt.
--
-- broadcasts.state: scheduled → calling → confirmed | transferred | failed | cancelled.
-- kind: booking (registration, taxi), reminder, check-in; parent_id: the booking a reminder belongs to.
CREATE TABLE broadcasts (
  id           BIGINT AUTO_INCREMENT PRIMARY KEY,
  elder_id     BIGINT        NOT NULL,
  template     VARCHAR(32)   NOT NULL,
  kind         VARCHAR(16)   NOT NULL,
  fields       VARCHAR(2000) NOT NULL,
  language     VARCHAR(8)    NOT NULL,
  message      VARCHAR(2000) NOT NULL,
  prompt       VARCHAR(500)  NOT NULL,
  prompt_ms    BIGINT        NOT NULL,
  urgent       BOOLEAN       NOT NULL,
  state        VARCHAR(16)   NOT NULL,
  created_at   BIGINT        NOT NULL,
  created_by   VARCHAR(64),
  account_id   BIGINT,
  due_at       BIGINT        NOT NULL,
  parent_id    BIGINT,
  ended_at     BIGINT,
  outcome      VARCHAR(255),
  campaign_id  BIGINT
);
CREATE INDEX ix_broadcasts_campaign ON broadcasts (campaign_id);
CREATE INDEX ix_broadcasts_elder ON broadcasts (elder_id, created_at);
CREATE INDEX ix_broadcasts_state ON broadcasts (state);

-- state: planned → dialing → done. result: answered (while the call is up), confirmed, repeated, transferred,
-- no-confirm, no-answer, busy, failed, hung-up-early, unknown (the server restarted while this call was placed),
-- cancelled. digits: the keys the elder pressed, in order. recording: the MixMonitor file of the answered call.
CREATE TABLE broadcast_attempts (
  id            BIGINT AUTO_INCREMENT PRIMARY KEY,
  broadcast_id  BIGINT        NOT NULL,
  seq           INT           NOT NULL,
  phone         VARCHAR(32)   NOT NULL,
  due_at        BIGINT        NOT NULL,
  state         VARCHAR(16)   NOT NULL,
  started_at    BIGINT,
  ended_at      BIGINT,
  result        VARCHAR(32),
  digits        VARCHAR(32),
  recording     VARCHAR(500),
  detail        VARCHAR(255),
  CONSTRAINT fk_broadcast_attempts_broadcast FOREIGN KEY (broadcast_id) REFERENCES broadcasts (id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX uq_broadcast_attempts_seq ON broadcast_attempts (broadcast_id, seq);
CREATE INDEX ix_broadcast_attempts_due ON broadcast_attempts (state, due_at);

-- A campaign (care calls over elders chosen by attributes): one broadcast per elder, campaign_id set.
-- state: running ⇄ paused (no new attempt starts while paused), then done or cancelled.
CREATE TABLE campaigns (
  id          BIGINT AUTO_INCREMENT PRIMARY KEY,
  name        VARCHAR(128)  NOT NULL,
  template    VARCHAR(32)   NOT NULL,
  fields      VARCHAR(2000) NOT NULL,
  selection   VARCHAR(1000) NOT NULL,
  state       VARCHAR(16)   NOT NULL,
  created_at  BIGINT        NOT NULL,
  created_by  VARCHAR(64),
  elder_count INT           NOT NULL
);
