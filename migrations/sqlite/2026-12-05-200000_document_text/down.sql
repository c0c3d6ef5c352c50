ALTER TABLE documents DROP COLUMN text;
