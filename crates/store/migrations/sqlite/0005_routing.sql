-- Intake routing (DESIGN §4): admin-editable keyword rules, versioned classifier models, and the
-- complaint columns repeat detection and the triage queue read. Keep in step with
-- ../postgres/0005_routing.sql.
CREATE TABLE routing_rules (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL,
    patterns       TEXT NOT NULL,
    category_code  TEXT,
    department     TEXT,
    severity_floor INTEGER,
    flags          TEXT NOT NULL,
    priority       INTEGER NOT NULL DEFAULT 0,
    enabled        INTEGER NOT NULL DEFAULT 1,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE TABLE routing_models (
    id         INTEGER PRIMARY KEY,
    target     TEXT NOT NULL,
    version    INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    source     TEXT NOT NULL,
    examples   INTEGER NOT NULL,
    labels     INTEGER NOT NULL,
    metrics    TEXT NOT NULL,
    bytes      BLOB NOT NULL,
    UNIQUE (target, version)
);
ALTER TABLE complaints ADD COLUMN order_ref TEXT;
ALTER TABLE complaints ADD COLUMN fingerprint BIGINT;
ALTER TABLE complaints ADD COLUMN route_hint TEXT;
UPDATE complaints SET order_ref = json_extract(doc, '$.order_ref');
CREATE INDEX complaints_order_ref ON complaints(order_ref, received_at);
CREATE INDEX complaints_customer_received ON complaints(customer_id, received_at);
CREATE INDEX complaints_company_received ON complaints(company_id, received_at);
-- The built-in administrator may edit rules and train models (new permission).
UPDATE roles SET permissions = json_insert(permissions, '$[#]', 'admin.routing') WHERE code = 'admin' AND permissions NOT LIKE '%admin.routing%';
-- Default rules (DESIGN §4), named after the demo organisation's departments; the admin edits them.
INSERT INTO routing_rules (name, patterns, category_code, department, severity_floor, flags, priority, enabled, created_at, updated_at) VALUES ('退款', '["退款","退钱","钱没退","未退回"]', 'refund_delay', '财务部', NULL, '[]', 10, 1, '2026-11-22T00:00:00+00:00', '2026-11-22T00:00:00+00:00');
INSERT INTO routing_rules (name, patterns, category_code, department, severity_floor, flags, priority, enabled, created_at, updated_at) VALUES ('故障', '["故障","不制冷","不加热","无法开机","死机"]', 'product_fault', '售后服务部', NULL, '[]', 5, 1, '2026-11-22T00:00:00+00:00', '2026-11-22T00:00:00+00:00');
INSERT INTO routing_rules (name, patterns, category_code, department, severity_floor, flags, priority, enabled, created_at, updated_at) VALUES ('人身安全', '["受伤","起火","着火","爆炸","触电","漏电","烫伤"]', NULL, NULL, 1, '["safety"]', 100, 1, '2026-11-22T00:00:00+00:00', '2026-11-22T00:00:00+00:00');
INSERT INTO routing_rules (name, patterns, category_code, department, severity_floor, flags, priority, enabled, created_at, updated_at) VALUES ('媒体舆情', '["媒体","记者","曝光","微博"]', NULL, NULL, 1, '["media"]', 90, 1, '2026-11-22T00:00:00+00:00', '2026-11-22T00:00:00+00:00');
INSERT INTO routing_rules (name, patterns, category_code, department, severity_floor, flags, priority, enabled, created_at, updated_at) VALUES ('法律风险', '["律师","起诉","法院","12315","消协"]', NULL, NULL, 1, '["legal"]', 90, 1, '2026-11-22T00:00:00+00:00', '2026-11-22T00:00:00+00:00');
INSERT INTO routing_rules (name, patterns, category_code, department, severity_floor, flags, priority, enabled, created_at, updated_at) VALUES ('群体事件', '["集体","群体","联名"]', NULL, NULL, 1, '["media","legal"]', 80, 1, '2026-11-22T00:00:00+00:00', '2026-11-22T00:00:00+00:00');
