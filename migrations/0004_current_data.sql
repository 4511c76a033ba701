-- The cluster's current data: which stored input `klynge plan` (without a folder) and
-- `klynge serve` plan. One row at most (slot 1); `klynge import` replaces it.
CREATE TABLE current_data (
    slot        SMALLINT PRIMARY KEY,
    dataset     TEXT NOT NULL REFERENCES datasets(hash),
    updated_at  TEXT NOT NULL
);
