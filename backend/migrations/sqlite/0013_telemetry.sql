-- Smart heating (智慧供热, #18): API keys for telemetry sources beside the
-- Open311 ones, the sensor registry, raw readings and their hourly rollups.
-- Keep in step with the other engine's 0013_telemetry.sql.

-- One table for every key another system holds; `scope` says what it opens.
ALTER TABLE open311_keys RENAME TO api_keys;
ALTER TABLE api_keys ADD COLUMN scope TEXT NOT NULL DEFAULT 'open311'
    CHECK (scope IN ('open311', 'telemetry'));
-- A company's platform reports only its own sensors; NULL: the city's
-- platform (or an Open311 key), which is not bound to one company.
ALTER TABLE api_keys ADD COLUMN company_id BIGINT REFERENCES heating_companies(id);

CREATE TABLE sensors (
    id INTEGER PRIMARY KEY,
    -- The id the platforms send ("WF-IN-000123").
    code TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('indoor', 'station', 'outdoor')),
    household_id BIGINT REFERENCES households(id),
    building_id BIGINT REFERENCES buildings(id),
    station_id BIGINT REFERENCES stations(id),
    -- Whose sensor it is (the household's or station's company); NULL for
    -- the city's weather sensors.
    company_id BIGINT REFERENCES heating_companies(id),
    registered_at BIGINT NOT NULL,
    last_heard_at BIGINT,
    -- Why its readings are not trusted, since when.
    flag TEXT CHECK (flag IN ('silent', 'stuck', 'jumping')),
    flagged_at BIGINT,
    CHECK (kind <> 'indoor' OR (household_id IS NOT NULL AND building_id IS NOT NULL)),
    CHECK (kind <> 'station' OR station_id IS NOT NULL)
);
CREATE INDEX sensors_household ON sensors(household_id);
CREATE INDEX sensors_building ON sensors(building_id);
CREATE INDEX sensors_station ON sensors(station_id);

-- Raw readings, one per sensor, quantity and time: a resent batch finds
-- its rows already here. No foreign key: the service checked the sensor,
-- and a check per row would halve the ingest rate. On PostgreSQL the
-- table is partitioned by month, so an old month is dropped at once.
CREATE TABLE telemetry_readings (
    sensor_id BIGINT NOT NULL,
    -- domain::telemetry::Quantity::code
    quantity SMALLINT NOT NULL,
    measured_at BIGINT NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (sensor_id, quantity, measured_at)
) WITHOUT ROWID;

-- Hourly rollups per sensor and quantity, kept when raw months go; charts
-- and rules read these.
CREATE TABLE telemetry_hourly (
    sensor_id BIGINT NOT NULL REFERENCES sensors(id),
    quantity SMALLINT NOT NULL,
    -- The hour's start, Unix seconds.
    hour BIGINT NOT NULL,
    readings BIGINT NOT NULL,
    total DOUBLE PRECISION NOT NULL,
    lowest DOUBLE PRECISION NOT NULL,
    highest DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (sensor_id, quantity, hour)
) WITHOUT ROWID;
-- The sensor review reads the last hours of every sensor.
CREATE INDEX telemetry_hourly_hour ON telemetry_hourly(quantity, hour);

-- Each company's weather-compensated curve (tenths of a degree); a company
-- without one runs on domain::telemetry::SupplyCurve::default.
CREATE TABLE supply_curves (
    company_id BIGINT PRIMARY KEY REFERENCES heating_companies(id),
    cold_outdoor BIGINT NOT NULL,
    cold_supply BIGINT NOT NULL,
    mild_outdoor BIGINT NOT NULL,
    mild_supply BIGINT NOT NULL,
    tolerance BIGINT NOT NULL,
    set_by BIGINT NOT NULL REFERENCES people(id),
    set_at BIGINT NOT NULL
);
