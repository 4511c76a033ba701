-- Who changed what, and when: imports, submissions, withdrawals, answers, approvals and
-- publications. `actor` is who did it (a token's subject, or the command line); `subject`
-- what it concerns (a run, a request); personal data in it is covered by
-- `klynge person export|erase`.
CREATE TABLE audit (
    at       TEXT NOT NULL,
    actor    TEXT NOT NULL,
    action   TEXT NOT NULL,
    subject  TEXT NOT NULL,
    detail   TEXT NOT NULL
);
