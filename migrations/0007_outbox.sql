-- What people are told: one message per recipient and publication, written in the same
-- transaction as the publication itself, so a rota is never published without its messages
-- nor a message kept for a publication that did not happen. The deliverer sends the pending
-- ones (with an address) and records what was sent and what failed; a person without an
-- address gets the message recorded as 'no_address', never sent. Ids as in 0001: a BIGINT
-- taken as MAX(id) + 1 inside the writing transaction (works alike on SQLite and PostgreSQL).
CREATE TABLE outbox (
    id              BIGINT PRIMARY KEY,
    recipient_kind  TEXT NOT NULL CHECK (recipient_kind IN ('instructor', 'association')),
    recipient       TEXT NOT NULL,
    address         TEXT,
    lang            TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    run_id          BIGINT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    created_at      TEXT NOT NULL,
    sent_at         TEXT,
    attempts        BIGINT NOT NULL DEFAULT 0,
    last_error      TEXT,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'no_address'))
);

CREATE INDEX outbox_status ON outbox (status);
CREATE INDEX outbox_recipient ON outbox (recipient_kind, recipient);
