DROP TABLE password_resets;
ALTER TABLE audit_log DROP COLUMN ip;
DROP INDEX refresh_tokens_user;
ALTER TABLE refresh_tokens DROP COLUMN session_expires_at;
ALTER TABLE users DROP COLUMN session_version;
