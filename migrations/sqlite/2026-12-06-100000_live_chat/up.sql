-- Live chat, the video desk and the real-time connection (docs/realtime.md).

-- A chat between a citizen and an office: opened from the portal on a topic (a request
-- type, routed like requests), or the chat beside a video appointment (booking_id).
CREATE TABLE chats (
    id TEXT PRIMARY KEY NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    topic TEXT NOT NULL,
    topic_name TEXT NOT NULL,
    office_id TEXT REFERENCES offices(id),
    -- waiting | active | closed
    status TEXT NOT NULL,
    citizen_id TEXT REFERENCES users(id),
    citizen_name TEXT NOT NULL,
    assignee_id TEXT REFERENCES users(id),
    booking_id TEXT UNIQUE REFERENCES bookings(id),
    -- the request the chat was turned into
    request_id TEXT REFERENCES requests(id),
    -- the last message each side has read
    citizen_read TEXT,
    staff_read TEXT,
    -- the queue's order, and the TQRIF clock of a request it becomes
    started_at TIMESTAMP NOT NULL,
    accepted_at TIMESTAMP,
    closed_at TIMESTAMP,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX chats_queue ON chats (tenant_id, status, office_id, started_at);
CREATE INDEX chats_citizen ON chats (tenant_id, citizen_id, started_at);

-- The transcript. No author: the desk's own notes (accepted, transferred, closed).
CREATE TABLE chat_messages (
    id TEXT PRIMARY KEY NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    chat_id TEXT NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
    author_id TEXT REFERENCES users(id),
    author_name TEXT,
    author_role TEXT,
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX chat_messages_chat ON chat_messages (chat_id, id);

CREATE TABLE chat_attachments (
    id TEXT PRIMARY KEY NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    chat_id TEXT NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
    message_id TEXT NOT NULL REFERENCES chat_messages(id) ON DELETE CASCADE,
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    storage_key TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    uploaded_by TEXT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX chat_attachments_chat ON chat_attachments (chat_id);

-- A video appointment's call: the citizen's acceptance of the conditions (with its time),
-- the waiting room, admission, the end. Media is never stored.
CREATE TABLE video_calls (
    booking_id TEXT PRIMARY KEY NOT NULL REFERENCES bookings(id) ON DELETE CASCADE,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    conditions_accepted_at TIMESTAMP,
    waiting_since TIMESTAMP,
    admitted_at TIMESTAMP,
    admitted_by TEXT REFERENCES users(id),
    ended_at TIMESTAMP,
    updated_at TIMESTAMP NOT NULL
);

-- The tenant's ICE servers; the TURN secret is sealed (secret_key.rs).
CREATE TABLE video_settings (
    tenant_id TEXT PRIMARY KEY NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    -- JSON arrays of addresses
    stun_urls TEXT NOT NULL,
    turn_urls TEXT NOT NULL,
    turn_secret TEXT,
    relay_only BOOLEAN NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Single-use tickets to open the WebSocket, by hash: a signed-in user, or the holder of a
-- video appointment's link (booking_id).
CREATE TABLE realtime_tickets (
    ticket_hash TEXT PRIMARY KEY NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id TEXT REFERENCES users(id) ON DELETE CASCADE,
    booking_id TEXT REFERENCES bookings(id) ON DELETE CASCADE,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX realtime_tickets_expires ON realtime_tickets (expires_at);

-- Staff connected now, per process, refreshed while connected: "an operator is online".
CREATE TABLE realtime_presence (
    node TEXT NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    seen_at TIMESTAMP NOT NULL,
    PRIMARY KEY (node, user_id)
);
CREATE INDEX realtime_presence_tenant ON realtime_presence (tenant_id, seen_at);

-- Live events, written in the transaction of the change; processes publish the id and a
-- reconnecting client resumes after the last id it saw. `audience`: space-separated keys.
CREATE TABLE realtime_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    audience TEXT NOT NULL,
    kind TEXT NOT NULL,
    chat_id TEXT,
    booking_id TEXT,
    data TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX realtime_events_tenant ON realtime_events (tenant_id, id);
CREATE INDEX realtime_events_created ON realtime_events (created_at);
