-- One active cti-server per database (issue 10). The active instance holds the lease row 'cti' and renews it every
-- third of ha.leaseSeconds; a standby (another machine on the same database, e.g. the same Galera cluster) waits
-- until it expires, then takes it over and starts. Times are epoch ms of the instances' clocks (keep them in NTP).
CREATE TABLE instance_lease (
  name        VARCHAR(32)  NOT NULL PRIMARY KEY,
  owner       VARCHAR(128) NOT NULL,
  acquired_at BIGINT       NOT NULL,
  expires_at  BIGINT       NOT NULL
);
