-- OneKey schema, version 24: devices, their tests and their alarms (issue 24).
--
-- A device is an elder's terminal or sensor: the one-key phone, a portable SOS button with GPS, a smoke / fall / door
-- sensor, a health monitor. It is known by its caller number (a phone that dials in), its Contact ID account (an
-- alarm panel on the alarm line) or its SCAIP identity (a SIP device sending MESSAGE); each of those names one device
-- (unique; NULLs do not collide on either engine). heartbeat_minutes: a device that reports by itself at least that
-- often (NULL: none); silent_since is set when OneKey raised the "silent" alert, cleared when it is heard again.
-- test_mode_until: a call from the device before then is a terminal test (the IVR answers, no agent is rung).
CREATE TABLE devices (
  id                  BIGINT AUTO_INCREMENT PRIMARY KEY,
  elder_id            BIGINT        NOT NULL,
  kind                VARCHAR(32)   NOT NULL,
  serial              VARCHAR(64)   NOT NULL,
  make                VARCHAR(64),
  model               VARCHAR(64),
  caller_number       VARCHAR(32),
  contact_id_account  VARCHAR(16),
  sip_identity        VARCHAR(128),
  heartbeat_minutes   INT,
  installed_on        DATE,
  installed_by        VARCHAR(64),
  last_heard_at       BIGINT,
  last_test_at        BIGINT,
  last_test_by        VARCHAR(64),
  last_test_result    VARCHAR(32),
  test_mode_until     BIGINT,
  silent_since        BIGINT,
  created_at          BIGINT        NOT NULL,
  updated_at          BIGINT        NOT NULL,
  CONSTRAINT fk_devices_elder FOREIGN KEY (elder_id) REFERENCES elders (id)
);
CREATE UNIQUE INDEX uq_devices_serial ON devices (serial);
CREATE UNIQUE INDEX uq_devices_caller ON devices (caller_number);
CREATE UNIQUE INDEX uq_devices_cid ON devices (contact_id_account);
CREATE UNIQUE INDEX uq_devices_sip ON devices (sip_identity);
CREATE INDEX ix_devices_elder ON devices (elder_id);

-- Every terminal test: via "call" (a call in test mode or to the test number), "contact-id" (a panel's 602 test
-- report), "api" (a platform's test alarm) or "manual" (recorded by a worker); result "ok" or what failed.
CREATE TABLE device_tests (
  id          BIGINT AUTO_INCREMENT PRIMARY KEY,
  device_id   BIGINT        NOT NULL,
  tested_at   BIGINT        NOT NULL,
  tested_by   VARCHAR(64),
  via         VARCHAR(16)   NOT NULL,
  result      VARCHAR(32)   NOT NULL,
  detail      VARCHAR(255),
  CONSTRAINT fk_device_tests_device FOREIGN KEY (device_id) REFERENCES devices (id) ON DELETE CASCADE
);
CREATE INDEX ix_device_tests_device ON device_tests (device_id, tested_at);

-- Every alarm received, once: (platform, alarm_id) is the sender's own id (a platform's alarm id; for Contact ID the
-- event file and line; for SCAIP the MESSAGE's reference), so a replay is recognised. source: contact-id, scaip, api.
-- escalated: an incident was opened (or joined) for it; restores and test reports are recorded, not escalated.
CREATE TABLE alarms (
  id            BIGINT AUTO_INCREMENT PRIMARY KEY,
  platform      VARCHAR(32)   NOT NULL,
  alarm_id      VARCHAR(96)   NOT NULL,
  source        VARCHAR(16)   NOT NULL,
  device_id     BIGINT,
  elder_id      BIGINT,
  kind          VARCHAR(32)   NOT NULL,
  received_at   BIGINT        NOT NULL,
  occurred_at   BIGINT,
  lat           DOUBLE,
  lon           DOUBLE,
  accuracy_m    DOUBLE,
  detail        VARCHAR(500),
  escalated     BOOLEAN       NOT NULL,
  incident_id   BIGINT
);
CREATE UNIQUE INDEX uq_alarms_platform_id ON alarms (platform, alarm_id);
CREATE INDEX ix_alarms_elder ON alarms (elder_id, received_at);

-- An incident opened by an alarm says which (reason device-alarm, detail "kind=fall device=… …").
ALTER TABLE incidents ADD COLUMN detail VARCHAR(255);
