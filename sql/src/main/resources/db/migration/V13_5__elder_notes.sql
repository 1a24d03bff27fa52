-- OneKey schema, version 13.5: notes appended to an elder's record (issue 18; service rules, Emergency help 2 and
-- No response 3: "record the rescue in the system and update the elder's record"). A seat may add a note, never
-- rewrite the record (PUT /api/elders is for supervisors): each note is a row with who wrote it and when.
-- Version 13.5, not 14: another branch of issue 18 may add version 13; both apply in order.
CREATE TABLE elder_notes (
  id         BIGINT AUTO_INCREMENT PRIMARY KEY,
  elder_id   BIGINT        NOT NULL,
  created_at BIGINT        NOT NULL,
  username   VARCHAR(64)   NOT NULL,
  text       VARCHAR(2000) NOT NULL,
  CONSTRAINT fk_elder_notes_elder FOREIGN KEY (elder_id) REFERENCES elders (id) ON DELETE CASCADE
);
CREATE INDEX ix_elder_notes_elder ON elder_notes (elder_id, id);
