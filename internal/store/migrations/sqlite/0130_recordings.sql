-- Call recordings: stereo WAV files under the data dir, metadata here.
CREATE TABLE recordings (
    id INTEGER PRIMARY KEY,
    call_id TEXT NOT NULL,
    path TEXT NOT NULL UNIQUE,
    started_at BIGINT NOT NULL,
    ended_at BIGINT NOT NULL DEFAULT 0,
    duration_ms BIGINT NOT NULL DEFAULT 0,
    size_bytes BIGINT NOT NULL DEFAULT 0,
    channels INTEGER NOT NULL DEFAULT 2,
    legs TEXT NOT NULL DEFAULT '[]',
    queue TEXT NOT NULL DEFAULT '',
    agent_id INTEGER,
    team_id INTEGER,
    department_id INTEGER,
    node TEXT NOT NULL DEFAULT '',
    repaired BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX recordings_call ON recordings (call_id);
CREATE INDEX recordings_started ON recordings (started_at);
CREATE INDEX recordings_agent ON recordings (agent_id, started_at);
