-- OneKey schema, version 23: the elder's archive (档案) and the district's reports (issue 22).
--
-- The archive beside the record: economic hardship (经济困难), care level (self-care 自理 / assisted 介助 /
-- nursing 介护), enrolment (state pending / enrolled / suspended / withdrawn and the date), the documents signed at
-- installation (user notice 用户须知, registration form 登记表: date and a document reference, e.g. the scan's
-- number) and the 人工代呼 agreement (the centre may call 120 on the elder's behalf; the SOS pop shows its absence
-- in red). The medical-insurance card number is stored only sealed with AES-GCM (insurance_card_sealed: base64 of
-- the 12-byte nonce and the ciphertext with its tag; the key comes from the environment, never the database);
-- insurance_card_last4 is what the record shows (masked), the number itself only through an audited reveal.
ALTER TABLE elders ADD COLUMN economic_hardship BOOLEAN DEFAULT FALSE NOT NULL;
ALTER TABLE elders ADD COLUMN care_level VARCHAR(16);
ALTER TABLE elders ADD COLUMN enrolment_state VARCHAR(16);
ALTER TABLE elders ADD COLUMN enrolled_on DATE;
ALTER TABLE elders ADD COLUMN notice_signed_on DATE;
ALTER TABLE elders ADD COLUMN notice_ref VARCHAR(128);
ALTER TABLE elders ADD COLUMN form_signed_on DATE;
ALTER TABLE elders ADD COLUMN form_ref VARCHAR(128);
ALTER TABLE elders ADD COLUMN proxy_call_signed_on DATE;
ALTER TABLE elders ADD COLUMN proxy_call_ref VARCHAR(128);
ALTER TABLE elders ADD COLUMN insurance_card_sealed VARCHAR(255);
ALTER TABLE elders ADD COLUMN insurance_card_last4 VARCHAR(4);
CREATE INDEX ix_elders_category_care ON elders (category, care_level);

-- The reports read periods of the stored timelines: each table by the time its figures are counted on.
CREATE INDEX ix_incidents_opened ON incidents (opened_at);
CREATE INDEX ix_follow_ups_due ON follow_ups (due_at);
CREATE INDEX ix_agent_state_log_since ON agent_state_log (since);
CREATE INDEX ix_broadcasts_created ON broadcasts (created_at);
