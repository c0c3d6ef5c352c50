ALTER TABLE tenants DROP COLUMN contacts;
