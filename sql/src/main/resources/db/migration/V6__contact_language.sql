-- The language an emergency contact is spoken to in (issue 8: seat A's automated call speaks the message in
-- the contact's language). NULL means the centre's default, Mandarin. Values as elders.language ("zh", "en").
ALTER TABLE elder_contacts ADD COLUMN language VARCHAR(16);
