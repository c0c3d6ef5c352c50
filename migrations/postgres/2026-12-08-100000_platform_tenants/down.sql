DROP TABLE platform_admins;
ALTER TABLE tenants DROP COLUMN active;
