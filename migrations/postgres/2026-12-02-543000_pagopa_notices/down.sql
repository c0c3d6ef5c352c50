DROP TABLE payment_notices;
DROP TABLE pagopa_settings;
