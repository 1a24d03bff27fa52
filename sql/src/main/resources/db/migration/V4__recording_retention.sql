-- OneKey schema, version 4: recording retention and legal hold (issue 6).
--
-- A recording older than the retention policy loses its audio file but keeps its row: the call history,
-- the checksum and the fact that a recording existed stay. removed_at / removed_reason say when and why
-- the file went. A supervisor can put a recording on hold (a complaint, an inquiry, a court order): a held
-- recording is never removed, whatever its age; hold_by / hold_at / hold_reason say who, when, why.
ALTER TABLE recordings ADD COLUMN on_hold BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE recordings ADD COLUMN hold_by VARCHAR(64);
ALTER TABLE recordings ADD COLUMN hold_at BIGINT;
ALTER TABLE recordings ADD COLUMN hold_reason VARCHAR(500);
ALTER TABLE recordings ADD COLUMN removed_at BIGINT;
ALTER TABLE recordings ADD COLUMN removed_reason VARCHAR(200);
-- the retention run asks for old rows not yet removed
CREATE INDEX ix_recordings_created ON recordings (created_at);
