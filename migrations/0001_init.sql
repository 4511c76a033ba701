-- klynge's schema. One schema for SQLite and PostgreSQL: only types both understand
-- (TEXT, INTEGER, BIGINT, DOUBLE PRECISION, SMALLINT for flags), dates and times as
-- ISO-8601 text, structured figures as JSON text.

-- The exact input a run was solved from, keyed by the SHA-256 of its canonical JSON.
CREATE TABLE datasets (
    hash        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    snapshot    TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE associations (
    dataset       TEXT NOT NULL REFERENCES datasets(hash) ON DELETE CASCADE,
    id            TEXT NOT NULL,
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL,
    lat           DOUBLE PRECISION NOT NULL,
    lon           DOUBLE PRECISION NOT NULL,
    municipality  TEXT NOT NULL,
    opt_in        SMALLINT NOT NULL,
    cluster       TEXT,
    PRIMARY KEY (dataset, id)
);

CREATE TABLE instructors (
    dataset                TEXT NOT NULL REFERENCES datasets(hash) ON DELETE CASCADE,
    id                     TEXT NOT NULL,
    name                   TEXT NOT NULL,
    association            TEXT NOT NULL,
    lat                    DOUBLE PRECISION,
    lon                    DOUBLE PRECISION,
    topics                 TEXT NOT NULL,
    languages              TEXT NOT NULL,
    max_km                 DOUBLE PRECISION NOT NULL,
    max_sessions_per_week  INTEGER NOT NULL,
    max_sessions_total     INTEGER,
    max_hours_per_week     DOUBLE PRECISION,
    PRIMARY KEY (dataset, id)
);

CREATE TABLE availability (
    dataset     TEXT NOT NULL REFERENCES datasets(hash) ON DELETE CASCADE,
    instructor  TEXT NOT NULL,
    weekday     TEXT NOT NULL,
    start_time  TEXT NOT NULL,
    end_time    TEXT NOT NULL
);

CREATE TABLE blackouts (
    dataset     TEXT NOT NULL REFERENCES datasets(hash) ON DELETE CASCADE,
    instructor  TEXT NOT NULL,
    from_date   TEXT NOT NULL,
    to_date     TEXT NOT NULL
);

CREATE TABLE requests (
    dataset             TEXT NOT NULL REFERENCES datasets(hash) ON DELETE CASCADE,
    id                  TEXT NOT NULL,
    association         TEXT NOT NULL,
    topic               TEXT NOT NULL,
    language            TEXT NOT NULL,
    instructors_needed  INTEGER NOT NULL,
    priority            INTEGER NOT NULL,
    venue_lat           DOUBLE PRECISION,
    venue_lon           DOUBLE PRECISION,
    PRIMARY KEY (dataset, id)
);

-- Every session of every request, series expanded (holidays skipped).
CREATE TABLE sessions (
    dataset       TEXT NOT NULL REFERENCES datasets(hash) ON DELETE CASCADE,
    request       TEXT NOT NULL,
    session_date  TEXT NOT NULL,
    start_time    TEXT NOT NULL,
    end_time      TEXT NOT NULL
);

CREATE TABLE scenarios (
    name    TEXT PRIMARY KEY,
    params  TEXT NOT NULL
);

CREATE TABLE runs (
    id                 BIGINT PRIMARY KEY,
    scenario           TEXT NOT NULL REFERENCES scenarios(name),
    dataset            TEXT NOT NULL REFERENCES datasets(hash),
    created_at         TEXT NOT NULL,
    status             TEXT NOT NULL,
    solver             TEXT NOT NULL,
    params             TEXT NOT NULL,
    cluster_mode       TEXT NOT NULL,
    requests_total     INTEGER NOT NULL,
    requests_covered   INTEGER NOT NULL,
    sessions_total     INTEGER NOT NULL,
    sessions_covered   INTEGER NOT NULL,
    weighted_covered   DOUBLE PRECISION NOT NULL,
    weighted_total     DOUBLE PRECISION NOT NULL,
    instructors_used   INTEGER NOT NULL,
    total_km           DOUBLE PRECISION NOT NULL,
    max_load           INTEGER NOT NULL,
    seconds            DOUBLE PRECISION NOT NULL,
    components         TEXT NOT NULL,
    baseline           TEXT
);

CREATE TABLE run_stages (
    run_id     BIGINT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    stage      INTEGER NOT NULL,
    status     TEXT NOT NULL,
    objective  DOUBLE PRECISION,
    bound      DOUBLE PRECISION,
    gap        DOUBLE PRECISION,
    seconds    DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (run_id, stage)
);

CREATE TABLE assignments (
    run_id      BIGINT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    request     TEXT NOT NULL,
    instructor  TEXT NOT NULL,
    km          DOUBLE PRECISION NOT NULL,
    minutes     INTEGER NOT NULL,
    PRIMARY KEY (run_id, request, instructor)
);

CREATE TABLE uncovered (
    run_id   BIGINT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    request  TEXT NOT NULL,
    reasons  TEXT NOT NULL,
    PRIMARY KEY (run_id, request)
);
