//! Mailroom's server: the REST API (actix-web), the database (diesel), mail, cache and the CLI.

pub mod audit;
pub mod auth;
pub mod bounces;
pub mod cache;
pub mod cli;
pub mod clients;
pub mod clock;
pub mod config;
pub mod db;
pub mod housekeeping;
pub mod http;
pub mod jobs;
pub mod mail;
pub mod mailings;
pub mod routes;
pub mod sending;
pub mod startup;
pub mod telemetry;
pub mod webhooks;
