DROP TABLE pagopa_receipts;
DROP TABLE gpd_positions;
DROP TABLE gpd_jobs;
