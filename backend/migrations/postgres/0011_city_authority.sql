-- The city heating authority (#17): a role of its own, and season
-- decisions that name the companies they apply to (none named: all).
-- Keep in step with the other engine's 0011_city_authority.sql.

ALTER TABLE person_roles DROP CONSTRAINT person_roles_role_check;
ALTER TABLE person_roles ADD CONSTRAINT person_roles_role_check
    CHECK (role IN ('resident', 'grid_worker', 'property_manager', 'dispatcher', 'repair_crew', 'admin', 'heating_authority'));

CREATE TABLE season_announcement_companies (
    announcement_id BIGINT NOT NULL REFERENCES season_announcements(id),
    company_id BIGINT NOT NULL REFERENCES heating_companies(id),
    PRIMARY KEY (announcement_id, company_id)
);
