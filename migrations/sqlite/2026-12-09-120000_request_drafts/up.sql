-- Drafts of new requests: one per citizen and request type, saved from the wizard and
-- resumed from the personal area on any device; deleted when the request is filed.
-- fields is the JSON object of the type's form values, read and written whole.
CREATE TABLE request_drafts (
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    type_code TEXT NOT NULL,
    subject TEXT NOT NULL,
    description TEXT NOT NULL,
    fields TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, type_code)
);
