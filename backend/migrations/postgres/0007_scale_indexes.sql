-- Indexes a city of 500,000 households needs (heatdesk seed --scale):
-- every way a person may see a case is an index lookup, and queues read
-- only the open cases. Keep in step with the other engine's file.

CREATE INDEX IF NOT EXISTS cases_filed_for ON cases(filed_for);
CREATE INDEX IF NOT EXISTS cases_station ON cases(station_id);
CREATE INDEX IF NOT EXISTS cases_company ON cases(company_id);
CREATE INDEX IF NOT EXISTS cases_crew ON cases(assigned_crew_id);
CREATE INDEX IF NOT EXISTS cases_open_building ON cases(building_id, due_at) WHERE closed_at IS NULL;
