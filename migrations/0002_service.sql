-- The service (klynge serve): access tokens, requests submitted by small associations,
-- instructors' answers to proposed assignments, and calendar feed secrets.

-- Tokens are stored as the SHA-256 of the secret only.
CREATE TABLE tokens (
    hash        TEXT PRIMARY KEY,
    role        TEXT NOT NULL,
    subject     TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    revoked     SMALLINT NOT NULL DEFAULT 0
);

-- Course requests submitted through the service; `body` is the request as JSON (the
-- dataset's request fields). Withdrawn requests are kept, marked.
CREATE TABLE live_requests (
    id           TEXT PRIMARY KEY,
    association  TEXT NOT NULL,
    body         TEXT NOT NULL,
    note         TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    withdrawn    SMALLINT NOT NULL DEFAULT 0
);

CREATE TABLE responses (
    run_id      BIGINT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    request     TEXT NOT NULL,
    instructor  TEXT NOT NULL,
    answer      TEXT NOT NULL,
    answered_at TEXT NOT NULL,
    PRIMARY KEY (run_id, request, instructor)
);

CREATE TABLE feeds (
    secret_hash  TEXT PRIMARY KEY,
    instructor   TEXT NOT NULL UNIQUE
);
