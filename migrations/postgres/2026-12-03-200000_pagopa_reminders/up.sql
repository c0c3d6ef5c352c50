-- Payment messages about notices, one row per (notice, due date, message, channel): the
-- App IO message when a notice is issued, the reminders N days before its due date and the
-- one the day after it was missed. The primary key is what makes each go at most once,
-- however often it is planned (in the transaction that issues or changes the notice) and
-- whichever node sends it; a row moves from planned to queued (with the delivery it
-- became, in the same transaction) or to skipped (with why), decided when it is due.
CREATE TABLE payment_reminders (
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    nav TEXT NOT NULL,
    due_date DATE NOT NULL,
    kind TEXT NOT NULL,
    days INTEGER NOT NULL,
    channel TEXT NOT NULL,
    send_at TIMESTAMP NOT NULL,
    status TEXT NOT NULL,
    skip_reason TEXT,
    delivery_id TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (tenant_id, nav, due_date, kind, days, channel),
    FOREIGN KEY (tenant_id, nav) REFERENCES payment_notices(tenant_id, nav) ON DELETE CASCADE
);
CREATE INDEX payment_reminders_due ON payment_reminders (status, send_at);

-- Channels on which a citizen does not want payment messages (a row is an opt-out).
CREATE TABLE payment_reminder_optouts (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    channel TEXT NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, channel)
);
