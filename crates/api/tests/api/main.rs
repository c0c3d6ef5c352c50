//! Integration tests: the real server on 127.0.0.1:0, on a temporary SQLite file and, when
//! `TEST_DATABASE_URL` is set, on a fresh PostgreSQL database.

mod helpers;

mod account;
mod accounts;
mod admin;
mod agenda;
mod agenda_bench;
mod authz;
mod backup;
mod bad_input;
mod citizen_requests;
mod cluster;
mod crash;
mod desk;
mod drafts;
mod edge;
mod files_s3;
mod gpd_crash;
mod identity;
mod imports;
mod integrations;
mod live;
mod live_bench;
mod mail;
mod mail_servers;
mod openapi;
mod pagopa;
mod pickups;
mod public;
mod public_content;
mod races;
mod reconciliation;
mod registry;
mod reminders;
mod secrets;
mod sessions;
mod tenants;
mod web;
