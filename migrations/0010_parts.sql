-- Drop-in help and one-to-one guidance are staffed session by session: an assignment and
-- an uncovered entry name the part of the request they are about (the session's position,
-- 0-based), or -1 for all of a course. -1 rather than NULL, because the part is in the
-- primary key. The tables are rebuilt, as SQLite cannot change a primary key.
CREATE TABLE assignments_by_part (
    run_id      BIGINT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    request     TEXT NOT NULL,
    part        INTEGER NOT NULL DEFAULT -1,
    instructor  TEXT NOT NULL,
    km          DOUBLE PRECISION NOT NULL,
    minutes     INTEGER NOT NULL,
    PRIMARY KEY (run_id, request, part, instructor)
);
INSERT INTO assignments_by_part (run_id, request, part, instructor, km, minutes)
    SELECT run_id, request, -1, instructor, km, minutes FROM assignments;
DROP TABLE assignments;
ALTER TABLE assignments_by_part RENAME TO assignments;

CREATE TABLE uncovered_by_part (
    run_id     BIGINT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    request    TEXT NOT NULL,
    part       INTEGER NOT NULL DEFAULT -1,
    reasons    TEXT NOT NULL,
    referrals  TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (run_id, request, part)
);
INSERT INTO uncovered_by_part (run_id, request, part, reasons, referrals)
    SELECT run_id, request, -1, reasons, referrals FROM uncovered;
DROP TABLE uncovered;
ALTER TABLE uncovered_by_part RENAME TO uncovered;
