-- OneKey schema, version 14 (issue 17): one durable outbound-call service below every feature that dials. A leg is
-- one call OneKey places: a row written before it is dialled, planned -> dialing -> done (conditional UPDATEs, so a
-- restarted server never dials it twice), at most one per (owner, reference, step): rescue legs are (incident id,
-- step seq), broadcast legs (broadcast id, attempt seq). The feature's own row (incident_steps, broadcast_attempts)
-- keeps what the call means; row_id names it. lane: sos (rescue redials, contacts, agents' emergency calls; never
-- held back by the trunk's limits) or bulk (broadcasts: maxChannels, callsPerSecond, sosReserve; quiet: waits out
-- the quiet hours). channel_id: the uniqueid OneKey gives the channel when it asks Asterisk to place it.
CREATE TABLE outbound_legs (
  id          BIGINT AUTO_INCREMENT PRIMARY KEY,
  owner       VARCHAR(16)  NOT NULL,
  reference   VARCHAR(64)  NOT NULL,
  step        INT          NOT NULL,
  row_id      BIGINT       NOT NULL,
  lane        VARCHAR(8)   NOT NULL,
  number      VARCHAR(32),
  quiet       BOOLEAN      NOT NULL,
  due_at      BIGINT       NOT NULL,
  state       VARCHAR(16)  NOT NULL,
  channel_id  VARCHAR(64)  NOT NULL,
  started_at  BIGINT,
  ended_at    BIGINT,
  outcome     VARCHAR(16),
  detail      VARCHAR(255)
);
CREATE UNIQUE INDEX uq_outbound_legs_step ON outbound_legs (owner, reference, step);
CREATE INDEX ix_outbound_legs_due ON outbound_legs (state, due_at);
CREATE INDEX ix_outbound_legs_channel ON outbound_legs (channel_id);

-- Carried over: the calls of open incidents and broadcasts that were planned or being dialled by the previous
-- release. A leg that was "dialing" stays "dialing": after the upgrade the resync finds its channel in Asterisk or
-- finishes it "unknown" -- it is never dialled again. Rescue steps had no pre-assigned channel id: the resync finds
-- their channels by ONEKEY_STEP, as before.
INSERT INTO outbound_legs (owner, reference, step, row_id, lane, number, quiet, due_at, state, channel_id, started_at)
SELECT 'rescue', CONCAT('', s.incident_id), s.seq, s.id, 'sos', s.target, FALSE, s.due_at, s.state,
       CONCAT('okstep-', s.id), s.started_at
  FROM incident_steps s JOIN incidents i ON i.id = s.incident_id
 WHERE s.state IN ('planned', 'dialing') AND s.kind IN ('redial', 'contact', 'elder-retry', 'call')
   AND i.closed_at IS NULL;

INSERT INTO outbound_legs (owner, reference, step, row_id, lane, number, quiet, due_at, state, channel_id, started_at)
SELECT 'broadcast', CONCAT('', a.broadcast_id), a.seq, a.id, 'bulk', a.phone,
       CASE WHEN b.urgent THEN FALSE ELSE TRUE END, a.due_at, a.state, CONCAT('okbc-', a.id), a.started_at
  FROM broadcast_attempts a JOIN broadcasts b ON b.id = a.broadcast_id
 WHERE a.state IN ('planned', 'dialing') AND b.ended_at IS NULL;
