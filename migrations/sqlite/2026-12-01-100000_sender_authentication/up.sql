-- Inbound mail: who really sent it.

-- The authserv-id (RFC 8601) the mailbox's provider stamps on its Authentication-Results
-- headers; without it no sender of the mailbox counts as verified.
ALTER TABLE mailboxes ADD COLUMN authserv_id TEXT;
-- PEC: the providers' certificates (PEM) whose S/MIME signature makes an envelope authentic.
ALTER TABLE mailboxes ADD COLUMN pec_certificates TEXT;
-- A request filed from a mail whose sender could not be authenticated ("mittente non
-- verificato"): filed under the generic contribuente until an operator links it.
ALTER TABLE requests ADD COLUMN sender_unverified BOOLEAN NOT NULL DEFAULT FALSE;
-- When an acknowledgement was queued for an incoming mail (the per-mailbox hourly cap).
ALTER TABLE mail_messages ADD COLUMN acked_at TIMESTAMP;
CREATE INDEX mail_messages_acked ON mail_messages (mailbox_id, acked_at);
