-- Operating metrics (internal/report). Rollups are derived data: sums of
-- the facts the metrics are ratios of, per 15-minute bucket and per local
-- day, recomputed from the records (CDRs, legs, agent events, shifts)
-- whenever a bucket is marked dirty. Each is kept at three levels (lvl):
-- per agent ('a'), per team ('t', agent_id 0) and per department ('d',
-- agent_id and team_id 0), so that a report reads as few rows as its
-- grouping and data scope allow. Times are ms since the epoch; 0 and ''
-- stand for "none" in key columns.
CREATE TABLE rep_dirty (
    kind TEXT NOT NULL,
    bucket BIGINT NOT NULL,
    gen BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (kind, bucket)
);

CREATE TABLE rep_state (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE rep_calls_15m (
    bucket BIGINT NOT NULL,
    lvl TEXT NOT NULL,
    queue TEXT NOT NULL,
    direction TEXT NOT NULL,
    agent_id BIGINT NOT NULL,
    team_id BIGINT NOT NULL,
    department_id BIGINT NOT NULL,
    calls BIGINT NOT NULL DEFAULT 0,
    inbound BIGINT NOT NULL DEFAULT 0,
    blocked BIGINT NOT NULL DEFAULT 0,
    ivr_handled BIGINT NOT NULL DEFAULT 0,
    queued BIGINT NOT NULL DEFAULT 0,
    answered_q BIGINT NOT NULL DEFAULT 0,
    in_sl BIGINT NOT NULL DEFAULT 0,
    abandoned BIGINT NOT NULL DEFAULT 0,
    short_aband BIGINT NOT NULL DEFAULT 0,
    aband_in_sl BIGINT NOT NULL DEFAULT 0,
    overflowed BIGINT NOT NULL DEFAULT 0,
    callbacks BIGINT NOT NULL DEFAULT 0,
    answered BIGINT NOT NULL DEFAULT 0,
    failed BIGINT NOT NULL DEFAULT 0,
    wait_ans_ms BIGINT NOT NULL DEFAULT 0,
    wait_ab_ms BIGINT NOT NULL DEFAULT 0,
    wait_q_ms BIGINT NOT NULL DEFAULT 0,
    max_wait_ms BIGINT NOT NULL DEFAULT 0,
    talk_ms BIGINT NOT NULL DEFAULT 0,
    hold_ms BIGINT NOT NULL DEFAULT 0,
    held BIGINT NOT NULL DEFAULT 0,
    holds BIGINT NOT NULL DEFAULT 0,
    fcr_base BIGINT NOT NULL DEFAULT 0,
    fcr_failed BIGINT NOT NULL DEFAULT 0,
    rated BIGINT NOT NULL DEFAULT 0,
    satisfied BIGINT NOT NULL DEFAULT 0,
    very_unsat BIGINT NOT NULL DEFAULT 0,
    rating_pts BIGINT NOT NULL DEFAULT 0,
    legs_offered BIGINT NOT NULL DEFAULT 0,
    legs_answered BIGINT NOT NULL DEFAULT 0,
    legs_missed BIGINT NOT NULL DEFAULT 0,
    leg_ring_ms BIGINT NOT NULL DEFAULT 0,
    leg_talk_ms BIGINT NOT NULL DEFAULT 0,
    leg_hold_ms BIGINT NOT NULL DEFAULT 0,
    leg_wrap_ms BIGINT NOT NULL DEFAULT 0,
    legs_transferred BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (bucket, lvl, queue, direction, agent_id, team_id, department_id)
);

CREATE TABLE rep_dims_15m (
    bucket BIGINT NOT NULL,
    lvl TEXT NOT NULL,
    dim TEXT NOT NULL,
    value TEXT NOT NULL,
    direction TEXT NOT NULL,
    team_id BIGINT NOT NULL,
    department_id BIGINT NOT NULL,
    calls BIGINT NOT NULL DEFAULT 0,
    inbound BIGINT NOT NULL DEFAULT 0,
    blocked BIGINT NOT NULL DEFAULT 0,
    ivr_handled BIGINT NOT NULL DEFAULT 0,
    queued BIGINT NOT NULL DEFAULT 0,
    answered_q BIGINT NOT NULL DEFAULT 0,
    in_sl BIGINT NOT NULL DEFAULT 0,
    abandoned BIGINT NOT NULL DEFAULT 0,
    short_aband BIGINT NOT NULL DEFAULT 0,
    aband_in_sl BIGINT NOT NULL DEFAULT 0,
    overflowed BIGINT NOT NULL DEFAULT 0,
    callbacks BIGINT NOT NULL DEFAULT 0,
    answered BIGINT NOT NULL DEFAULT 0,
    failed BIGINT NOT NULL DEFAULT 0,
    wait_ans_ms BIGINT NOT NULL DEFAULT 0,
    wait_ab_ms BIGINT NOT NULL DEFAULT 0,
    wait_q_ms BIGINT NOT NULL DEFAULT 0,
    max_wait_ms BIGINT NOT NULL DEFAULT 0,
    talk_ms BIGINT NOT NULL DEFAULT 0,
    hold_ms BIGINT NOT NULL DEFAULT 0,
    held BIGINT NOT NULL DEFAULT 0,
    holds BIGINT NOT NULL DEFAULT 0,
    fcr_base BIGINT NOT NULL DEFAULT 0,
    fcr_failed BIGINT NOT NULL DEFAULT 0,
    rated BIGINT NOT NULL DEFAULT 0,
    satisfied BIGINT NOT NULL DEFAULT 0,
    very_unsat BIGINT NOT NULL DEFAULT 0,
    rating_pts BIGINT NOT NULL DEFAULT 0,
    legs_offered BIGINT NOT NULL DEFAULT 0,
    legs_answered BIGINT NOT NULL DEFAULT 0,
    legs_missed BIGINT NOT NULL DEFAULT 0,
    leg_ring_ms BIGINT NOT NULL DEFAULT 0,
    leg_talk_ms BIGINT NOT NULL DEFAULT 0,
    leg_hold_ms BIGINT NOT NULL DEFAULT 0,
    leg_wrap_ms BIGINT NOT NULL DEFAULT 0,
    legs_transferred BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (bucket, lvl, dim, value, direction, team_id, department_id)
);

CREATE TABLE rep_agents_15m (
    bucket BIGINT NOT NULL,
    lvl TEXT NOT NULL,
    agent_id BIGINT NOT NULL,
    team_id BIGINT NOT NULL,
    department_id BIGINT NOT NULL,
    logged_in_ms BIGINT NOT NULL DEFAULT 0,
    ready_ms BIGINT NOT NULL DEFAULT 0,
    ringing_ms BIGINT NOT NULL DEFAULT 0,
    on_call_ms BIGINT NOT NULL DEFAULT 0,
    on_hold_ms BIGINT NOT NULL DEFAULT 0,
    wrap_up_ms BIGINT NOT NULL DEFAULT 0,
    not_ready_ms BIGINT NOT NULL DEFAULT 0,
    scheduled_ms BIGINT NOT NULL DEFAULT 0,
    adhered_ms BIGINT NOT NULL DEFAULT 0,
    attended_ms BIGINT NOT NULL DEFAULT 0,
    sched_units BIGINT NOT NULL DEFAULT 0,
    attend_units BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (bucket, lvl, agent_id, team_id, department_id)
);

CREATE TABLE rep_reasons_15m (
    bucket BIGINT NOT NULL,
    lvl TEXT NOT NULL,
    agent_id BIGINT NOT NULL,
    team_id BIGINT NOT NULL,
    department_id BIGINT NOT NULL,
    reason TEXT NOT NULL,
    ms BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (bucket, lvl, agent_id, team_id, department_id, reason)
);

CREATE TABLE rep_calls_day (
    bucket BIGINT NOT NULL,
    lvl TEXT NOT NULL,
    queue TEXT NOT NULL,
    direction TEXT NOT NULL,
    agent_id BIGINT NOT NULL,
    team_id BIGINT NOT NULL,
    department_id BIGINT NOT NULL,
    calls BIGINT NOT NULL DEFAULT 0,
    inbound BIGINT NOT NULL DEFAULT 0,
    blocked BIGINT NOT NULL DEFAULT 0,
    ivr_handled BIGINT NOT NULL DEFAULT 0,
    queued BIGINT NOT NULL DEFAULT 0,
    answered_q BIGINT NOT NULL DEFAULT 0,
    in_sl BIGINT NOT NULL DEFAULT 0,
    abandoned BIGINT NOT NULL DEFAULT 0,
    short_aband BIGINT NOT NULL DEFAULT 0,
    aband_in_sl BIGINT NOT NULL DEFAULT 0,
    overflowed BIGINT NOT NULL DEFAULT 0,
    callbacks BIGINT NOT NULL DEFAULT 0,
    answered BIGINT NOT NULL DEFAULT 0,
    failed BIGINT NOT NULL DEFAULT 0,
    wait_ans_ms BIGINT NOT NULL DEFAULT 0,
    wait_ab_ms BIGINT NOT NULL DEFAULT 0,
    wait_q_ms BIGINT NOT NULL DEFAULT 0,
    max_wait_ms BIGINT NOT NULL DEFAULT 0,
    talk_ms BIGINT NOT NULL DEFAULT 0,
    hold_ms BIGINT NOT NULL DEFAULT 0,
    held BIGINT NOT NULL DEFAULT 0,
    holds BIGINT NOT NULL DEFAULT 0,
    fcr_base BIGINT NOT NULL DEFAULT 0,
    fcr_failed BIGINT NOT NULL DEFAULT 0,
    rated BIGINT NOT NULL DEFAULT 0,
    satisfied BIGINT NOT NULL DEFAULT 0,
    very_unsat BIGINT NOT NULL DEFAULT 0,
    rating_pts BIGINT NOT NULL DEFAULT 0,
    legs_offered BIGINT NOT NULL DEFAULT 0,
    legs_answered BIGINT NOT NULL DEFAULT 0,
    legs_missed BIGINT NOT NULL DEFAULT 0,
    leg_ring_ms BIGINT NOT NULL DEFAULT 0,
    leg_talk_ms BIGINT NOT NULL DEFAULT 0,
    leg_hold_ms BIGINT NOT NULL DEFAULT 0,
    leg_wrap_ms BIGINT NOT NULL DEFAULT 0,
    legs_transferred BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (bucket, lvl, queue, direction, agent_id, team_id, department_id)
);

CREATE TABLE rep_dims_day (
    bucket BIGINT NOT NULL,
    lvl TEXT NOT NULL,
    dim TEXT NOT NULL,
    value TEXT NOT NULL,
    direction TEXT NOT NULL,
    team_id BIGINT NOT NULL,
    department_id BIGINT NOT NULL,
    calls BIGINT NOT NULL DEFAULT 0,
    inbound BIGINT NOT NULL DEFAULT 0,
    blocked BIGINT NOT NULL DEFAULT 0,
    ivr_handled BIGINT NOT NULL DEFAULT 0,
    queued BIGINT NOT NULL DEFAULT 0,
    answered_q BIGINT NOT NULL DEFAULT 0,
    in_sl BIGINT NOT NULL DEFAULT 0,
    abandoned BIGINT NOT NULL DEFAULT 0,
    short_aband BIGINT NOT NULL DEFAULT 0,
    aband_in_sl BIGINT NOT NULL DEFAULT 0,
    overflowed BIGINT NOT NULL DEFAULT 0,
    callbacks BIGINT NOT NULL DEFAULT 0,
    answered BIGINT NOT NULL DEFAULT 0,
    failed BIGINT NOT NULL DEFAULT 0,
    wait_ans_ms BIGINT NOT NULL DEFAULT 0,
    wait_ab_ms BIGINT NOT NULL DEFAULT 0,
    wait_q_ms BIGINT NOT NULL DEFAULT 0,
    max_wait_ms BIGINT NOT NULL DEFAULT 0,
    talk_ms BIGINT NOT NULL DEFAULT 0,
    hold_ms BIGINT NOT NULL DEFAULT 0,
    held BIGINT NOT NULL DEFAULT 0,
    holds BIGINT NOT NULL DEFAULT 0,
    fcr_base BIGINT NOT NULL DEFAULT 0,
    fcr_failed BIGINT NOT NULL DEFAULT 0,
    rated BIGINT NOT NULL DEFAULT 0,
    satisfied BIGINT NOT NULL DEFAULT 0,
    very_unsat BIGINT NOT NULL DEFAULT 0,
    rating_pts BIGINT NOT NULL DEFAULT 0,
    legs_offered BIGINT NOT NULL DEFAULT 0,
    legs_answered BIGINT NOT NULL DEFAULT 0,
    legs_missed BIGINT NOT NULL DEFAULT 0,
    leg_ring_ms BIGINT NOT NULL DEFAULT 0,
    leg_talk_ms BIGINT NOT NULL DEFAULT 0,
    leg_hold_ms BIGINT NOT NULL DEFAULT 0,
    leg_wrap_ms BIGINT NOT NULL DEFAULT 0,
    legs_transferred BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (bucket, lvl, dim, value, direction, team_id, department_id)
);

CREATE TABLE rep_agents_day (
    bucket BIGINT NOT NULL,
    lvl TEXT NOT NULL,
    agent_id BIGINT NOT NULL,
    team_id BIGINT NOT NULL,
    department_id BIGINT NOT NULL,
    logged_in_ms BIGINT NOT NULL DEFAULT 0,
    ready_ms BIGINT NOT NULL DEFAULT 0,
    ringing_ms BIGINT NOT NULL DEFAULT 0,
    on_call_ms BIGINT NOT NULL DEFAULT 0,
    on_hold_ms BIGINT NOT NULL DEFAULT 0,
    wrap_up_ms BIGINT NOT NULL DEFAULT 0,
    not_ready_ms BIGINT NOT NULL DEFAULT 0,
    scheduled_ms BIGINT NOT NULL DEFAULT 0,
    adhered_ms BIGINT NOT NULL DEFAULT 0,
    attended_ms BIGINT NOT NULL DEFAULT 0,
    sched_units BIGINT NOT NULL DEFAULT 0,
    attend_units BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (bucket, lvl, agent_id, team_id, department_id)
);

CREATE TABLE rep_reasons_day (
    bucket BIGINT NOT NULL,
    lvl TEXT NOT NULL,
    agent_id BIGINT NOT NULL,
    team_id BIGINT NOT NULL,
    department_id BIGINT NOT NULL,
    reason TEXT NOT NULL,
    ms BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (bucket, lvl, agent_id, team_id, department_id, reason)
);

-- The center's cost per month (for cost per call), entered by managers;
-- department_id 0 is the whole center. Amounts in minor units (fen).
CREATE TABLE report_costs (
    month TEXT NOT NULL,
    department_id BIGINT NOT NULL,
    amount BIGINT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    updated_by BIGINT,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (month, department_id)
);

-- Lookups the metrics make: repeat calls (first-call resolution) and the
-- campaign of a call.
CREATE INDEX cdrs_caller ON cdrs (caller, started_at);
CREATE INDEX cdrs_callee ON cdrs (callee, started_at);
CREATE INDEX campaign_attempts_call ON campaign_attempts (call_id);

-- Calls recorded before the rollups existed are rolled up on first start.
INSERT INTO rep_dirty (kind, bucket) SELECT DISTINCT 'calls', started_at - (started_at % 900000) FROM cdrs;
