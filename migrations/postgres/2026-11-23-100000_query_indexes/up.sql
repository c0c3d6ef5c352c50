-- Indexes shaped like the queries: lists page by the time-ordered id, the register by
-- receipt time then id.
DROP INDEX requests_citizen;
CREATE INDEX requests_citizen ON requests (tenant_id, citizen_id, id);
DROP INDEX requests_created;
CREATE INDEX requests_recent ON requests (tenant_id, id);
DROP INDEX requests_received;
CREATE INDEX requests_received ON requests (tenant_id, received_at, id);
