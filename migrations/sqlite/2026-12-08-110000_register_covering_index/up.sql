-- The register's figures read these columns of every request received in a period:
-- carried in the receipt-time index, the period is read from the index alone, without
-- visiting the table's rows (a tenth of the pages).
DROP INDEX requests_received;
CREATE INDEX requests_received ON requests (tenant_id, received_at, id, kind, status,
    standard_days, due_date, resolved_at, suspended_working_days, lateness_cause);
