-- Found by server/tests/query_plans.rs on a synthetic city. Keep in step
-- with the other engine's file.
--
-- Few cases carry a station (a station-wide incident), a company (a 12345
-- order not yet placed), a crew or a resident filed for: indexing only
-- those rows keeps each index small and its statistics true, where the
-- full indexes counted every NULL and led the planner to read all cases.
DROP INDEX IF EXISTS cases_filed_for;
DROP INDEX IF EXISTS cases_station;
DROP INDEX IF EXISTS cases_company;
DROP INDEX IF EXISTS cases_crew;
CREATE INDEX cases_filed_for ON cases(filed_for) WHERE filed_for IS NOT NULL;
CREATE INDEX cases_station ON cases(station_id) WHERE station_id IS NOT NULL;
CREATE INDEX cases_company ON cases(company_id) WHERE company_id IS NOT NULL;
CREATE INDEX cases_crew ON cases(assigned_crew_id) WHERE assigned_crew_id IS NOT NULL;

-- Open cases in the order queues read them (store::cases::OPEN_ORDER, the
-- same expression): a queue walks this index from the nearest deadline and
-- stops at its limit instead of sorting every open case of the city.
CREATE INDEX cases_open_by_deadline ON cases(
    (CASE WHEN responded_at IS NULL AND due_at IS NOT NULL THEN due_at ELSE 9999999999 END),
    created_at,
    id
) WHERE closed_at IS NULL;

-- The newest messages of a channel (the demo outbox page).
CREATE INDEX outbox_channel ON outbox(channel, created_at);
