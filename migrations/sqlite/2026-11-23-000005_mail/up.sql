-- Mail, PEC, SMS and App IO (issue 5).

-- Mailboxes of a tenant: polled over IMAP (ordinary e-mail or PEC) and used to send over SMTP.
-- Passwords are write-only through the API and never logged.
CREATE TABLE mailboxes (
    id TEXT PRIMARY KEY NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    -- email | pec
    kind TEXT NOT NULL,
    address TEXT NOT NULL,
    imap_host TEXT,
    imap_port INTEGER NOT NULL DEFAULT 993,
    -- tls | starttls | plain (plain only for loopback servers)
    imap_security TEXT NOT NULL DEFAULT 'tls',
    imap_username TEXT,
    imap_password TEXT,
    imap_folder TEXT NOT NULL DEFAULT 'INBOX',
    smtp_host TEXT,
    smtp_port INTEGER NOT NULL DEFAULT 465,
    smtp_security TEXT NOT NULL DEFAULT 'tls',
    smtp_username TEXT,
    smtp_password TEXT,
    inbound_enabled BOOLEAN NOT NULL DEFAULT TRUE,
    -- the mailbox that sends the tenant's notifications
    outbound_default BOOLEAN NOT NULL DEFAULT FALSE,
    -- new requests from unknown senders go to this contribuente (else the tenant's generic one)
    default_citizen_id TEXT REFERENCES users(id),
    -- IMAP position: every UID up to last_uid is processed (stored in the same transaction)
    uid_validity BIGINT,
    last_uid BIGINT NOT NULL DEFAULT 0,
    poll_lease_until TIMESTAMP,
    last_polled_at TIMESTAMP,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, address)
);

-- The unguessable reply token of a request: Reply-To: <local>+<token>@<domain>.
CREATE TABLE mail_threads (
    request_id TEXT PRIMARY KEY NOT NULL REFERENCES requests(id) ON DELETE CASCADE,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    token TEXT NOT NULL UNIQUE,
    mailbox_id TEXT REFERENCES mailboxes(id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL
);

-- Every mail sent or received: threading by Message-ID, original .eml and headers, PEC data.
CREATE TABLE mail_messages (
    id TEXT PRIMARY KEY NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    request_id TEXT REFERENCES requests(id) ON DELETE CASCADE,
    thread_message_id TEXT REFERENCES messages(id) ON DELETE SET NULL,
    mailbox_id TEXT REFERENCES mailboxes(id) ON DELETE SET NULL,
    delivery_id TEXT,
    -- in | out
    direction TEXT NOT NULL,
    message_id TEXT NOT NULL,
    in_reply_to TEXT,
    refs TEXT,
    from_addr TEXT NOT NULL,
    to_addrs TEXT NOT NULL,
    subject TEXT NOT NULL,
    headers TEXT NOT NULL,
    raw_key TEXT,
    size BIGINT NOT NULL DEFAULT 0,
    imap_uid BIGINT,
    -- new_request | appended | receipt | ignored | sent
    outcome TEXT NOT NULL,
    -- PEC: posta-certificata, accettazione, avvenuta-consegna, non-accettazione, errore-consegna…
    pec_type TEXT,
    -- PEC: daticert.xml metadata (JSON)
    pec_meta TEXT,
    -- outgoing PEC: the last receipt received for it
    pec_status TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX mail_messages_message_id ON mail_messages (tenant_id, message_id);
CREATE INDEX mail_messages_request ON mail_messages (request_id, created_at);
CREATE INDEX mail_messages_mailbox ON mail_messages (mailbox_id, message_id);

-- One message to send on one channel (email | sms | app_io): notices are expanded into
-- deliveries, operators' mails are written here directly. Claimed with a lease, retried
-- with exponential backoff, sent at most once per lease with a stable Message-ID / key.
CREATE TABLE deliveries (
    id TEXT PRIMARY KEY NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    outbox_id TEXT REFERENCES outbox(id) ON DELETE CASCADE,
    request_id TEXT REFERENCES requests(id) ON DELETE CASCADE,
    channel TEXT NOT NULL,
    recipient TEXT NOT NULL,
    payload TEXT NOT NULL,
    message_id TEXT,
    -- pending | sent | failed
    status TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    locked_until TIMESTAMP,
    lease_token TEXT,
    last_error TEXT,
    provider_ref TEXT,
    created_by TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP,
    UNIQUE (outbox_id, channel, recipient)
);
CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at);
CREATE INDEX deliveries_request ON deliveries (request_id);

-- How each citizen wants to be told: e-mail, SMS, App IO, and in which language.
CREATE TABLE notification_prefs (
    user_id TEXT PRIMARY KEY NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    email BOOLEAN NOT NULL DEFAULT TRUE,
    sms BOOLEAN NOT NULL DEFAULT FALSE,
    app_io BOOLEAN NOT NULL DEFAULT FALSE,
    lang TEXT NOT NULL DEFAULT 'it',
    updated_at TIMESTAMP NOT NULL
);

-- The tenant's SMS gateway and App IO service, and the public address of its portal.
CREATE TABLE channel_settings (
    tenant_id TEXT PRIMARY KEY NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    sms_url TEXT,
    sms_token TEXT,
    sms_sender TEXT,
    io_url TEXT,
    io_api_key TEXT,
    public_url TEXT,
    updated_at TIMESTAMP NOT NULL
);
