-- Heat-source limitations (热源限供, #17): an outage kind for a company's
-- buildings whose heat is reduced because a heat source is short, and a
-- season notice of the city's authority for all companies or named ones.
-- Keep in step with the other engine's 0012_heat_source_limits.sql.

ALTER TABLE outages DROP CONSTRAINT outages_kind_check;
ALTER TABLE outages ADD CONSTRAINT outages_kind_check
    CHECK (kind IN ('planned', 'emergency', 'commissioning', 'heat_source'));

ALTER TABLE season_announcements DROP CONSTRAINT season_announcements_kind_check;
ALTER TABLE season_announcements ADD CONSTRAINT season_announcements_kind_check
    CHECK (kind IN ('early_start', 'extension', 'heat_source_limit'));
