-- Casework: filing, deadlines, the timeline and ratings. Keep in step with
-- the other engine's 0003_casework.sql.

-- What each kind of case records when filed.
ALTER TABLE cases ADD COLUMN category TEXT;
ALTER TABLE cases ADD COLUMN urgency TEXT NOT NULL DEFAULT 'normal';
ALTER TABLE cases ADD COLUMN room TEXT;
ALTER TABLE cases ADD COLUMN reading_tenths BIGINT;
ALTER TABLE cases ADD COLUMN measured_as_guided BIGINT;
ALTER TABLE cases ADD COLUMN triage TEXT;
ALTER TABLE cases ADD COLUMN season_start_year BIGINT;
-- Where the resident hears about the case (their phone at filing time).
ALTER TABLE cases ADD COLUMN contact_phone TEXT;
-- The response clock: due_at (existing) and when it turns yellow; when and
-- whether the first response (crew on site, review decision) came in time.
ALTER TABLE cases ADD COLUMN deadline_rule TEXT;
ALTER TABLE cases ADD COLUMN warn_at BIGINT;
ALTER TABLE cases ADD COLUMN responded_at BIGINT;
ALTER TABLE cases ADD COLUMN response_on_time BIGINT;
ALTER TABLE cases ADD COLUMN decision_note TEXT;
ALTER TABLE cases ADD COLUMN rating BIGINT CHECK (rating BETWEEN 1 AND 5);
ALTER TABLE cases ADD COLUMN rating_comment TEXT;
ALTER TABLE cases ADD COLUMN rated_at BIGINT;
-- An incident of a whole heat-exchange station has a station, no building.
ALTER TABLE cases ADD COLUMN station_id BIGINT REFERENCES stations(id);

CREATE INDEX cases_crew ON cases(assigned_crew_id);
CREATE INDEX cases_filed_for ON cases(filed_for);
CREATE INDEX cases_outage ON cases(outage_id);
CREATE INDEX cases_parent ON cases(parent_case_id);

-- Photos and documents: what they are for and the step they came with.
ALTER TABLE attachments ADD COLUMN purpose TEXT NOT NULL DEFAULT 'photo' CHECK (purpose IN ('photo', 'document'));
ALTER TABLE attachments ADD COLUMN event_id BIGINT REFERENCES case_events(id);

-- Who acted, as the timeline shows it ("调度员 张敏"), fixed at the time.
ALTER TABLE case_events ADD COLUMN actor_label TEXT NOT NULL DEFAULT '';

-- Deadlines per rule; the defaults are the published ones.
CREATE TABLE deadline_rules (
    rule TEXT PRIMARY KEY,
    amount BIGINT NOT NULL CHECK (amount > 0),
    unit TEXT NOT NULL CHECK (unit IN ('hours', 'working_days', 'percent'))
);
INSERT INTO deadline_rules (rule, amount, unit) VALUES
    ('repair_on_site', 2, 'hours'),
    ('emergency_on_site', 2, 'hours'),
    ('temperature_measured', 24, 'hours'),
    ('application_review', 3, 'working_days'),
    ('hotline_sign_for', 2, 'hours'),
    ('hotline_reply', 5, 'working_days'),
    ('hotline_return', 2, 'working_days'),
    ('warn_before', 25, 'percent');

-- Days that break the Monday-to-Friday week: holidays and make-up workdays.
CREATE TABLE calendar_days (
    day TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name TEXT NOT NULL
);

-- China's official holidays and make-up working days (State Council notices
-- for 2025 and 2026). Admins add later years as they are published.
INSERT INTO calendar_days (day, kind, name) VALUES
    ('2025-01-01', 'holiday', '元旦'),
    ('2025-01-26', 'workday', '春节调休上班'),
    ('2025-01-28', 'holiday', '春节'),
    ('2025-01-29', 'holiday', '春节'),
    ('2025-01-30', 'holiday', '春节'),
    ('2025-01-31', 'holiday', '春节'),
    ('2025-02-01', 'holiday', '春节'),
    ('2025-02-02', 'holiday', '春节'),
    ('2025-02-03', 'holiday', '春节'),
    ('2025-02-04', 'holiday', '春节'),
    ('2025-02-08', 'workday', '春节调休上班'),
    ('2025-04-04', 'holiday', '清明节'),
    ('2025-04-05', 'holiday', '清明节'),
    ('2025-04-06', 'holiday', '清明节'),
    ('2025-04-27', 'workday', '劳动节调休上班'),
    ('2025-05-01', 'holiday', '劳动节'),
    ('2025-05-02', 'holiday', '劳动节'),
    ('2025-05-03', 'holiday', '劳动节'),
    ('2025-05-04', 'holiday', '劳动节'),
    ('2025-05-05', 'holiday', '劳动节'),
    ('2025-05-31', 'holiday', '端午节'),
    ('2025-06-01', 'holiday', '端午节'),
    ('2025-06-02', 'holiday', '端午节'),
    ('2025-09-28', 'workday', '国庆节调休上班'),
    ('2025-10-01', 'holiday', '国庆节、中秋节'),
    ('2025-10-02', 'holiday', '国庆节、中秋节'),
    ('2025-10-03', 'holiday', '国庆节、中秋节'),
    ('2025-10-04', 'holiday', '国庆节、中秋节'),
    ('2025-10-05', 'holiday', '国庆节、中秋节'),
    ('2025-10-06', 'holiday', '国庆节、中秋节'),
    ('2025-10-07', 'holiday', '国庆节、中秋节'),
    ('2025-10-08', 'holiday', '国庆节、中秋节'),
    ('2025-10-11', 'workday', '国庆节调休上班'),
    ('2026-01-01', 'holiday', '元旦'),
    ('2026-01-02', 'holiday', '元旦'),
    ('2026-01-03', 'holiday', '元旦'),
    ('2026-01-04', 'workday', '元旦调休上班'),
    ('2026-02-14', 'workday', '春节调休上班'),
    ('2026-02-15', 'holiday', '春节'),
    ('2026-02-16', 'holiday', '春节'),
    ('2026-02-17', 'holiday', '春节'),
    ('2026-02-18', 'holiday', '春节'),
    ('2026-02-19', 'holiday', '春节'),
    ('2026-02-20', 'holiday', '春节'),
    ('2026-02-21', 'holiday', '春节'),
    ('2026-02-22', 'holiday', '春节'),
    ('2026-02-23', 'holiday', '春节'),
    ('2026-02-28', 'workday', '春节调休上班'),
    ('2026-04-04', 'holiday', '清明节'),
    ('2026-04-05', 'holiday', '清明节'),
    ('2026-04-06', 'holiday', '清明节'),
    ('2026-05-01', 'holiday', '劳动节'),
    ('2026-05-02', 'holiday', '劳动节'),
    ('2026-05-03', 'holiday', '劳动节'),
    ('2026-05-04', 'holiday', '劳动节'),
    ('2026-05-05', 'holiday', '劳动节'),
    ('2026-05-09', 'workday', '劳动节调休上班'),
    ('2026-06-19', 'holiday', '端午节'),
    ('2026-06-20', 'holiday', '端午节'),
    ('2026-06-21', 'holiday', '端午节'),
    ('2026-09-20', 'workday', '国庆节调休上班'),
    ('2026-09-25', 'holiday', '中秋节'),
    ('2026-09-26', 'holiday', '中秋节'),
    ('2026-09-27', 'holiday', '中秋节'),
    ('2026-10-01', 'holiday', '国庆节'),
    ('2026-10-02', 'holiday', '国庆节'),
    ('2026-10-03', 'holiday', '国庆节'),
    ('2026-10-04', 'holiday', '国庆节'),
    ('2026-10-05', 'holiday', '国庆节'),
    ('2026-10-06', 'holiday', '国庆节'),
    ('2026-10-07', 'holiday', '国庆节'),
    ('2026-10-10', 'workday', '国庆节调休上班');
