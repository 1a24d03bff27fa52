-- OneKey schema, version 19: every agent state change, kept so the per-agent workload of a day (issue 19 item 7:
-- calls, talk, wrap-up, not-ready time by reason) is computed from rows, not from what the server remembers.
CREATE TABLE agent_state_log (
  id          BIGINT AUTO_INCREMENT PRIMARY KEY,
  account_id  BIGINT       NOT NULL,
  username    VARCHAR(64)  NOT NULL,
  state       VARCHAR(16)  NOT NULL,
  reason      VARCHAR(64),
  since       BIGINT       NOT NULL
);
CREATE INDEX ix_agent_state_log_agent ON agent_state_log (account_id, since);
