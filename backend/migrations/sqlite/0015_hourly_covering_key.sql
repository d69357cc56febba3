-- Nothing to do on SQLite: telemetry_hourly is WITHOUT ROWID, so its rows
-- are stored in primary-key order and a sensor's hours already sit
-- together. PostgreSQL's 0015 makes its key carry the figures instead.
SELECT 1;
