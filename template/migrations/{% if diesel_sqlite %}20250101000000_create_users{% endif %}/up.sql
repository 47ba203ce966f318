CREATE TABLE users (
    id TEXT PRIMARY KEY NOT NULL,
    email TEXT NOT NULL CHECK (length(email) <= 254),
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Emails are unique regardless of case.
CREATE UNIQUE INDEX users_email_key ON users (email COLLATE NOCASE);

CREATE INDEX users_created_at_idx ON users (created_at, id);
