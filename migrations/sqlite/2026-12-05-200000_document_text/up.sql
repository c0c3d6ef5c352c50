-- The text of a published PDF, extracted at upload: the answer search reads it.
ALTER TABLE documents ADD COLUMN text TEXT;
