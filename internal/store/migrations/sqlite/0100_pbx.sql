-- Telephone configuration: agents' SIP accounts, carrier trunks, inbound numbers.
CREATE TABLE extensions (
    id INTEGER PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL DEFAULT '',
    ha1_md5 TEXT NOT NULL,
    ha1_sha256 TEXT NOT NULL,
    enabled BOOLEAN NOT NULL DEFAULT TRUE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE trunks (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    host TEXT NOT NULL DEFAULT '',
    transport TEXT NOT NULL DEFAULT 'udp',
    trusted_sources TEXT NOT NULL DEFAULT '',
    register BOOLEAN NOT NULL DEFAULT FALSE,
    username TEXT NOT NULL DEFAULT '',
    password TEXT NOT NULL DEFAULT '',
    caller_id TEXT NOT NULL DEFAULT '',
    dial_prefix TEXT NOT NULL DEFAULT '',
    enabled BOOLEAN NOT NULL DEFAULT TRUE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE numbers (
    id INTEGER PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    route_kind TEXT NOT NULL,
    route_target TEXT NOT NULL,
    priority INTEGER NOT NULL DEFAULT 0,
    enabled BOOLEAN NOT NULL DEFAULT TRUE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
