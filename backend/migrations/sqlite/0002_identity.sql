-- Sign-in: one-time codes, sessions, staff lockout, WeChat links.

ALTER TABLE people ADD COLUMN failed_sign_ins BIGINT NOT NULL DEFAULT 0;
ALTER TABLE people ADD COLUMN last_failed_sign_in_at BIGINT;

-- One row per code sent. The code is bound to the browser that asked for it:
-- only the hash of that browser's challenge token is kept, and the code's hash
-- is keyed with the token, so the table alone reveals no code.
CREATE TABLE sign_in_codes (
    id INTEGER PRIMARY KEY,
    challenge_hash TEXT NOT NULL UNIQUE,
    phone TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    client_addr TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    wrong_tries BIGINT NOT NULL DEFAULT 0,
    used_at BIGINT
);
CREATE INDEX sign_in_codes_phone ON sign_in_codes(phone, created_at);
CREATE INDEX sign_in_codes_client ON sign_in_codes(client_addr, created_at);

-- Server-side sessions, shared by every instance. The cookie holds a random
-- token; only its hash is stored.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    person_id BIGINT NOT NULL REFERENCES people(id),
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    idle_timeout BIGINT NOT NULL,
    absolute_timeout BIGINT NOT NULL,
    client_addr TEXT,
    user_agent TEXT
);
CREATE INDEX sessions_person ON sessions(person_id);

-- A WeChat openid, linked to the phone-verified person on first use.
CREATE TABLE wechat_links (
    openid TEXT PRIMARY KEY,
    person_id BIGINT NOT NULL REFERENCES people(id),
    linked_at BIGINT NOT NULL
);
CREATE INDEX wechat_links_person ON wechat_links(person_id);

-- An openid WeChat vouched for, waiting for its phone verification.
CREATE TABLE wechat_pending (
    token_hash TEXT PRIMARY KEY,
    openid TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE INDEX audit_log_actor ON audit_log(actor_id, at);
CREATE INDEX audit_log_action ON audit_log(action, at);

-- A message the worker gave up on (the provider refused it for good).
ALTER TABLE outbox ADD COLUMN abandoned_at BIGINT;
