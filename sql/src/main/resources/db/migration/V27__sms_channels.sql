-- OneKey schema, version 27 (issue 20, second part): care campaigns may go by voice, text or both, and texts are
-- linked to the broadcast / campaign they belong to (the campaign's figures count the texts delivered).
-- campaigns.channel: voice (a call per elder, as before), sms (a text to the elder's mobile, no call) or both.
ALTER TABLE campaigns ADD COLUMN channel VARCHAR(8) DEFAULT 'voice' NOT NULL;
ALTER TABLE sms_messages ADD COLUMN broadcast_id BIGINT;
ALTER TABLE sms_messages ADD COLUMN campaign_id BIGINT;
CREATE INDEX ix_sms_campaign ON sms_messages (campaign_id, state);
-- the campaign's own words for its texts (channel sms or both), put into the text template with the elder's name
ALTER TABLE campaigns ADD COLUMN sms_text VARCHAR(600);
