DROP TABLE pickups;
DROP TABLE pickup_days;
DROP TABLE pickup_items;
DROP TABLE pickup_zones;
DROP TABLE booking_people;
DROP TABLE desk_seats;
DROP TABLE bookings;
DROP TABLE desks;
ALTER TABLE tenants DROP COLUMN population;
