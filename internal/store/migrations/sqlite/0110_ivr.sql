-- IVR: prompts (uploaded 8 kHz WAV files or text for speech synthesis) and
-- flows (a JSON definition per flow, versioned for optimistic locking).
-- Times are integer milliseconds since the Unix epoch.
CREATE TABLE ivr_prompts (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    language TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL DEFAULT '',
    file_path TEXT NOT NULL DEFAULT '',
    duration_ms BIGINT NOT NULL DEFAULT 0,
    size_bytes BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE ivr_flows (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    definition TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by TEXT NOT NULL DEFAULT ''
);

-- What each flow refers to by name, kept beside the definition so that the
-- foreign keys refuse deleting a flow or prompt that is still in use.
CREATE TABLE ivr_flow_refs (
    flow_id INTEGER NOT NULL REFERENCES ivr_flows(id) ON DELETE CASCADE,
    target_flow_id INTEGER NOT NULL REFERENCES ivr_flows(id),
    PRIMARY KEY (flow_id, target_flow_id)
);
CREATE INDEX ivr_flow_refs_target ON ivr_flow_refs (target_flow_id);

CREATE TABLE ivr_flow_prompts (
    flow_id INTEGER NOT NULL REFERENCES ivr_flows(id) ON DELETE CASCADE,
    prompt_id INTEGER NOT NULL REFERENCES ivr_prompts(id),
    PRIMARY KEY (flow_id, prompt_id)
);
CREATE INDEX ivr_flow_prompts_prompt ON ivr_flow_prompts (prompt_id);
