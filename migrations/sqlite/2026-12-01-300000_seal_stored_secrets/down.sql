DELETE FROM data_fixes WHERE name = 'seal_stored_secrets';
