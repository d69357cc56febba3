-- Security (docs/security.md): limits that hold under concurrency, 12345
-- signatures taken once, reporters apart from case text. Keep in step with
-- the other engine's 0009_security.sql.

-- A fixed-window counter per limit and key ("verify-number:138…"): an
-- attempt is counted by one guarded upsert before it is acted on.
CREATE TABLE throttle_counts (
    bucket TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    hits BIGINT NOT NULL,
    PRIMARY KEY (bucket, window_start)
);
CREATE INDEX throttle_counts_window ON throttle_counts(window_start);

-- A row a transaction takes first when its limit must count past events
-- (codes sent to a number in the last day): the next transaction for the
-- same number waits for it to commit.
CREATE TABLE limit_locks (
    name TEXT PRIMARY KEY,
    taken_at BIGINT NOT NULL
);
CREATE INDEX limit_locks_taken ON limit_locks(taken_at);

-- 12345 request signatures seen while they are fresh: the same signed
-- request a second time is a replay and refused.
CREATE TABLE hotline_signatures (
    signature TEXT PRIMARY KEY,
    seen_at BIGINT NOT NULL
);
CREATE INDEX hotline_signatures_seen ON hotline_signatures(seen_at);

-- Facts about this database as a whole. 'demo_city': seeded by `heatdesk
-- seed` (demo mode, with its log text channel and demo outbox page, is
-- refused on any database without it).
CREATE TABLE instance_facts (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    set_at BIGINT NOT NULL
);
INSERT INTO instance_facts (name, value, set_at)
SELECT 'demo_city', 'seeded before 0009', 0
WHERE EXISTS (SELECT 1 FROM people WHERE username = 'admin_demo');

-- Who reported a case through another system (Open311, 12345): name,
-- phone, email and address as they gave them, kept apart from the case's
-- text and shown only to the company's dispatchers and the case's crew.
CREATE TABLE case_reporters (
    case_id BIGINT PRIMARY KEY REFERENCES cases(id),
    name TEXT,
    phone TEXT,
    email TEXT,
    address TEXT
);

-- The holder's mobile number as the heating company has it on file: a
-- grid worker's consent code (and a binding's confirmation) may go there.
ALTER TABLE households ADD COLUMN holder_phone TEXT;

-- What the resident agreed to: a consent files a case of this kind only.
-- Consents asked before this was kept match no kind.
ALTER TABLE filing_consents ADD COLUMN case_kind TEXT NOT NULL DEFAULT '';

-- A resident's request to bind a household whose account number and
-- holder's name matched: completed by the code texted to the holder's
-- phone on file (its hash keyed with the request's token, which only the
-- resident's page holds), or by a resident already bound approving it.
CREATE TABLE binding_requests (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    person_id BIGINT NOT NULL REFERENCES people(id),
    household_id BIGINT NOT NULL REFERENCES households(id),
    sent_to TEXT,
    code_hash TEXT,
    created_at BIGINT NOT NULL,
    wrong_tries BIGINT NOT NULL DEFAULT 0,
    decided_at BIGINT,
    decision TEXT CHECK (decision IN ('code', 'approve', 'decline')),
    decided_by BIGINT REFERENCES people(id)
);
CREATE INDEX binding_requests_household ON binding_requests(household_id, created_at);
CREATE INDEX binding_requests_person ON binding_requests(person_id, created_at);
CREATE INDEX binding_requests_sent_to ON binding_requests(sent_to, created_at);

-- A staff member's second factor: the TOTP secret (needed to compute codes,
-- so kept as it is; the database is the secret's safe), when it was
-- confirmed, and the newest time step accepted (a code works once).
CREATE TABLE staff_second_factors (
    person_id BIGINT PRIMARY KEY REFERENCES people(id),
    secret TEXT NOT NULL,
    confirmed_at BIGINT,
    last_step BIGINT NOT NULL DEFAULT 0
);

-- Ten one-time recovery codes per factor, as SHA-256 hashes.
CREATE TABLE recovery_codes (
    id INTEGER PRIMARY KEY,
    person_id BIGINT NOT NULL REFERENCES people(id),
    code_hash TEXT NOT NULL,
    used_at BIGINT
);
CREATE INDEX recovery_codes_person ON recovery_codes(person_id);

-- The step between a right password and a session: the browser holds a
-- token (only its hash is kept); five tries, five minutes.
CREATE TABLE second_factor_challenges (
    token_hash TEXT PRIMARY KEY,
    person_id BIGINT NOT NULL REFERENCES people(id),
    created_at BIGINT NOT NULL,
    tries BIGINT NOT NULL DEFAULT 0,
    used_at BIGINT
);
CREATE INDEX second_factor_challenges_created ON second_factor_challenges(created_at);
