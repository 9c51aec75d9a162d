-- The call event log (append-only, millisecond timestamps), agent state
-- changes, and the CDRs derived from them.
CREATE TABLE call_events (
    id INTEGER PRIMARY KEY,
    call_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    at BIGINT NOT NULL,
    type TEXT NOT NULL,
    leg TEXT NOT NULL DEFAULT '',
    agent_id INTEGER,
    queue TEXT NOT NULL DEFAULT '',
    data TEXT NOT NULL DEFAULT '{}',
    UNIQUE (call_id, seq)
);
CREATE INDEX call_events_at ON call_events (at);
CREATE INDEX call_events_type_at ON call_events (type, at);

CREATE TABLE agent_events (
    id INTEGER PRIMARY KEY,
    agent_id INTEGER NOT NULL,
    at BIGINT NOT NULL,
    from_state TEXT NOT NULL,
    to_state TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    call_id TEXT NOT NULL DEFAULT ''
);
CREATE INDEX agent_events_agent_at ON agent_events (agent_id, at);
CREATE INDEX agent_events_at ON agent_events (at);

CREATE TABLE cdrs (
    call_id TEXT PRIMARY KEY,
    direction TEXT NOT NULL,
    caller TEXT NOT NULL DEFAULT '',
    callee TEXT NOT NULL DEFAULT '',
    number TEXT NOT NULL DEFAULT '',
    trunk TEXT NOT NULL DEFAULT '',
    started_at BIGINT NOT NULL,
    answered_at BIGINT NOT NULL DEFAULT 0,
    ended_at BIGINT NOT NULL DEFAULT 0,
    outcome TEXT NOT NULL,
    blocked_reason TEXT NOT NULL DEFAULT '',
    ivr_path TEXT NOT NULL DEFAULT '',
    queue TEXT NOT NULL DEFAULT '',
    queued_at BIGINT NOT NULL DEFAULT 0,
    wait_ms BIGINT NOT NULL DEFAULT 0,
    ring_ms BIGINT NOT NULL DEFAULT 0,
    talk_ms BIGINT NOT NULL DEFAULT 0,
    hold_ms BIGINT NOT NULL DEFAULT 0,
    holds INTEGER NOT NULL DEFAULT 0,
    transfers INTEGER NOT NULL DEFAULT 0,
    conferenced BOOLEAN NOT NULL DEFAULT FALSE,
    agent_id INTEGER,
    team_id INTEGER,
    department_id INTEGER,
    hangup_by TEXT NOT NULL DEFAULT '',
    hangup_cause TEXT NOT NULL DEFAULT '',
    rating INTEGER NOT NULL DEFAULT 0,
    callback_requested BOOLEAN NOT NULL DEFAULT FALSE,
    customer_id INTEGER,
    recording_id INTEGER
);
CREATE INDEX cdrs_started ON cdrs (started_at);
CREATE INDEX cdrs_agent ON cdrs (agent_id, started_at);
CREATE INDEX cdrs_queue ON cdrs (queue, started_at);

CREATE TABLE cdr_legs (
    id INTEGER PRIMARY KEY,
    call_id TEXT NOT NULL,
    agent_id INTEGER NOT NULL,
    team_id INTEGER,
    department_id INTEGER,
    queue TEXT NOT NULL DEFAULT '',
    offered_at BIGINT NOT NULL,
    answered_at BIGINT NOT NULL DEFAULT 0,
    ended_at BIGINT NOT NULL DEFAULT 0,
    wrapup_end_at BIGINT NOT NULL DEFAULT 0,
    ring_ms BIGINT NOT NULL DEFAULT 0,
    talk_ms BIGINT NOT NULL DEFAULT 0,
    hold_ms BIGINT NOT NULL DEFAULT 0,
    wrapup_ms BIGINT NOT NULL DEFAULT 0,
    outcome TEXT NOT NULL,
    transferred_to TEXT NOT NULL DEFAULT ''
);
CREATE INDEX cdr_legs_call ON cdr_legs (call_id);
CREATE INDEX cdr_legs_agent ON cdr_legs (agent_id, offered_at);

-- Satisfaction ratings (满意度评价); "very unsatisfied" ones are flagged
-- for a supervisor's review and a call-back.
CREATE TABLE call_ratings (
    call_id TEXT PRIMARY KEY,
    at BIGINT NOT NULL,
    score INTEGER NOT NULL,
    scale INTEGER NOT NULL,
    queue TEXT NOT NULL DEFAULT '',
    agent_id INTEGER,
    team_id INTEGER,
    department_id INTEGER,
    flagged BOOLEAN NOT NULL DEFAULT FALSE,
    reviewed_by INTEGER,
    reviewed_at BIGINT NOT NULL DEFAULT 0,
    review_note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX call_ratings_flagged ON call_ratings (flagged, reviewed_at);
CREATE INDEX call_ratings_agent ON call_ratings (agent_id, at);
