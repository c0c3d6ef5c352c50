-- The citizen's rating of an answer: once per request (the key), by its citizen.
CREATE TABLE request_ratings (
    request_id TEXT PRIMARY KEY NOT NULL REFERENCES requests(id) ON DELETE CASCADE,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    stars INTEGER NOT NULL CHECK (stars BETWEEN 1 AND 5),
    -- the follow-up answers' codes, comma-separated
    aspects TEXT NOT NULL,
    details TEXT,
    created_at TIMESTAMP NOT NULL
);
