-- 室温达标率 (#18): each company's homes measured and below the standard
-- per day (Shanghai), computed from the hourly rollups by the background
-- job (domain::compliance) and recomputed while late data may change a
-- day. The city's oversight reads these rows, never the readings.
-- Keep in step with the other engine's 0014_compliance.sql.
CREATE TABLE compliance_days (
    company_id BIGINT NOT NULL REFERENCES heating_companies(id),
    -- The day's midnight in Shanghai, Unix seconds.
    day_start BIGINT NOT NULL,
    homes_measured BIGINT NOT NULL,
    homes_below BIGINT NOT NULL,
    computed_at BIGINT NOT NULL,
    PRIMARY KEY (company_id, day_start)
);
