-- OneKey schema, version 2: idempotency keys for rows written through the call journal.
--
-- The cti-server journals call rows, timeline events and audit rows to a local file before it writes
-- them, and writes them again after a crash or a database outage (at least once). op_key is the
-- journal's key of the row: a second write of the same row hits the unique index and is skipped, so
-- nothing is lost and nothing is doubled. Rows written outside the journal leave it NULL (NULLs do not
-- collide in a unique index on either engine).
ALTER TABLE call_events ADD COLUMN op_key VARCHAR(64);
CREATE UNIQUE INDEX uq_call_events_op_key ON call_events (op_key);

ALTER TABLE audit_log ADD COLUMN op_key VARCHAR(64);
CREATE UNIQUE INDEX uq_audit_log_op_key ON audit_log (op_key);
