-- The Provincia receiving the TEFA collected with TARI: TARI payments carry a second
-- transfer to it. Rate in basis points (500 = 5 %).
ALTER TABLE pagopa_settings ADD COLUMN tefa_fiscal_code TEXT;
ALTER TABLE pagopa_settings ADD COLUMN tefa_iban TEXT;
ALTER TABLE pagopa_settings ADD COLUMN tefa_rate INTEGER NOT NULL DEFAULT 500;
