-- The lab's source-of-truth schema. Applied by `authlab up` before the
-- Debezium connector is registered; every statement is idempotent.

CREATE TABLE IF NOT EXISTS users (
  id               uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  -- What the user typed (trimmed), kept for display.
  email            text        NOT NULL,
  -- The comparison key: NFC-normalised and lower-cased, so one person cannot
  -- hold two accounts that differ only in case, spaces or Unicode form.
  email_normalized text        NOT NULL,
  password_hash    text        NOT NULL,
  display_name     text,
  -- timestamptz, never timestamp: node-postgres would read a zone-less value
  -- in the process's local zone.
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);

CREATE UNIQUE INDEX IF NOT EXISTS users_email_normalized_key ON users (email_normalized);

-- Debian's PostgreSQL has no decoderbufs, so Debezium reads through pgoutput,
-- which streams only the tables of a publication. The lab owns the publication
-- so the connector never needs the right to create one.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_publication WHERE pubname = 'authlab_users') THEN
    CREATE PUBLICATION authlab_users FOR TABLE users;
  END IF;
END
$$;
