DROP TABLE channel_settings;
DROP TABLE notification_prefs;
DROP TABLE deliveries;
DROP TABLE mail_messages;
DROP TABLE mail_threads;
DROP TABLE mailboxes;
