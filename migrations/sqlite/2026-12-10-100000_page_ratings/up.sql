-- "Valuta questo servizio" on public pages: anonymous, one row per answer given.
CREATE TABLE page_ratings (
    id TEXT PRIMARY KEY NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    -- the page's address: /servizi/{code}, /nuova-richiesta, /prenotazioni, /ritiro-ingombranti
    page TEXT NOT NULL,
    stars INTEGER NOT NULL CHECK (stars BETWEEN 1 AND 5),
    -- the follow-up answers' codes, comma-separated
    aspects TEXT NOT NULL,
    details TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX page_ratings_period ON page_ratings (tenant_id, created_at);
