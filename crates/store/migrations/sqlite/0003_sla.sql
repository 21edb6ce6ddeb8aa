-- SLA clocks, risk, alerts, scheduler leases and the business calendar (issue #4).
-- Keep in step with ../postgres/0003_sla.sql.
--
-- Derived columns of the complaint projection, recomputed on every event (and when the policy
-- or the calendar changes): the two due times, the instant the scheduler must look at the
-- complaint next (NULL once no clock can alert), the earliest due time of a running clock (the
-- overdue queue) and the earliest first warning of a running clock (a queue row's "nearing"),
-- whether every deadline was counted on a loaded calendar year, the risk score
-- with its colour and reasons, the product (counted by batch early warning), and whether it is an open level-1 complaint (top of every queue).
ALTER TABLE complaints ADD COLUMN response_due_at TEXT;
ALTER TABLE complaints ADD COLUMN resolution_due_at TEXT;
ALTER TABLE complaints ADD COLUMN sla_next_at TEXT;
ALTER TABLE complaints ADD COLUMN due_at TEXT;
ALTER TABLE complaints ADD COLUMN warn_at TEXT;
ALTER TABLE complaints ADD COLUMN sla_confirmed INTEGER NOT NULL DEFAULT 1;
ALTER TABLE complaints ADD COLUMN risk_score INTEGER NOT NULL DEFAULT 0;
ALTER TABLE complaints ADD COLUMN risk_level TEXT;
ALTER TABLE complaints ADD COLUMN risk_reasons TEXT;
ALTER TABLE complaints ADD COLUMN product_ref TEXT;
ALTER TABLE complaints ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0;
CREATE INDEX complaints_sla_next ON complaints(sla_next_at) WHERE sla_next_at IS NOT NULL;
CREATE INDEX complaints_due ON complaints(due_at) WHERE due_at IS NOT NULL;

-- Alerts (SLA warnings, breaches, escalations, level-1 cases, batch warnings, calendar gaps).
-- `dedupe_key` makes raising an alert idempotent across retries and nodes.
CREATE TABLE alerts (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL,
    severity     TEXT NOT NULL,
    complaint_id INTEGER REFERENCES complaints(id),
    company_id   INTEGER REFERENCES org_units(id),
    title_zh     TEXT NOT NULL,
    title_en     TEXT NOT NULL,
    body_zh      TEXT NOT NULL,
    body_en      TEXT NOT NULL,
    data         TEXT NOT NULL,
    dedupe_key   TEXT NOT NULL UNIQUE,
    created_at   TEXT NOT NULL
);
CREATE INDEX alerts_complaint ON alerts(complaint_id);

CREATE TABLE alert_recipients (
    alert_id INTEGER NOT NULL REFERENCES alerts(id),
    user_id  INTEGER NOT NULL REFERENCES users(id),
    read_at  TEXT,
    acked_at TEXT,
    PRIMARY KEY (alert_id, user_id)
);
CREATE INDEX alert_recipients_user ON alert_recipients(user_id, read_at);

-- Background work claimed with leases so several `serve` nodes never run the same pass at once.
CREATE TABLE scheduler_leases (
    name       TEXT PRIMARY KEY,
    holder     TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

-- The business calendar's published years (放假 and 调休上班 dates), editable by the admin.
CREATE TABLE calendar_years (
    year       INTEGER PRIMARY KEY,
    schedule   TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
