-- Open311 GeoReport v2: the API keys an admin issues to other systems.
-- Keep in step with the other engine's 0006_open311.sql.

CREATE TABLE open311_keys (
    id INTEGER PRIMARY KEY,
    -- Who holds the key ("12345 政务服务平台").
    label TEXT NOT NULL,
    -- SHA-256 of the key; the key itself is shown once and never kept.
    key_hash TEXT NOT NULL UNIQUE,
    -- The key's first characters, to tell keys apart in the list.
    key_hint TEXT NOT NULL,
    issued_by BIGINT NOT NULL REFERENCES people(id),
    issued_at BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at BIGINT,
    revoked_by BIGINT REFERENCES people(id)
);

-- GET requests reads cases by when they were filed.
CREATE INDEX cases_created ON cases(created_at);
