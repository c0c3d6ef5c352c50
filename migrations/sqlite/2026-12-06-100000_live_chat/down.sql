DROP TABLE realtime_events;
DROP TABLE realtime_presence;
DROP TABLE realtime_tickets;
DROP TABLE video_settings;
DROP TABLE video_calls;
DROP TABLE chat_attachments;
DROP TABLE chat_messages;
DROP TABLE chats;
