-- Raised whenever every session of the account must end (password set or reset,
-- deactivation); access tokens carry it and are refused once it moves on.
ALTER TABLE users ADD COLUMN session_version INTEGER NOT NULL DEFAULT 0;

-- A refresh token slides, but never past the absolute end of the sign-in it comes from.
ALTER TABLE refresh_tokens ADD COLUMN session_expires_at TIMESTAMP;
UPDATE refresh_tokens SET session_expires_at = expires_at;
ALTER TABLE refresh_tokens ALTER COLUMN session_expires_at SET NOT NULL;
CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id);

-- Where the audited action came from (sign-ins, document views, downloads).
ALTER TABLE audit_log ADD COLUMN ip TEXT;

-- Self-service password resets: only the SHA-256 of the mailed token is kept.
CREATE TABLE password_resets (
    id TEXT PRIMARY KEY NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX password_resets_user ON password_resets (user_id, created_at);
