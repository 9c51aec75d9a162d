-- Complaints (投诉管理): tickets registered from a call or by hand, with
-- their severity and liability (and the penalty the liability carries),
-- the five handling steps as a checklist, forwards to the responsible
-- departments with deadlines and their replies, the result call-back to
-- the customer, closing and reopening.

-- The penalty per severity, in fen (¥1 = 100): DOMAIN.md §3's defaults.
CREATE TABLE complaint_penalties (
    severity TEXT PRIMARY KEY,
    amount_fen BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
INSERT INTO complaint_penalties (severity, amount_fen, updated_at) VALUES
    ('minor', 100000, 0), ('general', 500000, 0), ('serious', 1000000, 0);

-- agent_id, team_id and department_id are the ticket's data scope: the
-- agent complained about (or who took the complaint) and their team and
-- department. responsible_department_id and deadline_at are the current
-- forward's (complaint_forwards keeps them all).
CREATE TABLE complaints (
    id INTEGER PRIMARY KEY,
    call_id TEXT NOT NULL DEFAULT '',
    recording_id BIGINT,
    customer_id BIGINT,
    contact_name TEXT NOT NULL DEFAULT '',
    contact_phone TEXT NOT NULL DEFAULT '',
    channel TEXT NOT NULL,
    content TEXT NOT NULL,
    severity TEXT NOT NULL,
    liability TEXT NOT NULL DEFAULT '',
    liable_department_id BIGINT,
    penalty_fen BIGINT NOT NULL DEFAULT 0,
    status TEXT NOT NULL,
    agent_id BIGINT,
    team_id BIGINT,
    department_id BIGINT,
    responsible_department_id BIGINT,
    deadline_at BIGINT NOT NULL DEFAULT 0,
    callback_result TEXT NOT NULL DEFAULT '',
    callback_satisfaction TEXT NOT NULL DEFAULT '',
    callback_note TEXT NOT NULL DEFAULT '',
    called_back_by BIGINT,
    called_back_at BIGINT NOT NULL DEFAULT 0,
    close_note TEXT NOT NULL DEFAULT '',
    closed_by BIGINT,
    closed_at BIGINT NOT NULL DEFAULT 0,
    reopened INTEGER NOT NULL DEFAULT 0,
    created_by BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX complaints_created ON complaints (created_at);
CREATE INDEX complaints_status ON complaints (status, deadline_at);
CREATE INDEX complaints_agent ON complaints (agent_id, created_at);
CREATE INDEX complaints_call ON complaints (call_id);

-- The five handling steps (DOMAIN.md §5) ticked: who and when.
CREATE TABLE complaint_checks (
    complaint_id BIGINT NOT NULL REFERENCES complaints(id) ON DELETE CASCADE,
    step TEXT NOT NULL,
    done_by BIGINT,
    done_by_name TEXT NOT NULL DEFAULT '',
    done_at BIGINT NOT NULL,
    PRIMARY KEY (complaint_id, step)
);

-- Every forward to a responsible department, with its deadline and reply.
CREATE TABLE complaint_forwards (
    id INTEGER PRIMARY KEY,
    complaint_id BIGINT NOT NULL REFERENCES complaints(id) ON DELETE CASCADE,
    department_id BIGINT NOT NULL,
    deadline_at BIGINT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    forwarded_by BIGINT,
    forwarded_at BIGINT NOT NULL,
    reply TEXT NOT NULL DEFAULT '',
    replied_by BIGINT,
    replied_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX complaint_forwards_complaint ON complaint_forwards (complaint_id, id);
CREATE INDEX complaint_forwards_department ON complaint_forwards (department_id);

-- Each transition of a ticket as it happened: its timeline.
CREATE TABLE complaint_events (
    id INTEGER PRIMARY KEY,
    complaint_id BIGINT NOT NULL REFERENCES complaints(id) ON DELETE CASCADE,
    at BIGINT NOT NULL,
    actor_id BIGINT,
    actor_name TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX complaint_events_complaint ON complaint_events (complaint_id, id);
