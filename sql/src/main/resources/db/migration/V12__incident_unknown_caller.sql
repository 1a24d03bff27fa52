-- OneKey schema, version 12: a silent call from an unregistered number starts the rescue too (issue 16; service
-- rules, "No response": assume an emergency). Such an incident has no elder: elder_id is NULL and caller_number is
-- the number to redial and to give 110 (the police can trace a line). open_caller equals caller_number while such
-- an incident is open and is NULL once it is closed (or when the incident has an elder): at most one open incident
-- per unregistered number, as open_elder does for elders.
ALTER TABLE incidents MODIFY COLUMN elder_id BIGINT NULL;
ALTER TABLE incidents ADD COLUMN caller_number VARCHAR(32);
ALTER TABLE incidents ADD COLUMN open_caller VARCHAR(32);
CREATE UNIQUE INDEX uq_incidents_open_caller ON incidents (open_caller);
