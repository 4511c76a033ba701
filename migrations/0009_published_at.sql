-- When each run was published. Calendars number the versions of an event (SEQUENCE) and
-- date its last change (LAST-MODIFIED) from the publications in order, so that subscribed
-- phones update an event whose instructor, times or place changed. A run published before
-- this column existed takes the time the audit trail recorded for its publication, else
-- (still published, no record) its creation time.
ALTER TABLE runs ADD COLUMN published_at TEXT;

UPDATE runs SET published_at = (
    SELECT MIN(a.at) FROM audit a WHERE a.action = 'publish' AND a.subject = 'run ' || runs.id
) WHERE status IN ('published', 'superseded');

UPDATE runs SET published_at = created_at WHERE status = 'published' AND published_at IS NULL;
