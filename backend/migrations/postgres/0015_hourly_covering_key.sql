-- Charts read a sensor's hours (#18). PostgreSQL keeps rows in the order
-- they were written, by time, so a building's week of rollups lay on one
-- heap page per row: about 300 ms to read from disk at Weifang's density.
-- The primary key now carries the figures too, so those reads are
-- index-only scans over the key's order, where a sensor's hours sit
-- together. SQLite needs nothing: its table is stored in key order
-- (WITHOUT ROWID). Keep in step with the other engine's 0015.
ALTER TABLE telemetry_hourly DROP CONSTRAINT telemetry_hourly_pkey;
ALTER TABLE telemetry_hourly ADD CONSTRAINT telemetry_hourly_pkey
    PRIMARY KEY (sensor_id, quantity, hour) INCLUDE (readings, total, lowest, highest);
