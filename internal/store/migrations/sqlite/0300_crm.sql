-- Customers (CRM): configurable option lists, custom field definitions,
-- customers and their normalised phone numbers, notes, follow-up tasks,
-- timeline events, the allocation log, agent quotas, recycle rules and
-- import batches with their staging tables.
-- Scope columns on customers (owner_id, team_id, department_id) follow the
-- owner; no foreign keys on them so that organisation changes stay free.
CREATE TABLE crm_options (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    label TEXT NOT NULL,
    position INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (kind, key)
);
INSERT INTO crm_options (kind, key, label, position) VALUES
    ('status', 'new', 'New 新客户', 1),
    ('status', 'following', 'Following 跟进中', 2),
    ('status', 'won', 'Won 已成交', 3),
    ('status', 'lost', 'Lost 已流失', 4),
    ('status', 'invalid', 'Invalid 无效', 5),
    ('level', 'A', 'A 重要客户', 1),
    ('level', 'B', 'B 普通客户', 2),
    ('level', 'C', 'C 潜在客户', 3),
    ('level', 'D', 'D 低价值客户', 4),
    ('source', 'inbound', 'Inbound call 来电', 1),
    ('source', 'outbound', 'Outbound call 外呼', 2),
    ('source', 'web', 'Website 网站', 3),
    ('source', 'referral', 'Referral 转介绍', 4),
    ('source', 'exhibition', 'Exhibition 展会', 5),
    ('source', 'import', 'Imported 导入', 6),
    ('source', 'other', 'Other 其他', 7);

CREATE TABLE crm_settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE crm_fields (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL,
    kind TEXT NOT NULL,
    choices TEXT NOT NULL DEFAULT '[]',
    required BOOLEAN NOT NULL DEFAULT FALSE,
    position INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE customers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    company TEXT NOT NULL DEFAULT '',
    phones TEXT NOT NULL DEFAULT '',
    level TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT '',
    tags TEXT NOT NULL DEFAULT '',
    custom TEXT NOT NULL DEFAULT '{}',
    search TEXT NOT NULL DEFAULT '',
    owner_id INTEGER,
    team_id INTEGER,
    department_id INTEGER,
    in_pool BOOLEAN NOT NULL DEFAULT FALSE,
    pooled_at BIGINT NOT NULL DEFAULT 0,
    pool_reason TEXT NOT NULL DEFAULT '',
    owned_at BIGINT NOT NULL DEFAULT 0,
    last_contact_at BIGINT NOT NULL DEFAULT 0,
    next_follow_up_at BIGINT NOT NULL DEFAULT 0,
    progress_at BIGINT NOT NULL DEFAULT 0,
    batch_id INTEGER,
    import_line INTEGER,
    created_by INTEGER,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX customers_owner ON customers (owner_id);
CREATE INDEX customers_team ON customers (team_id);
CREATE INDEX customers_department ON customers (department_id);
CREATE INDEX customers_pool ON customers (in_pool, pooled_at);
CREATE INDEX customers_batch ON customers (batch_id, import_line);
CREATE INDEX customers_created ON customers (created_at);

CREATE TABLE customer_phones (
    e164 TEXT PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    national TEXT NOT NULL,
    position INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX customer_phones_customer ON customer_phones (customer_id);
CREATE INDEX customer_phones_national ON customer_phones (national);

CREATE TABLE crm_notes (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    author_id INTEGER,
    author_name TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL,
    call_id TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE INDEX crm_notes_customer ON crm_notes (customer_id, created_at);

CREATE TABLE crm_tasks (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    owner_id INTEGER NOT NULL,
    team_id INTEGER,
    department_id INTEGER,
    kind TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    due_at BIGINT NOT NULL,
    done BOOLEAN NOT NULL DEFAULT FALSE,
    done_at BIGINT NOT NULL DEFAULT 0,
    result TEXT NOT NULL DEFAULT '',
    created_by INTEGER,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX crm_tasks_owner_due ON crm_tasks (owner_id, done, due_at);
CREATE INDEX crm_tasks_due ON crm_tasks (done, due_at);
CREATE INDEX crm_tasks_customer ON crm_tasks (customer_id);

CREATE TABLE crm_events (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    at BIGINT NOT NULL,
    kind TEXT NOT NULL,
    actor_id INTEGER,
    actor_name TEXT NOT NULL DEFAULT '',
    summary TEXT NOT NULL DEFAULT '',
    data TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX crm_events_customer ON crm_events (customer_id, at);

CREATE TABLE crm_allocations (
    id INTEGER PRIMARY KEY,
    op TEXT NOT NULL,
    at BIGINT NOT NULL,
    action TEXT NOT NULL,
    actor_id INTEGER,
    actor_name TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL DEFAULT '',
    from_owner_id INTEGER,
    from_team_id INTEGER,
    from_department_id INTEGER,
    from_pool BOOLEAN NOT NULL DEFAULT FALSE,
    to_owner_id INTEGER,
    to_team_id INTEGER,
    to_department_id INTEGER,
    to_pool BOOLEAN NOT NULL DEFAULT FALSE,
    count INTEGER NOT NULL
);
CREATE INDEX crm_allocations_at ON crm_allocations (at);
CREATE INDEX crm_allocations_to_owner ON crm_allocations (to_owner_id, action, at);
CREATE INDEX crm_allocations_from_owner ON crm_allocations (from_owner_id, at);

CREATE TABLE crm_allocation_items (
    allocation_id INTEGER NOT NULL REFERENCES crm_allocations(id) ON DELETE CASCADE,
    customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE
);
CREATE INDEX crm_allocation_items_customer ON crm_allocation_items (customer_id);
CREATE INDEX crm_allocation_items_allocation ON crm_allocation_items (allocation_id);

CREATE TABLE crm_agents (
    user_id INTEGER PRIMARY KEY,
    max_customers INTEGER,
    daily_claims INTEGER,
    version BIGINT NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE crm_recycle_rules (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    days INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT '',
    department_id INTEGER,
    enabled BOOLEAN NOT NULL DEFAULT TRUE,
    last_run_at BIGINT NOT NULL DEFAULT 0,
    last_moved INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE crm_batches (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    file_name TEXT NOT NULL,
    file_path TEXT NOT NULL DEFAULT '',
    format TEXT NOT NULL,
    status TEXT NOT NULL,
    phase TEXT NOT NULL DEFAULT '',
    mode TEXT NOT NULL DEFAULT 'strict',
    node TEXT NOT NULL DEFAULT '',
    options TEXT NOT NULL DEFAULT '{}',
    preview TEXT NOT NULL DEFAULT '{}',
    rows_total INTEGER NOT NULL DEFAULT 0,
    rows_read INTEGER NOT NULL DEFAULT 0,
    rows_valid INTEGER NOT NULL DEFAULT 0,
    rows_invalid INTEGER NOT NULL DEFAULT 0,
    imported INTEGER NOT NULL DEFAULT 0,
    message TEXT NOT NULL DEFAULT '',
    created_by INTEGER,
    created_by_name TEXT NOT NULL DEFAULT '',
    team_id INTEGER,
    department_id INTEGER,
    created_at BIGINT NOT NULL,
    started_at BIGINT NOT NULL DEFAULT 0,
    finished_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX crm_batches_created ON crm_batches (created_at);

CREATE TABLE crm_batch_errors (
    batch_id INTEGER NOT NULL REFERENCES crm_batches(id) ON DELETE CASCADE,
    line INTEGER NOT NULL,
    field TEXT NOT NULL DEFAULT '',
    value TEXT NOT NULL DEFAULT '',
    code TEXT NOT NULL,
    reason TEXT NOT NULL
);
CREATE INDEX crm_batch_errors_batch ON crm_batch_errors (batch_id, line);

CREATE TABLE crm_staged (
    batch_id INTEGER NOT NULL,
    line INTEGER NOT NULL,
    name TEXT NOT NULL,
    company TEXT NOT NULL DEFAULT '',
    phones TEXT NOT NULL DEFAULT '',
    level TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT '',
    tags TEXT NOT NULL DEFAULT '',
    custom TEXT NOT NULL DEFAULT '{}',
    search TEXT NOT NULL DEFAULT '',
    next_follow_up_at BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (batch_id, line)
);

CREATE TABLE crm_staged_phones (
    batch_id INTEGER NOT NULL,
    line INTEGER NOT NULL,
    e164 TEXT NOT NULL,
    national TEXT NOT NULL,
    position INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX crm_staged_phones_batch ON crm_staged_phones (batch_id, line);

-- The contact history looks calls up by number and by customer.
CREATE INDEX crm_cdrs_caller ON cdrs (caller);
CREATE INDEX crm_cdrs_callee ON cdrs (callee);
CREATE INDEX crm_cdrs_customer ON cdrs (customer_id);
