-- The debt positions published to pagoPA GPD, one per act (a stable iupd), kept in line by
-- jobs: one row per act whose position must be created, updated or invalidated, written in
-- the transaction that changed its notices; `generation` moves on each change, so a worker
-- deletes the row only if nothing changed while it called GPD. Receipts are applied once:
-- unique by receipt id, and the payment they create by its external key.

CREATE TABLE gpd_jobs (
    act_id TEXT PRIMARY KEY NOT NULL REFERENCES acts(id) ON DELETE CASCADE,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    generation BIGINT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    locked_until TIMESTAMP,
    last_error TEXT
);
CREATE INDEX gpd_jobs_due ON gpd_jobs (next_attempt_at);

CREATE TABLE gpd_positions (
    act_id TEXT PRIMARY KEY NOT NULL REFERENCES acts(id) ON DELETE CASCADE,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    iupd TEXT NOT NULL,
    invalidated BOOLEAN NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX gpd_positions_tenant ON gpd_positions (tenant_id);

CREATE TABLE pagopa_receipts (
    id TEXT PRIMARY KEY NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    receipt_id TEXT NOT NULL,
    nav TEXT NOT NULL,
    act_id TEXT NOT NULL REFERENCES acts(id) ON DELETE CASCADE,
    instalment INTEGER NOT NULL,
    amount BIGINT NOT NULL,
    psp TEXT,
    paid_at TIMESTAMP NOT NULL,
    payment_id TEXT NOT NULL REFERENCES payments(id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, receipt_id)
);
CREATE INDEX pagopa_receipts_act ON pagopa_receipts (act_id);
