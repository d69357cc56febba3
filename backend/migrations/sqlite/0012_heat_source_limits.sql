-- Heat-source limitations (热源限供, #17): an outage kind for a company's
-- buildings whose heat is reduced because a heat source is short, and a
-- season notice of the city's authority for all companies or named ones.
-- Keep in step with the other engine's 0012_heat_source_limits.sql.
--
-- SQLite cannot change a CHECK in place, so both tables are rebuilt. Other
-- tables refer to them and sqlx runs this in a transaction, where foreign
-- keys cannot be switched off: they are checked at commit instead
-- (defer_foreign_keys). Each table's rows are copied aside, the table is
-- dropped (which leaves its referrers dangling for the moment) and made
-- anew, and its rows, ids and all, go back in, which mends every
-- reference before the commit checks them.
PRAGMA defer_foreign_keys = ON;

CREATE TEMP TABLE outages_kept AS SELECT * FROM outages;
DROP TABLE outages;
CREATE TABLE outages (
    id INTEGER PRIMARY KEY,
    company_id BIGINT NOT NULL REFERENCES heating_companies(id),
    kind TEXT NOT NULL CHECK (kind IN ('planned', 'emergency', 'commissioning', 'heat_source')),
    title TEXT NOT NULL,
    cause TEXT NOT NULL,
    starts_at BIGINT NOT NULL,
    expected_restore_at BIGINT NOT NULL,
    restored_at BIGINT,
    published_at BIGINT NOT NULL,
    published_by BIGINT REFERENCES people(id),
    status TEXT NOT NULL DEFAULT 'published'
        CHECK (status IN ('draft', 'published', 'restored', 'cancelled')),
    short_notice_reason TEXT NOT NULL DEFAULT '',
    contact TEXT NOT NULL DEFAULT '',
    cancelled_at BIGINT,
    created_at BIGINT,
    CHECK (starts_at < expected_restore_at)
);
INSERT INTO outages (id, company_id, kind, title, cause, starts_at, expected_restore_at,
        restored_at, published_at, published_by, status, short_notice_reason, contact,
        cancelled_at, created_at)
    SELECT id, company_id, kind, title, cause, starts_at, expected_restore_at,
        restored_at, published_at, published_by, status, short_notice_reason, contact,
        cancelled_at, created_at
    FROM outages_kept;
DROP TABLE outages_kept;
CREATE INDEX outages_restored ON outages(restored_at);
CREATE INDEX outages_company_status ON outages(company_id, status);

CREATE TEMP TABLE season_announcements_kept AS SELECT * FROM season_announcements;
DROP TABLE season_announcements;
CREATE TABLE season_announcements (
    id INTEGER PRIMARY KEY,
    season_start_year BIGINT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('early_start', 'extension', 'heat_source_limit')),
    effective_at BIGINT NOT NULL,
    reason TEXT NOT NULL,
    published_at BIGINT NOT NULL,
    published_by BIGINT REFERENCES people(id)
);
INSERT INTO season_announcements (id, season_start_year, kind, effective_at, reason,
        published_at, published_by)
    SELECT id, season_start_year, kind, effective_at, reason, published_at, published_by
    FROM season_announcements_kept;
DROP TABLE season_announcements_kept;
CREATE INDEX season_announcements_year ON season_announcements(season_start_year);
