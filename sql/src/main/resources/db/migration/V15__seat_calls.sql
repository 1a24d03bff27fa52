-- OneKey schema, version 15: every call a seat makes or takes is recorded and has a call row (issue 18 item 7).
-- Calls placed by a seat's phone (click-to-call, 120/110/119 and contact buttons, consult legs, the follow-up call)
-- are rows of calls like the elders' own: one per linkedid, with the recording linked by the indexer. direction is
-- NULL for the calls that came in through the trunk (every row before this version) and 'seat' for a call a seat's
-- phone placed; incident_id / step_id link a seat's call to the rescue incident (and the step) it was made for.
ALTER TABLE calls ADD COLUMN direction VARCHAR(16);
ALTER TABLE calls ADD COLUMN incident_id BIGINT;
ALTER TABLE calls ADD COLUMN step_id BIGINT;
CREATE INDEX ix_calls_incident ON calls (incident_id);
