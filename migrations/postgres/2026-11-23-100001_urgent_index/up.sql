-- The "most urgent first" queue walks due dates in order.
CREATE INDEX requests_due ON requests (tenant_id, due_date, id);
