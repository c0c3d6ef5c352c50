-- Sign-in with SPID and CIE through an OpenID Connect proxy (iam-proxy-italia, Keycloak):
-- one row per tenant and provider. `private_key` is the relying party's signing key for
-- private_key_jwt, sealed under the installation's key (secret_key.rs, bound to the row).
CREATE TABLE identity_providers (
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    provider TEXT NOT NULL,
    enabled BOOLEAN NOT NULL,
    issuer TEXT,
    client_id TEXT,
    level TEXT NOT NULL,
    private_key TEXT,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (tenant_id, provider)
);

-- A sign-in under way, from the redirect to the provider until its answer comes back:
-- looked up by the hash of `state`, bound to the browser by the hash of a cookie, used once.
CREATE TABLE oidc_logins (
    state_hash TEXT PRIMARY KEY NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    provider TEXT NOT NULL,
    nonce TEXT NOT NULL,
    code_verifier TEXT NOT NULL,
    browser_hash TEXT NOT NULL,
    return_to TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX oidc_logins_created ON oidc_logins (created_at);

-- How a citizen was identified: the provider, the subject it gave and the level of
-- assurance of the last sign-in with it.
CREATE TABLE user_identities (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    provider TEXT NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    subject TEXT NOT NULL,
    level TEXT NOT NULL,
    first_at TIMESTAMP NOT NULL,
    last_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, provider)
);

-- A session that began at a provider: its ID token, the hint that ends the provider's
-- session too when the citizen signs out.
CREATE TABLE oidc_sessions (
    family_id TEXT PRIMARY KEY NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    provider TEXT NOT NULL,
    id_token TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
