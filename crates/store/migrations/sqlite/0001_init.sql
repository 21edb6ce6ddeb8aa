-- Complaint Loop schema, SQLite dialect. Keep in step with ../postgres/0001_init.sql:
-- same tables, columns and indexes; only the types differ.
CREATE TABLE org_units (
    id          INTEGER PRIMARY KEY,
    parent_id   INTEGER REFERENCES org_units(id),
    kind        TEXT NOT NULL,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    name_en     TEXT NOT NULL,
    path        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX org_units_parent ON org_units(parent_id);

CREATE TABLE roles (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    name_en     TEXT NOT NULL,
    rank        INTEGER NOT NULL,
    permissions TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE authority_limits (
    role_id      INTEGER NOT NULL REFERENCES roles(id),
    measure_kind TEXT NOT NULL,
    limit_fen    INTEGER NOT NULL,
    PRIMARY KEY (role_id, measure_kind)
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    email         TEXT,
    org_unit_id   INTEGER NOT NULL REFERENCES org_units(id),
    role_id       INTEGER NOT NULL REFERENCES roles(id),
    password_hash TEXT NOT NULL,
    active        INTEGER NOT NULL DEFAULT 1,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX users_org_unit ON users(org_unit_id);

CREATE TABLE sessions (
    id           INTEGER PRIMARY KEY,
    token_hash   TEXT NOT NULL UNIQUE,
    user_id      INTEGER NOT NULL REFERENCES users(id),
    csrf_token   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    token_prefix TEXT NOT NULL,
    user_id      INTEGER NOT NULL REFERENCES users(id),
    created_at   TEXT NOT NULL,
    revoked_at   TEXT
);

CREATE TABLE categories (
    id         INTEGER PRIMARY KEY,
    parent_id  INTEGER REFERENCES categories(id),
    code       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    name_en    TEXT NOT NULL,
    active     INTEGER NOT NULL DEFAULT 1,
    sort       INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE customers (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    phone      TEXT UNIQUE,
    email      TEXT UNIQUE,
    tier       TEXT NOT NULL DEFAULT 'normal',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE complaints (
    id               INTEGER PRIMARY KEY,
    case_no          TEXT NOT NULL UNIQUE,
    company_id       INTEGER NOT NULL REFERENCES org_units(id),
    intake_unit_id   INTEGER NOT NULL REFERENCES org_units(id),
    intake_path      TEXT NOT NULL,
    department_id    INTEGER REFERENCES org_units(id),
    dept_path        TEXT,
    handler_id       INTEGER REFERENCES users(id),
    customer_id      INTEGER NOT NULL REFERENCES customers(id),
    state            TEXT NOT NULL,
    severity         INTEGER,
    category_id      INTEGER REFERENCES categories(id),
    channel          TEXT NOT NULL,
    tier             TEXT NOT NULL,
    summary          TEXT NOT NULL,
    search_text      TEXT NOT NULL,
    escalation_level INTEGER NOT NULL DEFAULT 0,
    transfer_count   INTEGER NOT NULL DEFAULT 0,
    approval_role    TEXT,
    received_at      TEXT NOT NULL,
    registered_at    TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    closed_at        TEXT,
    version          INTEGER NOT NULL,
    doc              TEXT NOT NULL
);
CREATE INDEX complaints_state ON complaints(state, received_at);
CREATE INDEX complaints_department ON complaints(department_id, state);
CREATE INDEX complaints_handler ON complaints(handler_id, state);
CREATE INDEX complaints_customer ON complaints(customer_id);
CREATE INDEX complaints_received ON complaints(received_at);
CREATE INDEX complaints_category ON complaints(category_id);
CREATE INDEX complaints_intake_path ON complaints(intake_path);
CREATE INDEX complaints_dept_path ON complaints(dept_path);

CREATE TABLE complaint_events (
    id           INTEGER PRIMARY KEY,
    complaint_id INTEGER NOT NULL REFERENCES complaints(id),
    seq          INTEGER NOT NULL,
    at           TEXT NOT NULL,
    actor_kind   TEXT NOT NULL,
    actor_id     INTEGER,
    kind         TEXT NOT NULL,
    payload      TEXT NOT NULL,
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL,
    UNIQUE (complaint_id, seq)
);

CREATE TABLE case_sequences (
    day  TEXT PRIMARY KEY,
    last INTEGER NOT NULL
);

CREATE TABLE idempotency_keys (
    key          TEXT PRIMARY KEY,
    complaint_id INTEGER NOT NULL REFERENCES complaints(id),
    case_no      TEXT NOT NULL,
    created_at   TEXT NOT NULL
);

CREATE TABLE attachments (
    sha256       TEXT PRIMARY KEY,
    size         INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    created_at   TEXT NOT NULL
);

CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    user_id   INTEGER,
    action    TEXT NOT NULL,
    target    TEXT NOT NULL,
    detail    TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log(at);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
