-- Applications that take effect (#19): an approved 报停, 复供 or 报装
-- changes the household only with the crew's work at the door (close and
-- seal the valve, unseal it, inspect), recorded here in the same
-- transaction as the case's last step. The household keeps its current
-- state, since when it counts and the seal now on its valve; the changes
-- table keeps every one of them, for the bills that read them.
-- A change of holder (过户) names the new holder on the case; approving
-- it writes them to the household.
-- Keep in step with the other engine's 0016_service_changes.sql.
ALTER TABLE households ADD COLUMN service_since BIGINT;
ALTER TABLE households ADD COLUMN seal_no TEXT;

CREATE TABLE household_service_changes (
    id INTEGER PRIMARY KEY,
    household_id BIGINT NOT NULL REFERENCES households(id),
    -- One change per application.
    case_id BIGINT NOT NULL UNIQUE REFERENCES cases(id),
    from_state TEXT NOT NULL,
    to_state TEXT NOT NULL CHECK (to_state IN ('heated', 'suspended', 'not_connected')),
    effective_from BIGINT NOT NULL,
    -- 1 when the change counts for a whole season from its start.
    whole_season BIGINT NOT NULL,
    seal_on_valve TEXT,
    seal_removed TEXT,
    recorded_by BIGINT REFERENCES people(id),
    recorded_at BIGINT NOT NULL
);
CREATE INDEX household_service_changes_by_household
    ON household_service_changes (household_id, effective_from);

ALTER TABLE cases ADD COLUMN new_holder_name TEXT;
ALTER TABLE cases ADD COLUMN new_holder_phone TEXT;

-- 上门测温: each measurement a crew records for a temperature complaint.
-- One below the standard stays on the household's record for its season.
CREATE TABLE temperature_measurements (
    id INTEGER PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases(id),
    household_id BIGINT REFERENCES households(id),
    season_start_year BIGINT NOT NULL,
    measured_at BIGINT NOT NULL,
    -- [{"room": "living_room", "tenths": 165}, …]
    readings TEXT NOT NULL,
    lowest_tenths BIGINT NOT NULL,
    meets_standard BIGINT NOT NULL,
    cause TEXT CHECK (cause IN ('network', 'building', 'household')),
    confirmed_by TEXT NOT NULL,
    recorded_by BIGINT REFERENCES people(id)
);
CREATE INDEX temperature_measurements_by_household
    ON temperature_measurements (household_id, season_start_year);
CREATE INDEX temperature_measurements_by_case ON temperature_measurements (case_id);
