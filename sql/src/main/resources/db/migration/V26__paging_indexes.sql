-- OneKey schema, version 26 (issue 22): paging of GET /api/calls, /api/incidents and /api/audit by keyset on
-- (time, id), newest first. calls (arrived_at) and audit_log (at_ms) have their indexes (V1; both engines keep the
-- primary key in a secondary index, so they serve (time, id)); these are the ones the lists lacked: all incidents by
-- time (the board's and the district's history), an agent's own calls, one person's audit trail.
-- all incidents by time: ix_incidents_opened, made by V23 for the district's reports (the same index serves both)
CREATE INDEX ix_calls_agent_arrived ON calls (agent_id, arrived_at);
CREATE INDEX ix_audit_log_user_at ON audit_log (username, at_ms);
