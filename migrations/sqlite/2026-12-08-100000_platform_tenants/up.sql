-- Many tenants in one installation: a tenant can be switched off (its host names then
-- answer 404), and platform administrators (accounts of the default tenant with the
-- admin role) manage the tenants.
ALTER TABLE tenants ADD COLUMN active BOOLEAN NOT NULL DEFAULT TRUE;

CREATE TABLE platform_admins (
    user_id TEXT PRIMARY KEY NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL
);
