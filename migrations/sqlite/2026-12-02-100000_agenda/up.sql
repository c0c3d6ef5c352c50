-- The agenda: desks and bookings, bulky-waste pickup zones, items and bookings.

-- Inhabitants, for the capitolato's weekly opening minimums.
ALTER TABLE tenants ADD COLUMN population INTEGER;

CREATE TABLE desks (
    id TEXT PRIMARY KEY NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    office_id TEXT NOT NULL REFERENCES offices(id),
    name TEXT NOT NULL,
    -- in_person | video | both
    mode TEXT NOT NULL,
    address TEXT,
    -- JSON: services [{code, name, duration_minutes}], weekly [{weekday, start, end}],
    -- overrides [{date, closed, ranges?, note?}], as the API sends them (validated)
    services TEXT NOT NULL,
    weekly TEXT NOT NULL,
    overrides TEXT NOT NULL,
    capacity INTEGER NOT NULL,
    buffer_minutes INTEGER NOT NULL,
    booking_window_days INTEGER NOT NULL,
    min_notice_minutes INTEGER NOT NULL,
    cancel_until_minutes INTEGER NOT NULL,
    confirm_by_email BOOLEAN NOT NULL,
    open_on_holidays BOOLEAN NOT NULL,
    max_open_bookings_per_person INTEGER NOT NULL,
    -- deleted desks keep their past bookings
    deleted_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX desks_tenant ON desks (tenant_id, name);

CREATE TABLE bookings (
    id TEXT PRIMARY KEY NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    desk_id TEXT NOT NULL REFERENCES desks(id),
    -- SHA-256 of the secret of the booking's links; the secret itself is not stored
    code_hash TEXT NOT NULL UNIQUE,
    reference TEXT NOT NULL,
    service_code TEXT NOT NULL,
    service_name TEXT NOT NULL,
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    mode TEXT NOT NULL,
    -- pending_confirmation | confirmed | checked_in | no_show | completed | cancelled | expired
    status TEXT NOT NULL,
    -- an unconfirmed booking holds its seats until then
    hold_until TIMESTAMP,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    email TEXT NOT NULL,
    phone TEXT,
    fiscal_code TEXT,
    subject TEXT NOT NULL,
    lang TEXT NOT NULL,
    citizen_id TEXT REFERENCES users(id),
    request_id TEXT REFERENCES requests(id),
    notes TEXT,
    cancel_reason TEXT,
    -- RFC 5545 SEQUENCE of the calendar entry: bumped on reschedule and cancellation
    sequence INTEGER NOT NULL DEFAULT 0,
    created_by TEXT REFERENCES users(id),
    privacy_accepted_at TIMESTAMP NOT NULL,
    checked_in_at TIMESTAMP,
    cancelled_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, reference)
);
CREATE INDEX bookings_desk_start ON bookings (tenant_id, desk_id, starts_at);
CREATE INDEX bookings_start ON bookings (tenant_id, starts_at);
CREATE INDEX bookings_email ON bookings (tenant_id, email, starts_at);
CREATE INDEX bookings_fiscal_code ON bookings (tenant_id, fiscal_code, starts_at);
CREATE INDEX bookings_citizen ON bookings (tenant_id, citizen_id, starts_at);

-- One row per seat taken in a 5-minute cell of a desk. The primary key is what makes
-- overbooking impossible: a booking inserts a row for every cell it covers, with a seat
-- number below the desk's capacity, or fails.
CREATE TABLE desk_seats (
    desk_id TEXT NOT NULL REFERENCES desks(id) ON DELETE CASCADE,
    cell_start TIMESTAMP NOT NULL,
    seat_no INTEGER NOT NULL,
    booking_id TEXT NOT NULL REFERENCES bookings(id) ON DELETE CASCADE,
    -- an unconfirmed booking's hold: past it, the seat counts as free and may be taken over
    held_until TIMESTAMP,
    PRIMARY KEY (desk_id, cell_start, seat_no)
);
CREATE INDEX desk_seats_booking ON desk_seats (booking_id);

-- Serialises the open-bookings count of one person (e-mail or codice fiscale) at a desk.
CREATE TABLE booking_people (
    desk_id TEXT NOT NULL REFERENCES desks(id) ON DELETE CASCADE,
    person TEXT NOT NULL,
    touched_at TIMESTAMP NOT NULL,
    PRIMARY KEY (desk_id, person)
);

CREATE TABLE pickup_zones (
    id TEXT PRIMARY KEY NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    -- JSON arrays / objects, validated
    postcodes TEXT NOT NULL,
    streets TEXT NOT NULL,
    weekdays TEXT NOT NULL,
    kinds TEXT NOT NULL,
    overrides TEXT NOT NULL,
    daily_capacity INTEGER NOT NULL,
    max_pieces_per_booking INTEGER NOT NULL,
    min_notice_days INTEGER NOT NULL,
    booking_window_days INTEGER NOT NULL,
    cancel_until_days INTEGER NOT NULL,
    deleted_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX pickup_zones_tenant ON pickup_zones (tenant_id, name);

CREATE TABLE pickup_items (
    id TEXT PRIMARY KEY NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    pieces INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (tenant_id, code)
);

-- Pieces booked per zone and day, raised by a conditional UPDATE that never passes the
-- day's capacity.
CREATE TABLE pickup_days (
    zone_id TEXT NOT NULL REFERENCES pickup_zones(id) ON DELETE CASCADE,
    day DATE NOT NULL,
    taken INTEGER NOT NULL,
    PRIMARY KEY (zone_id, day)
);

CREATE TABLE pickups (
    id TEXT PRIMARY KEY NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    zone_id TEXT NOT NULL REFERENCES pickup_zones(id),
    request_id TEXT NOT NULL REFERENCES requests(id),
    citizen_id TEXT NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL,
    day DATE NOT NULL,
    address TEXT NOT NULL,
    -- JSON [{code, name, qty, pieces}]
    items TEXT NOT NULL,
    pieces INTEGER NOT NULL,
    phone TEXT NOT NULL,
    notes TEXT,
    -- booked | done | not_done | cancelled
    status TEXT NOT NULL,
    outcome_note TEXT,
    -- the citizen chose a date past the TQRIF due date
    agreed_beyond_standard BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX pickups_day ON pickups (tenant_id, day, zone_id);
CREATE INDEX pickups_citizen ON pickups (tenant_id, citizen_id, created_at);
