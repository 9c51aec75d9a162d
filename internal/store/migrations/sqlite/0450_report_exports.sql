-- Report exports (internal/reportexport): each export is a job that one
-- node runs in the background and whose file it keeps in its data dir
-- (exports/) for the retention (24 h by default). A job belongs to the
-- user who started it; query is the report.Query as JSON, params the URL
-- parameters it came from. status: queued, running, done, failed; phase:
-- computing, writing while running; message is a failed job's error.
-- Times are ms since the epoch, 0 for "not yet".
CREATE TABLE report_exports (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    phase TEXT NOT NULL DEFAULT '',
    progress INTEGER NOT NULL DEFAULT 0,
    message TEXT NOT NULL DEFAULT '',
    format TEXT NOT NULL,
    lang TEXT NOT NULL,
    query TEXT NOT NULL,
    params TEXT NOT NULL DEFAULT '',
    file_name TEXT NOT NULL,
    file_path TEXT NOT NULL DEFAULT '',
    size BIGINT NOT NULL DEFAULT 0,
    node TEXT NOT NULL,
    ip TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    started_at BIGINT NOT NULL DEFAULT 0,
    finished_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX report_exports_user ON report_exports (user_id, id);
CREATE INDEX report_exports_status ON report_exports (status, node, id);
