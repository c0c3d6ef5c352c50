DROP TABLE request_drafts;
