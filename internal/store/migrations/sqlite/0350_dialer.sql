-- Outbound campaigns (外呼任务): their contacts, every dial attempt, and
-- the do-not-call list.
CREATE TABLE campaigns (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    config TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'draft',
    created_by INTEGER,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE campaign_contacts (
    id INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    customer_id INTEGER,
    name TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at BIGINT NOT NULL DEFAULT 0,
    last_outcome TEXT NOT NULL DEFAULT '',
    disposition TEXT NOT NULL DEFAULT '',
    callback_class TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    agent_id INTEGER,
    call_id TEXT NOT NULL DEFAULT '',
    owner_id INTEGER,
    team_id INTEGER,
    department_id INTEGER,
    updated_at BIGINT NOT NULL,
    UNIQUE (campaign_id, phone)
);
CREATE INDEX campaign_contacts_next ON campaign_contacts (campaign_id, status, next_at);

CREATE TABLE campaign_attempts (
    id INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    contact_id INTEGER NOT NULL,
    at BIGINT NOT NULL,
    outcome TEXT NOT NULL,
    call_id TEXT NOT NULL DEFAULT '',
    agent_id INTEGER,
    answered_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX campaign_attempts_campaign ON campaign_attempts (campaign_id, at);

CREATE TABLE dnc (
    phone TEXT PRIMARY KEY,
    reason TEXT NOT NULL DEFAULT '',
    added_by INTEGER,
    at BIGINT NOT NULL
);
