-- Satisfaction review (满意度管理): every "very unsatisfied" rating
-- (call_ratings.flagged) becomes a case that a supervisor reviews from the
-- recording, hands to an after-sales team for a call-back, and closes with
-- the reason fed back. Reason categories are data a manager edits.
CREATE TABLE sat_reasons (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    name_en TEXT NOT NULL DEFAULT '',
    active BOOLEAN NOT NULL DEFAULT TRUE,
    sort INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
INSERT INTO sat_reasons (code, name, name_en, sort, created_at, updated_at) VALUES
    ('long_wait', '等待时间长', 'Long wait', 10, 0, 0),
    ('unresolved', '问题未解决', 'Issue unresolved', 20, 0, 0),
    ('attitude', '服务态度', 'Attitude', 30, 0, 0),
    ('knowledge', '业务不熟', 'Product knowledge', 40, 0, 0),
    ('system_fault', '系统故障', 'System fault', 50, 0, 0),
    ('other', '其他', 'Other', 90, 0, 0);

-- One case per flagged rating. agent_id, team_id and department_id are
-- the rating's (the rated call's agent): the case's data scope.
CREATE TABLE sat_cases (
    id INTEGER PRIMARY KEY,
    call_id TEXT NOT NULL UNIQUE,
    rated_at BIGINT NOT NULL,
    score INTEGER NOT NULL,
    scale INTEGER NOT NULL,
    queue TEXT NOT NULL DEFAULT '',
    agent_id BIGINT,
    team_id BIGINT,
    department_id BIGINT,
    status TEXT NOT NULL,
    reason_id BIGINT REFERENCES sat_reasons(id),
    finding TEXT NOT NULL DEFAULT '',
    reviewed_by BIGINT,
    reviewed_at BIGINT NOT NULL DEFAULT 0,
    callback_team_id BIGINT,
    callback_user_id BIGINT,
    callback_due_at BIGINT NOT NULL DEFAULT 0,
    assigned_by BIGINT,
    assigned_at BIGINT NOT NULL DEFAULT 0,
    callback_result TEXT NOT NULL DEFAULT '',
    callback_note TEXT NOT NULL DEFAULT '',
    callback_attempts INTEGER NOT NULL DEFAULT 0,
    called_back_by BIGINT,
    called_back_at BIGINT NOT NULL DEFAULT 0,
    outcome TEXT NOT NULL DEFAULT '',
    closed_by BIGINT,
    closed_at BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX sat_cases_rated ON sat_cases (rated_at);
CREATE INDEX sat_cases_status ON sat_cases (status, callback_due_at);
CREATE INDEX sat_cases_callback_team ON sat_cases (callback_team_id, status);
CREATE INDEX sat_cases_agent ON sat_cases (agent_id, rated_at);

-- Each step of a case as it happened: the case's timeline.
CREATE TABLE sat_case_steps (
    id INTEGER PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES sat_cases(id) ON DELETE CASCADE,
    at BIGINT NOT NULL,
    actor_id BIGINT,
    actor_name TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    reason_id BIGINT,
    team_id BIGINT,
    user_id BIGINT,
    due_at BIGINT NOT NULL DEFAULT 0,
    result TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sat_case_steps_case ON sat_case_steps (case_id, id);
