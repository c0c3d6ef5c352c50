DROP INDEX pagopa_receipts_paid;
DROP TABLE pagopa_flow_lines;
DROP TABLE pagopa_flows;
ALTER TABLE pagopa_settings DROP COLUMN fdr_subscription_key;
ALTER TABLE pagopa_settings DROP COLUMN fdr_url;
