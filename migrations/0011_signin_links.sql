-- Sign-in links a coordinator sends by e-mail: one use each, for a day. The link's secret
-- is stored only as a SHA-256 hash, as tokens and sessions are; the token stays the
-- credential: a link signs in as the token it names (the person's newest one when it was
-- sent), and it is void once that token is revoked (the lookup asks that it is not).
CREATE TABLE signin_links (
    secret_hash  TEXT PRIMARY KEY,
    token_hash   TEXT NOT NULL REFERENCES tokens(hash) ON DELETE CASCADE,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    used_at      TEXT
);

-- The link goes out through the outbox, which so far held only messages of publications:
-- a message may now be about no run. The table is rebuilt, as SQLite cannot drop a
-- NOT NULL constraint.
CREATE TABLE outbox_any (
    id              BIGINT PRIMARY KEY,
    recipient_kind  TEXT NOT NULL CHECK (recipient_kind IN ('instructor', 'association')),
    recipient       TEXT NOT NULL,
    address         TEXT,
    lang            TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    run_id          BIGINT REFERENCES runs(id) ON DELETE CASCADE,
    created_at      TEXT NOT NULL,
    sent_at         TEXT,
    attempts        BIGINT NOT NULL DEFAULT 0,
    last_error      TEXT,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'no_address'))
);
INSERT INTO outbox_any (id, recipient_kind, recipient, address, lang, subject, body, run_id,
                        created_at, sent_at, attempts, last_error, status)
    SELECT id, recipient_kind, recipient, address, lang, subject, body, run_id,
           created_at, sent_at, attempts, last_error, status FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_any RENAME TO outbox;
CREATE INDEX outbox_status ON outbox (status);
CREATE INDEX outbox_recipient ON outbox (recipient_kind, recipient);
