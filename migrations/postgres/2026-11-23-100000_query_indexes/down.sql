DROP INDEX requests_received;
CREATE INDEX requests_received ON requests (tenant_id, received_at);
DROP INDEX requests_recent;
CREATE INDEX requests_created ON requests (tenant_id, created_at);
DROP INDEX requests_citizen;
CREATE INDEX requests_citizen ON requests (tenant_id, citizen_id, created_at);
