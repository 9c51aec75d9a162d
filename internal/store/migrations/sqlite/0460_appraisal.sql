-- Performance appraisal (绩效考核, DOMAIN.md §4): schemes as data, their
-- versions, manual entries with their history, and closed months with the
-- results frozen when they were closed. Times are integer milliseconds.

-- A scheme's current state; its definition (items with tier tables, bonus
-- tiers, rules, commission, targets) lives in its versions, one row per
-- change, never updated, so that a closed month can show the version it
-- was scored with.
CREATE TABLE appraisal_schemes (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by TEXT NOT NULL DEFAULT ''
);

CREATE TABLE appraisal_scheme_versions (
    id INTEGER PRIMARY KEY,
    scheme_id BIGINT NOT NULL REFERENCES appraisal_schemes(id) ON DELETE CASCADE,
    version BIGINT NOT NULL,
    name TEXT NOT NULL,
    definition TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL DEFAULT '',
    UNIQUE (scheme_id, version)
);

-- Whom the current version of each scheme appraises: every agent (kind
-- all, target 0), a department's (with its sub-departments) or a team's.
-- The key makes a team, a department or "all" belong to one scheme only.
CREATE TABLE appraisal_scheme_targets (
    scheme_id BIGINT NOT NULL REFERENCES appraisal_schemes(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    target_id BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (kind, target_id)
);
CREATE INDEX appraisal_scheme_targets_scheme ON appraisal_scheme_targets (scheme_id);

-- A value a supervisor entered for an agent, a month and an item of a
-- scheme (item is the item's key; commission_count and commission_amount
-- are the commission's inputs).
CREATE TABLE appraisal_manual (
    id INTEGER PRIMARY KEY,
    scheme_id BIGINT NOT NULL REFERENCES appraisal_schemes(id) ON DELETE CASCADE,
    month TEXT NOT NULL,
    agent_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    item TEXT NOT NULL,
    value REAL NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    entered_by BIGINT,
    entered_by_name TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (scheme_id, month, agent_id, item)
);
CREATE INDEX appraisal_manual_agent ON appraisal_manual (agent_id, month);

-- Every entry, change and removal of a manual value, shown on the
-- agent's appraisal (the audit log has them too).
CREATE TABLE appraisal_manual_log (
    id INTEGER PRIMARY KEY,
    scheme_id BIGINT NOT NULL REFERENCES appraisal_schemes(id) ON DELETE CASCADE,
    month TEXT NOT NULL,
    agent_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    item TEXT NOT NULL,
    action TEXT NOT NULL,
    old_value REAL,
    new_value REAL,
    note TEXT NOT NULL DEFAULT '',
    by_id BIGINT,
    by_name TEXT NOT NULL DEFAULT '',
    at BIGINT NOT NULL
);
CREATE INDEX appraisal_manual_log_entry ON appraisal_manual_log (scheme_id, month, agent_id, item);

-- A month of a scheme that was closed (status closed) and possibly
-- reopened since (status open). version is the scheme version it was
-- scored with.
CREATE TABLE appraisal_months (
    id INTEGER PRIMARY KEY,
    scheme_id BIGINT NOT NULL REFERENCES appraisal_schemes(id) ON DELETE CASCADE,
    month TEXT NOT NULL,
    version BIGINT NOT NULL,
    status TEXT NOT NULL,
    closed_at BIGINT NOT NULL DEFAULT 0,
    closed_by TEXT NOT NULL DEFAULT '',
    reopened_at BIGINT NOT NULL DEFAULT 0,
    reopened_by TEXT NOT NULL DEFAULT '',
    reopen_reason TEXT NOT NULL DEFAULT '',
    UNIQUE (scheme_id, month)
);

-- The frozen appraisal of each agent of a closed month: total and bonus
-- for lists and the rules' history, the whole appraisal (items, raw
-- values, sources, points, flags) as computed, in detail. agent_id,
-- team_id and department_id are the data scope (as at closing).
CREATE TABLE appraisal_results (
    month_id BIGINT NOT NULL REFERENCES appraisal_months(id) ON DELETE CASCADE,
    month TEXT NOT NULL,
    agent_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    team_id BIGINT,
    department_id BIGINT,
    complete BOOLEAN NOT NULL,
    total REAL,
    bonus REAL,
    detail TEXT NOT NULL,
    PRIMARY KEY (month_id, agent_id)
);
CREATE INDEX appraisal_results_agent ON appraisal_results (agent_id, month);
