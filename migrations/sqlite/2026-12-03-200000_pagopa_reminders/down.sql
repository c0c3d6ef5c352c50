DROP TABLE payment_reminder_optouts;
DROP TABLE payment_reminders;
