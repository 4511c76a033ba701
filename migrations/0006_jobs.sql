-- Plans and repairs started from the service run as jobs: a web request enqueues one and
-- returns at once, a worker (in `klynge serve` or `klynge worker`) claims it and runs it.
-- On PostgreSQL several processes share this queue; a claim is one UPDATE over
-- `FOR UPDATE SKIP LOCKED`, so each job is taken by exactly one worker.
--
-- `id` is a BIGINT given by the store (the largest + 1, under a lock), as for `runs.id`:
-- SQLite and PostgreSQL share no auto-increment syntax. Times are RFC 3339 UTC text with
-- milliseconds, so that they compare as text. `scope` is JSON: the principal who asked
-- and, for a repair, the run to repair. `error` is JSON too: the reason in bokmål and
-- English.
CREATE TABLE jobs (
    id            BIGINT PRIMARY KEY,
    kind          TEXT NOT NULL,
    who           TEXT NOT NULL,
    scope         TEXT NOT NULL,
    status        TEXT NOT NULL,
    progress      TEXT NOT NULL,
    worker        TEXT,
    attempts      BIGINT NOT NULL,
    run_id        BIGINT REFERENCES runs(id),
    error         TEXT,
    created_at    TEXT NOT NULL,
    started_at    TEXT,
    finished_at   TEXT,
    heartbeat_at  TEXT,
    -- A job is done only with its run: the database itself refuses anything else.
    CHECK (status <> 'done' OR run_id IS NOT NULL)
);

-- The claim looks for the oldest queued job; the reclaim for running ones.
CREATE INDEX jobs_by_status ON jobs (status, id);
