-- Trasparenza rifiuti (ARERA TITR art. 3.1): what administrators write for each item.
-- links and document_ids are JSON arrays, read and written whole.
CREATE TABLE transparency_sections (
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    item TEXT NOT NULL,
    body TEXT,
    links TEXT NOT NULL,
    document_ids TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (tenant_id, item)
);

-- The yearly percentage of separate collection, in tenths of a percent (674 = 67,4 %).
CREATE TABLE separate_collection (
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    year INTEGER NOT NULL,
    per_mille INTEGER NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (tenant_id, year)
);

-- "Standard generali di qualità e grado di rispetto" of a year, computed from the
-- register once and kept: later edits of old requests do not rewrite what was published.
-- lines is the JSON of the per-kind lines and the total.
CREATE TABLE compliance_snapshots (
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    year INTEGER NOT NULL,
    computed_at TIMESTAMP NOT NULL,
    lines TEXT NOT NULL,
    PRIMARY KEY (tenant_id, year)
);

-- The Riciclabolario: where each kind of waste goes. name_key is the folded name
-- (one item per name), synonyms a JSON array.
CREATE TABLE waste_items (
    id TEXT PRIMARY KEY NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    fraction TEXT NOT NULL,
    bin TEXT,
    notes TEXT,
    take_to TEXT,
    synonyms TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX waste_items_name ON waste_items (tenant_id, name_key);

-- Bumped in the same transaction as every write of searchable content (FAQ, documents,
-- Riciclabolario): each process rebuilds its in-memory answer index when it changes.
CREATE TABLE content_generations (
    tenant_id TEXT PRIMARY KEY NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    generation BIGINT NOT NULL
);

-- A visitor said an answer solved the question, so no request was filed. No personal
-- data: the answer and the time.
CREATE TABLE deflections (
    id TEXT PRIMARY KEY NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    source TEXT NOT NULL,
    answer_id TEXT NOT NULL,
    title TEXT NOT NULL,
    at TIMESTAMP NOT NULL
);
CREATE INDEX deflections_at ON deflections (tenant_id, at);
