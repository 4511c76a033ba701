-- Refer, never reject: the other offers an uncovered request was referred to, stored with
-- the run (JSON list; empty for runs made before referrals, or without matching offers).
ALTER TABLE uncovered ADD COLUMN referrals TEXT NOT NULL DEFAULT '[]';
