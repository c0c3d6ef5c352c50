-- Reconciliation of pagoPA payments: the Flussi di Rendicontazione a PSP sends for each
-- transfer (uploaded as XML or fetched from the FdR REST API), one row per flow, unique per
-- tenant by its identificativoFlusso, and one row per single payment. How each line
-- compares with our receipts is worked out when the report is read, so a receipt that
-- arrives after its flow still matches. The bank statement line of the transfer is
-- recorded on the flow with its outcome.

ALTER TABLE pagopa_settings ADD COLUMN fdr_url TEXT;
-- sealed like the GPD key (secret_key.rs)
ALTER TABLE pagopa_settings ADD COLUMN fdr_subscription_key TEXT;

CREATE TABLE pagopa_flows (
    id TEXT PRIMARY KEY NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    flow_id TEXT NOT NULL,
    flow_at TIMESTAMP NOT NULL,
    settlement_ref TEXT NOT NULL,
    settlement_date DATE NOT NULL,
    sender_id TEXT NOT NULL,
    sender_name TEXT,
    receiver_id TEXT NOT NULL,
    receiver_name TEXT,
    payment_count INTEGER NOT NULL,
    total_amount BIGINT NOT NULL,
    -- upload | fdr
    source TEXT NOT NULL,
    -- the FdR revision, for fetched flows
    revision INTEGER,
    imported_by TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    bank_causale TEXT,
    bank_amount BIGINT,
    bank_date DATE,
    -- matched | amount_mismatch
    bank_outcome TEXT,
    bank_recorded_at TIMESTAMP,
    UNIQUE (tenant_id, flow_id)
);
CREATE INDEX pagopa_flows_list ON pagopa_flows (tenant_id, id);

CREATE TABLE pagopa_flow_lines (
    flow_id TEXT NOT NULL REFERENCES pagopa_flows(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    iuv TEXT NOT NULL,
    iur TEXT NOT NULL,
    transfer_index INTEGER NOT NULL,
    amount BIGINT NOT NULL,
    -- executed | revoked | executed_no_rpt
    result TEXT NOT NULL,
    result_date DATE NOT NULL,
    PRIMARY KEY (flow_id, position)
);
CREATE INDEX pagopa_flow_lines_iur ON pagopa_flow_lines (tenant_id, iur);
CREATE INDEX pagopa_flow_lines_iuv ON pagopa_flow_lines (tenant_id, iuv);
CREATE INDEX pagopa_receipts_paid ON pagopa_receipts (tenant_id, paid_at);
