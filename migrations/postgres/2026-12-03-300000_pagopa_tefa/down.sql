ALTER TABLE pagopa_settings DROP COLUMN tefa_rate;
ALTER TABLE pagopa_settings DROP COLUMN tefa_iban;
ALTER TABLE pagopa_settings DROP COLUMN tefa_fiscal_code;
