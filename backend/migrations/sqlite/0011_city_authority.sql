-- The city heating authority (#17): a role of its own, and season
-- decisions that name the companies they apply to (none named: all).
-- Keep in step with the other engine's 0011_city_authority.sql.

-- SQLite cannot change a CHECK in place: the roles table is rebuilt.
CREATE TABLE person_roles_new (
    person_id BIGINT NOT NULL REFERENCES people(id),
    role TEXT NOT NULL CHECK (role IN ('resident', 'grid_worker', 'property_manager', 'dispatcher', 'repair_crew', 'admin', 'heating_authority')),
    granted_at BIGINT NOT NULL,
    PRIMARY KEY (person_id, role)
);
INSERT INTO person_roles_new (person_id, role, granted_at)
    SELECT person_id, role, granted_at FROM person_roles;
DROP TABLE person_roles;
ALTER TABLE person_roles_new RENAME TO person_roles;

CREATE TABLE season_announcement_companies (
    announcement_id BIGINT NOT NULL REFERENCES season_announcements(id),
    company_id BIGINT NOT NULL REFERENCES heating_companies(id),
    PRIMARY KEY (announcement_id, company_id)
);
