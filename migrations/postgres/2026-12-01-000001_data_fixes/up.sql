-- Data corrections that need the domain's rules (not expressible in SQL): a migration
-- queues them here, the server applies each once at start-up and deletes its row in the
-- same transaction.
CREATE TABLE data_fixes (
    name TEXT PRIMARY KEY NOT NULL
);
-- The receipt day is day 0 even when it is not a working day: due dates of requests
-- received on a weekend, holiday or closure were one working day late.
INSERT INTO data_fixes (name) VALUES ('tqrif_receipt_day_zero');
