DROP INDEX requests_received;
CREATE INDEX requests_received ON requests (tenant_id, received_at, id);
