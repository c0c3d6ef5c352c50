DROP TABLE request_ratings;
