DROP TABLE oidc_sessions;
DROP TABLE user_identities;
DROP TABLE oidc_logins;
DROP TABLE identity_providers;
