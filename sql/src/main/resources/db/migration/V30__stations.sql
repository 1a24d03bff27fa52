-- OneKey schema, version 30: the register of 驿站 (community service stations) and each elder's own reading ranges
-- (issue 24: "the nearest 驿站" in an alarm's pop; "readings that are outside the elder's thresholds").
--
-- A station: its name, address, WGS-84 place (converted from GCJ-02/BD-09 before it is stored, as an elder's home),
-- phone, opening hours ("08:00-20:00", "mon-fri 08:00-18:00; sat 09:00-12:00", "24h"; read in the centre's time
-- zone) and who is on duty there (free text). An inactive station is kept (past pops named it) but never offered.
CREATE TABLE stations (
  id            BIGINT AUTO_INCREMENT PRIMARY KEY,
  name          VARCHAR(100)  NOT NULL,
  address       VARCHAR(255)  NOT NULL,
  lat           DOUBLE        NOT NULL,
  lon           DOUBLE        NOT NULL,
  phone         VARCHAR(32)   NOT NULL,
  hours         VARCHAR(120)  NOT NULL,
  staff         VARCHAR(255),
  sub_district  VARCHAR(64),
  active        BOOLEAN       NOT NULL,
  created_at    BIGINT        NOT NULL,
  updated_at    BIGINT        NOT NULL
);
CREATE UNIQUE INDEX uq_stations_name ON stations (name);

-- An elder's own range for a reading (a doctor's), overriding the centre's default for that reading only.
-- reading: heartRate, spo2, systolic, diastolic, temperature.
CREATE TABLE elder_thresholds (
  elder_id   BIGINT        NOT NULL,
  reading    VARCHAR(32)   NOT NULL,
  min_value  DOUBLE        NOT NULL,
  max_value  DOUBLE        NOT NULL,
  set_by     VARCHAR(64),
  set_at     BIGINT        NOT NULL,
  PRIMARY KEY (elder_id, reading),
  CONSTRAINT fk_elder_thresholds_elder FOREIGN KEY (elder_id) REFERENCES elders (id)
);
