-- MariaDB only (H2 stores Unicode whatever it is given). Run from classpath:db/mariadb next to the
-- common migrations; jOOQ code generation does not read this folder (character sets are no column types).
--
-- Elders' names, addresses and health notes are Chinese text: every table is utf8mb4 with a Unicode
-- collation, whatever the server's or the database's default character set (MariaDB's built-in default
-- is latin1, and a plain CREATE DATABASE onekey then makes latin1 tables; see ASTERISK-NOTES.md).
-- utf8mb4_unicode_ci compares Chinese names by code point and digits as digits, as users expect;
-- every index stays under InnoDB's 3072-byte key limit at 4 bytes a character.
ALTER DATABASE CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
ALTER TABLE service_lines  CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
ALTER TABLE elders         CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
ALTER TABLE elder_phones   CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
ALTER TABLE elder_contacts CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
ALTER TABLE accounts       CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
ALTER TABLE api_tokens     CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
ALTER TABLE audit_log      CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
ALTER TABLE calls          CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
ALTER TABLE call_events    CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
ALTER TABLE recordings     CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
