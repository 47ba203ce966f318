CREATE TABLE users (
    id UUID PRIMARY KEY,
    email TEXT NOT NULL CHECK (char_length(email) <= 254),
    name TEXT NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Emails are unique regardless of case.
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

CREATE INDEX users_created_at_idx ON users (created_at, id);
