-- The ente's address, PEC, contacts, partita IVA and parent body for the portal's header
-- and footer (Modello Comuni), as one JSON object: every field optional.
ALTER TABLE tenants ADD COLUMN contacts TEXT NOT NULL DEFAULT '{}';
