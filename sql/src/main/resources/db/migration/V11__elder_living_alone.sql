-- OneKey schema, version 11: living alone (独居) is a field of the elder record (issue 16). Before it, the care-call
-- campaign filter livingAlone looked for a category "living-alone" that POST /api/elders refuses, and so found
-- only notes mentioning 独居. Elders whose notes say 独居 are carried over as living alone; every other elder
-- starts as not living alone until the record is edited.
ALTER TABLE elders ADD COLUMN living_alone BOOLEAN DEFAULT FALSE NOT NULL;
UPDATE elders SET living_alone = TRUE WHERE notes LIKE '%独居%';
