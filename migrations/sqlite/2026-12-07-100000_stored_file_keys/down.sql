DROP INDEX imports_storage_key;
DROP INDEX mail_messages_raw_key;
DROP INDEX registrations_document_key;
DROP INDEX documents_storage_key;
DROP INDEX chat_attachments_storage_key;
DROP INDEX attachments_storage_key;
