-- OneKey schema, version 29 (issue 22): per-day summaries of the inbound calls, so a month's report reads ~31 rows
-- per key instead of a million calls. A roll-up, not a second truth: a (day, dimension) is summed from the calls
-- table on demand, once the day is closed, and dropped again when a call of that day (or an elder's class) changes;
-- a report reads the summaries for its whole closed days and the raw rows for the rest, and equals the raw path
-- exactly (StorageIT compares both on H2 and MariaDB).
-- call_summary_days: which (day, dimension) is built (a day without calls has no rows in call_summary).
-- day_start/day_end: the day's bounds in epoch ms in the zone the report asked for (23 or 25 h on DST days).
-- dim: line, agent, outcome, category, sub-district, care-level or none; k: the key's value ("total" for none).
CREATE TABLE call_summary_days (
    day_start BIGINT NOT NULL,
    day_end BIGINT NOT NULL,
    dim VARCHAR(16) NOT NULL,
    built_at BIGINT NOT NULL,
    CONSTRAINT pk_call_summary_days PRIMARY KEY (day_start, day_end, dim)
);
CREATE TABLE call_summary (
    day_start BIGINT NOT NULL,
    day_end BIGINT NOT NULL,
    dim VARCHAR(16) NOT NULL,
    k VARCHAR(191) NOT NULL,
    offered BIGINT NOT NULL,
    answered BIGINT NOT NULL,
    abandoned BIGINT NOT NULL,
    wait_sum BIGINT NOT NULL,
    longest BIGINT NOT NULL,
    talk_sum BIGINT NOT NULL,
    handled BIGINT NOT NULL,
    within15 BIGINT NOT NULL,
    within60 BIGINT NOT NULL,
    within180 BIGINT NOT NULL,
    CONSTRAINT pk_call_summary PRIMARY KEY (day_start, day_end, dim, k)
);
-- the answered calls' waits in whole seconds (rounded up) per day and key: the answer-times report's 90th percentile
CREATE TABLE call_summary_waits (
    day_start BIGINT NOT NULL,
    day_end BIGINT NOT NULL,
    dim VARCHAR(16) NOT NULL,
    k VARCHAR(191) NOT NULL,
    wait_s BIGINT NOT NULL,
    n BIGINT NOT NULL,
    CONSTRAINT pk_call_summary_waits PRIMARY KEY (day_start, day_end, dim, k, wait_s)
);
