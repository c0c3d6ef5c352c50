-- pagoPA: the tenant's settings (the GPD subscription key sealed like every stored secret)
-- and one payment notice per instalment. A notice keeps its number (NAV) for life; its
-- amount and due date follow the instalment while it is unpaid, and it is cancelled when
-- the act is annulled or the instalment replaced. Whether it is paid is read from the
-- act's ledger, never stored twice.

CREATE TABLE pagopa_settings (
    tenant_id TEXT PRIMARY KEY NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    creditor_fiscal_code TEXT,
    segregation_code INTEGER,
    iban TEXT,
    poste_account TEXT,
    cbill TEXT,
    gpd_url TEXT,
    gpd_subscription_key TEXT,
    checkout_url TEXT,
    -- JSON array of days before each due date, e.g. [7,1]
    reminder_days TEXT NOT NULL,
    -- the base (13 digits) of the next notice number: taken with UPDATE … + n
    next_notice_base BIGINT NOT NULL DEFAULT 1,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE payment_notices (
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    nav TEXT NOT NULL,
    iuv TEXT NOT NULL,
    act_id TEXT NOT NULL REFERENCES acts(id) ON DELETE CASCADE,
    instalment INTEGER NOT NULL,
    amount BIGINT NOT NULL,
    due_date DATE NOT NULL,
    -- the creditor as issued: the printed codes never change
    creditor_fiscal_code TEXT NOT NULL,
    cancelled BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (tenant_id, nav),
    UNIQUE (act_id, instalment)
);
CREATE INDEX payment_notices_iuv ON payment_notices (tenant_id, iuv);
