DROP TABLE page_ratings;
