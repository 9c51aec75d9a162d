-- Early warning (预警管理): thresholds per queue and metric, and the alert
-- episodes they raised. A rule without a queue is the default for every
-- queue; a queue's own row for a metric overrides it. The four default
-- rows are the wallboard's former fixed thresholds.
CREATE TABLE alert_rules (
    id INTEGER PRIMARY KEY,
    queue_id BIGINT REFERENCES queues(id) ON DELETE CASCADE,
    metric TEXT NOT NULL,
    enabled BOOLEAN NOT NULL DEFAULT TRUE,
    warning REAL NOT NULL,
    critical REAL NOT NULL,
    window_min INTEGER NOT NULL DEFAULT 0,
    hysteresis REAL NOT NULL DEFAULT 0,
    hold_sec INTEGER NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX alert_rules_queue_metric ON alert_rules (COALESCE(queue_id, 0), metric);

INSERT INTO alert_rules (queue_id, metric, enabled, warning, critical, window_min, hysteresis, hold_sec, updated_at) VALUES
    (NULL, 'waiting', TRUE, 5, 10, 0, 1, 10, 0),
    (NULL, 'longest_wait', TRUE, 60, 120, 0, 10, 10, 0),
    (NULL, 'service_level', TRUE, 80, 70, 30, 2, 10, 0),
    (NULL, 'abandon_rate', TRUE, 5, 10, 30, 1, 10, 0);

-- One row per episode: opened when a figure went past its warning level,
-- closed (ended_at) when it came back. level is the worst level reached,
-- current the level now; peak the worst value. department_id is the
-- queue's, for the data scope. At most one open episode per queue and
-- metric, also with several nodes evaluating.
CREATE TABLE alert_episodes (
    id INTEGER PRIMARY KEY,
    rule_id BIGINT REFERENCES alert_rules(id) ON DELETE SET NULL,
    queue_id BIGINT NOT NULL,
    queue TEXT NOT NULL,
    metric TEXT NOT NULL,
    level TEXT NOT NULL,
    current TEXT NOT NULL,
    warning REAL NOT NULL,
    critical REAL NOT NULL,
    started_at BIGINT NOT NULL,
    ended_at BIGINT NOT NULL DEFAULT 0,
    peak REAL NOT NULL,
    last_value REAL NOT NULL,
    department_id BIGINT,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX alert_episodes_open ON alert_episodes (queue_id, metric) WHERE ended_at = 0;
CREATE INDEX alert_episodes_started ON alert_episodes (started_at);
CREATE INDEX alert_episodes_queue ON alert_episodes (queue_id, started_at);
