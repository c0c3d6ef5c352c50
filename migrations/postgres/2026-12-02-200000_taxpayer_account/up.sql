-- The taxpayer's account: contribuenti and their utenze, acts with instalments, payments and
-- adjustments; the tenant's interest and instalment rules; the plan a rateizzazione request
-- carries; imports from the Comune's tax system. Amounts are integer cents; the natural keys
-- of the tax system (codice fiscale, codice utenza, act number, payment id) are unique so an
-- import upserts by them.

CREATE TABLE contribuenti (
    id TEXT PRIMARY KEY NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    fiscal_code TEXT NOT NULL,
    first_name TEXT,
    last_name TEXT,
    denominazione TEXT,
    -- addresses as JSON {street, postal_code, city, province}
    residence TEXT,
    mailing_address TEXT,
    email TEXT,
    pec TEXT,
    phone TEXT,
    -- the citizen account with the same codice fiscale, once approved
    citizen_id TEXT REFERENCES users(id) ON DELETE SET NULL,
    -- lower-case display name, for the desk's search
    search_name TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, fiscal_code)
);
CREATE INDEX contribuenti_citizen ON contribuenti (citizen_id);
CREATE INDEX contribuenti_name ON contribuenti (tenant_id, search_name);

CREATE TABLE utenze (
    id TEXT PRIMARY KEY NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    contribuente_id TEXT NOT NULL REFERENCES contribuenti(id) ON DELETE CASCADE,
    code TEXT NOT NULL,
    -- domestica | non_domestica
    kind TEXT NOT NULL,
    address TEXT NOT NULL,
    cadastral TEXT,
    square_meters INTEGER NOT NULL,
    occupants INTEGER,
    category TEXT,
    start_date DATE NOT NULL,
    end_date DATE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, code)
);
CREATE INDEX utenze_contribuente ON utenze (contribuente_id);

CREATE TABLE acts (
    id TEXT PRIMARY KEY NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    contribuente_id TEXT NOT NULL REFERENCES contribuenti(id) ON DELETE CASCADE,
    utenza_id TEXT REFERENCES utenze(id) ON DELETE SET NULL,
    kind TEXT NOT NULL,
    number TEXT NOT NULL,
    year INTEGER NOT NULL,
    tributo TEXT NOT NULL,
    issued_on DATE NOT NULL,
    notified_on DATE,
    -- the amount by component, as issued
    amount_tributo BIGINT NOT NULL,
    amount_sanzioni BIGINT NOT NULL,
    amount_interessi BIGINT NOT NULL,
    amount_spese_notifica BIGINT NOT NULL,
    -- active | annullato | sgravato | rateizzato
    status TEXT NOT NULL,
    plan_granted_on DATE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, tributo, kind, year, number)
);
CREATE INDEX acts_contribuente ON acts (contribuente_id, issued_on);
CREATE INDEX acts_number ON acts (tenant_id, number);

CREATE TABLE act_instalments (
    act_id TEXT NOT NULL REFERENCES acts(id) ON DELETE CASCADE,
    n INTEGER NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    due_date DATE NOT NULL,
    amount BIGINT NOT NULL,
    PRIMARY KEY (act_id, n)
);

CREATE TABLE payments (
    id TEXT PRIMARY KEY NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    act_id TEXT NOT NULL REFERENCES acts(id) ON DELETE CASCADE,
    paid_on DATE NOT NULL,
    amount BIGINT NOT NULL,
    -- pagopa | f24 | desk | bank
    channel TEXT NOT NULL,
    reference TEXT NOT NULL,
    instalment INTEGER,
    -- the tax system's id of an imported payment
    external_key TEXT,
    created_by TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX payments_act ON payments (act_id, paid_on);
CREATE UNIQUE INDEX payments_external_key ON payments (tenant_id, external_key);

CREATE TABLE adjustments (
    id TEXT PRIMARY KEY NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    act_id TEXT NOT NULL REFERENCES acts(id) ON DELETE CASCADE,
    -- sgravio | annullamento | compensazione | rimborso
    kind TEXT NOT NULL,
    effective_on DATE NOT NULL,
    amount BIGINT NOT NULL,
    instalment INTEGER,
    reason TEXT NOT NULL,
    operator_id TEXT NOT NULL REFERENCES users(id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX adjustments_act ON adjustments (act_id, effective_on);

-- Interest and instalment rules as the settings' JSON; NULL: the legal defaults.
CREATE TABLE tax_settings (
    tenant_id TEXT PRIMARY KEY NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    interest TEXT,
    instalments TEXT,
    updated_at TIMESTAMP NOT NULL
);

-- The plan a rateizzazione request carries, applied to the act when the request is resolved.
CREATE TABLE plan_requests (
    request_id TEXT PRIMARY KEY NOT NULL REFERENCES requests(id) ON DELETE CASCADE,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    act_id TEXT NOT NULL REFERENCES acts(id) ON DELETE CASCADE,
    -- proposed | granted
    status TEXT NOT NULL,
    -- the PlanProposal the citizen saw, JSON
    proposal TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    granted_at TIMESTAMP,
    granted_by TEXT REFERENCES users(id) ON DELETE SET NULL
);
CREATE INDEX plan_requests_act ON plan_requests (act_id);

-- Imports run as background jobs: any node claims one with a lease and resumes it from
-- the last committed batch (applied_rows).
CREATE TABLE imports (
    id TEXT PRIMARY KEY NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    -- contribuenti | utenze | acts | payments
    kind TEXT NOT NULL,
    skip_invalid BOOLEAN NOT NULL,
    filename TEXT NOT NULL,
    storage_key TEXT NOT NULL,
    size BIGINT NOT NULL,
    -- queued | validating | applying | completed | failed
    status TEXT NOT NULL,
    total_rows BIGINT,
    processed_rows BIGINT NOT NULL DEFAULT 0,
    -- rows consumed by committed batches: where a resumed job goes on
    applied_rows BIGINT NOT NULL DEFAULT 0,
    created_count BIGINT NOT NULL DEFAULT 0,
    updated_count BIGINT NOT NULL DEFAULT 0,
    unchanged_count BIGINT NOT NULL DEFAULT 0,
    invalid_count BIGINT NOT NULL DEFAULT 0,
    error_it TEXT,
    error_en TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    locked_until TIMESTAMP,
    lease_token TEXT,
    created_by TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    started_at TIMESTAMP,
    finished_at TIMESTAMP
);
CREATE INDEX imports_open ON imports (status, locked_until);
CREATE INDEX imports_tenant ON imports (tenant_id, created_at);

CREATE TABLE import_errors (
    import_id TEXT NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    line BIGINT NOT NULL,
    column_name TEXT NOT NULL,
    message_it TEXT NOT NULL,
    message_en TEXT NOT NULL,
    PRIMARY KEY (import_id, seq)
);
