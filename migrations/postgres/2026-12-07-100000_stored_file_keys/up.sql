-- The sweep of stored files no row names looks each listed key up in every column that
-- names one.
CREATE INDEX attachments_storage_key ON attachments (storage_key);
CREATE INDEX chat_attachments_storage_key ON chat_attachments (storage_key);
CREATE INDEX documents_storage_key ON documents (storage_key);
CREATE INDEX registrations_document_key ON registrations (document_key);
CREATE INDEX mail_messages_raw_key ON mail_messages (raw_key);
CREATE INDEX imports_storage_key ON imports (storage_key);
