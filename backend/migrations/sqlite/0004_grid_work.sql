-- A grid worker's work: filing for a resident with the resident's consent
-- (a code texted to the resident's phone), and the visit log (访民问暖).
-- Keep in step with the other engine's 0004_grid_work.sql.

-- One consent request: the worker asked to file for a household, a code
-- went to the resident's phone. The page holds a random token; only its
-- hash is stored, and the code's hash is keyed with that token.
CREATE TABLE filing_consents (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    grid_worker_id BIGINT NOT NULL REFERENCES people(id),
    household_id BIGINT NOT NULL REFERENCES households(id),
    phone TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    wrong_tries BIGINT NOT NULL DEFAULT 0,
    confirmed_at BIGINT,
    case_id BIGINT REFERENCES cases(id)
);
CREATE INDEX filing_consents_phone ON filing_consents(phone, created_at);
CREATE INDEX filing_consents_worker ON filing_consents(grid_worker_id, created_at);

-- 访民问暖: a visit to a building or one household of it.
CREATE TABLE grid_visits (
    id INTEGER PRIMARY KEY,
    grid_worker_id BIGINT NOT NULL REFERENCES people(id),
    building_id BIGINT NOT NULL REFERENCES buildings(id),
    household_id BIGINT REFERENCES households(id),
    visited_on TEXT NOT NULL,
    notes TEXT NOT NULL,
    follow_up_case_id BIGINT REFERENCES cases(id),
    -- The form's one-time key (scoped per worker): a repeated submit logs
    -- one visit.
    idempotency_key TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);
CREATE INDEX grid_visits_building ON grid_visits(building_id, visited_on);
CREATE INDEX grid_visits_worker ON grid_visits(grid_worker_id, visited_on);
