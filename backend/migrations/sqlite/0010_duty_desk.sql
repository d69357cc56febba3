-- The duty desk (#17): outages a dispatcher writes, publishes (now or at a
-- set time), updates, restores or cancels; residents may decline routine
-- outage news. Keep in step with the other engine's 0010_duty_desk.sql.

-- draft: staff only; published: public from published_at; restored or
-- cancelled: ended (restored_at or cancelled_at). Existing outages were
-- published when written.
ALTER TABLE outages ADD COLUMN status TEXT NOT NULL DEFAULT 'published'
    CHECK (status IN ('draft', 'published', 'restored', 'cancelled'));
UPDATE outages SET status = 'restored' WHERE restored_at IS NOT NULL;
-- Shown publicly when planned work is announced later than the rule asks.
ALTER TABLE outages ADD COLUMN short_notice_reason TEXT NOT NULL DEFAULT '';
-- Who to call about it.
ALTER TABLE outages ADD COLUMN contact TEXT NOT NULL DEFAULT '';
ALTER TABLE outages ADD COLUMN cancelled_at BIGINT;
ALTER TABLE outages ADD COLUMN created_at BIGINT;
CREATE INDEX outages_company_status ON outages(company_id, status);

-- When the person asked for no routine (non-emergency) outage news.
ALTER TABLE people ADD COLUMN outage_news_opt_out_at BIGINT;

-- People to tell of an outage in a building: bound residents, the grid's
-- workers and the building's property managers.
CREATE INDEX IF NOT EXISTS grid_assignments_grid ON grid_assignments(grid_id);
CREATE INDEX IF NOT EXISTS building_assignments_building ON building_assignments(building_id);
