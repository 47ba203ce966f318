-- Users created before authentication existed have no password and cannot log in
-- until one is set.
ALTER TABLE users ADD COLUMN password_hash TEXT NOT NULL DEFAULT '';
