DROP INDEX mail_messages_acked;
ALTER TABLE mail_messages DROP COLUMN acked_at;
ALTER TABLE requests DROP COLUMN sender_unverified;
ALTER TABLE mailboxes DROP COLUMN pec_certificates;
ALTER TABLE mailboxes DROP COLUMN authserv_id;
