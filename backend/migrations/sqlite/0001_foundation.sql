-- heatdesk foundation schema (SQLite). Keep in step with ../postgres/0001_foundation.sql:
-- the store tests compare both schemas column by column.
-- Every instant is unix seconds (UTC); every id is a 64-bit integer.

CREATE TABLE heating_companies (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    short_name TEXT NOT NULL,
    hotline TEXT NOT NULL
);

CREATE TABLE heat_sources (
    id INTEGER PRIMARY KEY,
    company_id BIGINT NOT NULL REFERENCES heating_companies(id),
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('first_station', 'heating_plant'))
);

CREATE TABLE stations (
    id INTEGER PRIMARY KEY,
    company_id BIGINT NOT NULL REFERENCES heating_companies(id),
    heat_source_id BIGINT REFERENCES heat_sources(id),
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);
CREATE INDEX stations_company ON stations(company_id);

CREATE TABLE communities (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    district TEXT NOT NULL,
    street_address TEXT NOT NULL,
    UNIQUE (district, name)
);

CREATE TABLE buildings (
    id INTEGER PRIMARY KEY,
    community_id BIGINT NOT NULL REFERENCES communities(id),
    station_id BIGINT NOT NULL REFERENCES stations(id),
    name TEXT NOT NULL,
    sort_key BIGINT NOT NULL,
    floors BIGINT NOT NULL,
    UNIQUE (community_id, name)
);
CREATE INDEX buildings_station ON buildings(station_id);

CREATE TABLE units (
    id INTEGER PRIMARY KEY,
    building_id BIGINT NOT NULL REFERENCES buildings(id),
    name TEXT NOT NULL,
    sort_key BIGINT NOT NULL,
    UNIQUE (building_id, name)
);

CREATE TABLE households (
    id INTEGER PRIMARY KEY,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    company_id BIGINT NOT NULL REFERENCES heating_companies(id),
    room TEXT NOT NULL,
    account_no TEXT NOT NULL UNIQUE,
    holder_name TEXT NOT NULL,
    area_m2 DOUBLE PRECISION NOT NULL,
    service_state TEXT NOT NULL DEFAULT 'heated' CHECK (service_state IN ('heated', 'suspended', 'not_connected')),
    UNIQUE (unit_id, room)
);

CREATE TABLE grids (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    district TEXT NOT NULL
);

CREATE TABLE grid_buildings (
    grid_id BIGINT NOT NULL REFERENCES grids(id),
    building_id BIGINT NOT NULL REFERENCES buildings(id),
    PRIMARY KEY (grid_id, building_id)
);
CREATE INDEX grid_buildings_building ON grid_buildings(building_id);

CREATE TABLE people (
    id INTEGER PRIMARY KEY,
    display_name TEXT NOT NULL,
    phone TEXT UNIQUE,
    username TEXT UNIQUE,
    password_hash TEXT,
    company_id BIGINT REFERENCES heating_companies(id),
    created_at BIGINT NOT NULL,
    disabled_at BIGINT
);

CREATE TABLE person_roles (
    person_id BIGINT NOT NULL REFERENCES people(id),
    role TEXT NOT NULL CHECK (role IN ('resident', 'grid_worker', 'property_manager', 'dispatcher', 'repair_crew', 'admin')),
    granted_at BIGINT NOT NULL,
    PRIMARY KEY (person_id, role)
);

CREATE TABLE person_households (
    person_id BIGINT NOT NULL REFERENCES people(id),
    household_id BIGINT NOT NULL REFERENCES households(id),
    bound_at BIGINT NOT NULL,
    PRIMARY KEY (person_id, household_id)
);
CREATE INDEX person_households_household ON person_households(household_id);

CREATE TABLE grid_assignments (
    person_id BIGINT NOT NULL REFERENCES people(id),
    grid_id BIGINT NOT NULL REFERENCES grids(id),
    PRIMARY KEY (person_id, grid_id)
);

CREATE TABLE building_assignments (
    person_id BIGINT NOT NULL REFERENCES people(id),
    building_id BIGINT NOT NULL REFERENCES buildings(id),
    PRIMARY KEY (person_id, building_id)
);

CREATE TABLE crews (
    id INTEGER PRIMARY KEY,
    company_id BIGINT NOT NULL REFERENCES heating_companies(id),
    name TEXT NOT NULL UNIQUE
);

CREATE TABLE crew_members (
    crew_id BIGINT NOT NULL REFERENCES crews(id),
    person_id BIGINT NOT NULL REFERENCES people(id),
    PRIMARY KEY (crew_id, person_id)
);

-- Regulated windows the city fixed for a year; years without a row follow the configured rule.
CREATE TABLE heating_seasons (
    start_year BIGINT PRIMARY KEY,
    starts_at BIGINT NOT NULL,
    ends_at BIGINT NOT NULL,
    CHECK (starts_at < ends_at)
);

CREATE TABLE season_announcements (
    id INTEGER PRIMARY KEY,
    season_start_year BIGINT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('early_start', 'extension')),
    effective_at BIGINT NOT NULL,
    reason TEXT NOT NULL,
    published_at BIGINT NOT NULL,
    published_by BIGINT REFERENCES people(id)
);
CREATE INDEX season_announcements_year ON season_announcements(season_start_year);

CREATE TABLE outages (
    id INTEGER PRIMARY KEY,
    company_id BIGINT NOT NULL REFERENCES heating_companies(id),
    kind TEXT NOT NULL CHECK (kind IN ('planned', 'emergency', 'commissioning')),
    title TEXT NOT NULL,
    cause TEXT NOT NULL,
    starts_at BIGINT NOT NULL,
    expected_restore_at BIGINT NOT NULL,
    restored_at BIGINT,
    published_at BIGINT NOT NULL,
    published_by BIGINT REFERENCES people(id),
    CHECK (starts_at < expected_restore_at)
);
CREATE INDEX outages_restored ON outages(restored_at);

CREATE TABLE outage_stations (
    outage_id BIGINT NOT NULL REFERENCES outages(id),
    station_id BIGINT NOT NULL REFERENCES stations(id),
    PRIMARY KEY (outage_id, station_id)
);
CREATE INDEX outage_stations_station ON outage_stations(station_id);

CREATE TABLE outage_buildings (
    outage_id BIGINT NOT NULL REFERENCES outages(id),
    building_id BIGINT NOT NULL REFERENCES buildings(id),
    PRIMARY KEY (outage_id, building_id)
);
CREATE INDEX outage_buildings_building ON outage_buildings(building_id);

CREATE TABLE outage_updates (
    id INTEGER PRIMARY KEY,
    outage_id BIGINT NOT NULL REFERENCES outages(id),
    posted_at BIGINT NOT NULL,
    message TEXT NOT NULL,
    expected_restore_at BIGINT,
    posted_by BIGINT REFERENCES people(id)
);
CREATE INDEX outage_updates_outage ON outage_updates(outage_id, posted_at);

CREATE TABLE cases (
    id INTEGER PRIMARY KEY,
    case_no TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    channel TEXT NOT NULL,
    household_id BIGINT REFERENCES households(id),
    building_id BIGINT REFERENCES buildings(id),
    filed_by BIGINT REFERENCES people(id),
    filed_for BIGINT REFERENCES people(id),
    assigned_crew_id BIGINT REFERENCES crews(id),
    outage_id BIGINT REFERENCES outages(id),
    parent_case_id BIGINT REFERENCES cases(id),
    summary TEXT NOT NULL,
    details TEXT NOT NULL,
    idempotency_key TEXT UNIQUE,
    due_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    closed_at BIGINT
);
CREATE INDEX cases_household ON cases(household_id);
CREATE INDEX cases_building ON cases(building_id);
CREATE INDEX cases_open_by_due ON cases(state, due_at);

-- Append-only: rows are inserted, never updated or deleted.
CREATE TABLE case_events (
    id INTEGER PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases(id),
    at BIGINT NOT NULL,
    actor_id BIGINT REFERENCES people(id),
    kind TEXT NOT NULL,
    from_state TEXT,
    to_state TEXT,
    note TEXT NOT NULL
);
CREATE INDEX case_events_case ON case_events(case_id, at);

CREATE TABLE attachments (
    id INTEGER PRIMARY KEY,
    case_id BIGINT REFERENCES cases(id),
    uploaded_by BIGINT REFERENCES people(id),
    content_type TEXT NOT NULL,
    byte_size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    storage_key TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);
CREATE INDEX attachments_case ON attachments(case_id);

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    channel TEXT NOT NULL,
    recipient TEXT NOT NULL,
    dedupe_key TEXT NOT NULL UNIQUE,
    payload TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    available_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    last_error TEXT,
    delivered_at BIGINT
);
CREATE INDEX outbox_pending ON outbox(delivered_at, available_at);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at BIGINT NOT NULL,
    actor_id BIGINT REFERENCES people(id),
    action TEXT NOT NULL,
    subject_type TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    detail TEXT NOT NULL,
    client_addr TEXT
);
CREATE INDEX audit_log_at ON audit_log(at);
