-- Sportello: tenants, accounts, the request desk and the register.
-- Ids are TEXT (UUID v7), instants are UTC TIMESTAMP, JSON is TEXT: the same in both backends.

CREATE TABLE app_secrets (
    name TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);

CREATE TABLE tenants (
    id TEXT PRIMARY KEY NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    fiscal_code TEXT,
    logo_url TEXT,
    patron_saint TEXT,
    closure_days TEXT NOT NULL DEFAULT '[]',
    standard_days TEXT NOT NULL DEFAULT '{}',
    tqrif_scheme INTEGER NOT NULL DEFAULT 1,
    target_percent INTEGER NOT NULL DEFAULT 70,
    generic_citizen_id TEXT,
    is_default BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE tenant_hosts (
    host TEXT PRIMARY KEY NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE
);

CREATE TABLE offices (
    id TEXT PRIMARY KEY NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    email TEXT,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, name)
);

CREATE TABLE users (
    id TEXT PRIMARY KEY NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    email TEXT,
    fiscal_code TEXT,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    phone TEXT,
    password_hash TEXT,
    -- pending | approved | rejected (citizens); staff are approved on creation
    status TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, email),
    UNIQUE (tenant_id, fiscal_code)
);

CREATE TABLE user_offices (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    office_id TEXT NOT NULL REFERENCES offices(id) ON DELETE CASCADE,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, office_id)
);

CREATE TABLE registrations (
    id TEXT PRIMARY KEY NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    document_key TEXT NOT NULL,
    document_filename TEXT NOT NULL,
    document_content_type TEXT NOT NULL,
    document_size BIGINT NOT NULL,
    privacy_accepted_at TIMESTAMP NOT NULL,
    reviewed_by TEXT REFERENCES users(id),
    reviewed_at TIMESTAMP,
    rejection_reason TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX registrations_tenant_status ON registrations (tenant_id, status, created_at);

CREATE TABLE refresh_tokens (
    id TEXT PRIMARY KEY NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    -- SHA-256 of the token: a stolen database does not yield usable tokens
    token_hash TEXT NOT NULL UNIQUE,
    -- all tokens rotated from one login; reuse of a rotated token revokes the family
    family_id TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);

CREATE TABLE request_types (
    id TEXT PRIMARY KEY NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    code TEXT NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    fields TEXT NOT NULL DEFAULT '[]',
    active BOOLEAN NOT NULL DEFAULT TRUE,
    position INTEGER NOT NULL DEFAULT 0,
    UNIQUE (tenant_id, code)
);

CREATE TABLE routing_rules (
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    office_id TEXT NOT NULL REFERENCES offices(id) ON DELETE CASCADE,
    PRIMARY KEY (tenant_id, kind)
);

-- Gapless protocol numbers: the counter row is bumped in the request's own transaction.
CREATE TABLE protocol_counters (
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    year INTEGER NOT NULL,
    last_number INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, year)
);

CREATE TABLE requests (
    id TEXT PRIMARY KEY NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    protocol_number TEXT NOT NULL,
    type_code TEXT NOT NULL,
    kind TEXT NOT NULL,
    channel TEXT NOT NULL,
    citizen_id TEXT REFERENCES users(id),
    utenza_id TEXT,
    contact_email TEXT,
    subject TEXT NOT NULL,
    description TEXT NOT NULL,
    fields TEXT NOT NULL DEFAULT '{}',
    status TEXT NOT NULL,
    office_id TEXT REFERENCES offices(id),
    assignee_id TEXT REFERENCES users(id),
    received_at TIMESTAMP NOT NULL,
    standard_days INTEGER,
    due_date DATE,
    has_public_reply BOOLEAN NOT NULL DEFAULT FALSE,
    suspended_since TIMESTAMP,
    suspended_working_days INTEGER NOT NULL DEFAULT 0,
    resolved_at TIMESTAMP,
    closed_at TIMESTAMP,
    lateness_cause TEXT,
    created_by TEXT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, protocol_number)
);
CREATE INDEX requests_citizen ON requests (tenant_id, citizen_id, created_at);
CREATE INDEX requests_queue ON requests (tenant_id, status, due_date);
CREATE INDEX requests_office ON requests (tenant_id, office_id, status);
CREATE INDEX requests_received ON requests (tenant_id, received_at);
CREATE INDEX requests_created ON requests (tenant_id, created_at);

CREATE TABLE messages (
    id TEXT PRIMARY KEY NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    request_id TEXT NOT NULL REFERENCES requests(id) ON DELETE CASCADE,
    author_id TEXT REFERENCES users(id),
    author_role TEXT NOT NULL,
    author_name TEXT NOT NULL,
    body TEXT NOT NULL,
    internal BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX messages_request ON messages (request_id, created_at);

CREATE TABLE attachments (
    id TEXT PRIMARY KEY NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    request_id TEXT NOT NULL REFERENCES requests(id) ON DELETE CASCADE,
    message_id TEXT REFERENCES messages(id) ON DELETE CASCADE,
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    storage_key TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    uploaded_by TEXT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX attachments_request ON attachments (request_id);

CREATE TABLE transitions (
    id TEXT PRIMARY KEY NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    request_id TEXT NOT NULL REFERENCES requests(id) ON DELETE CASCADE,
    action TEXT NOT NULL,
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    actor_id TEXT,
    actor_role TEXT NOT NULL,
    actor_name TEXT NOT NULL,
    note TEXT,
    events TEXT NOT NULL DEFAULT '[]',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX transitions_request ON transitions (request_id, created_at);

-- Replays of creating POSTs: same key, same answer.
CREATE TABLE idempotency_keys (
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status_code INTEGER NOT NULL,
    response_body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (tenant_id, user_id, key)
);

CREATE TABLE documents (
    id TEXT PRIMARY KEY NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    description TEXT,
    category TEXT,
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    storage_key TEXT NOT NULL,
    position INTEGER NOT NULL DEFAULT 0,
    published_at TIMESTAMP NOT NULL
);
CREATE INDEX documents_tenant ON documents (tenant_id, position);

CREATE TABLE faqs (
    id TEXT PRIMARY KEY NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    category TEXT,
    position INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX faqs_tenant ON faqs (tenant_id, position);

CREATE TABLE audit_log (
    id TEXT PRIMARY KEY NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    actor_id TEXT,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT,
    before_state TEXT,
    after_state TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX audit_log_tenant ON audit_log (tenant_id, created_at);
