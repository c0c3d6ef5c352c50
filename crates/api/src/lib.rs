//! Sportello's server: REST API, persistence, authentication and the command line.

pub mod auth;
pub mod backup;
pub mod catalogue;
pub mod cli;
pub mod client;
pub mod config;
pub mod db;
pub mod egress;
pub mod error;
pub mod events;
pub mod mail;
pub mod openapi;
pub mod pdf_text;
pub mod realtime;
pub mod routes;
pub mod secret_key;
pub mod seed;
pub mod services;
pub mod spa;
pub mod startup;
pub mod state;
pub mod storage;
pub mod telemetry;
pub mod tenancy;
pub mod upload;
