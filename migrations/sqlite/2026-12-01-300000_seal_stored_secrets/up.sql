-- Mailbox passwords, SMS and App IO keys and the generated JWT key are stored sealed with
-- the installation's secret key: the server seals the clear-text values left from before
-- once at start-up, right after loading the key.
INSERT INTO data_fixes (name) VALUES ('seal_stored_secrets');
