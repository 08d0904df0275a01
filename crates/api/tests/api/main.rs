//! The API's integration tests: the real application on a port of its own, with a fresh database per
//! test. The backend comes from MAILROOM_TEST_DB (`sqlite`, the default, or `postgres`); `cargo xtask
//! test` runs the suite on both.

mod accounts;
mod audiences;
mod auth;
mod binary;
mod bounce_reports;
mod caching;
mod clients;
mod contract;
mod contract_fuzz;
mod crash;
mod database;
mod dkim;
mod docs;
mod errors;
mod fixtures;
mod health;
mod helpers;
mod idempotency;
mod jobs;
mod mailings;
mod messages;
mod odd_data;
mod own_mail;
mod queueing;
mod receiver;
mod recovery;
mod redis_proxy;
mod rich_mail;
mod run_control;
mod schedule_slots;
mod sender_failure;
mod sending;
mod server_cache;
mod smtp;
mod spa;
mod stats;
mod suppressions;
mod tags;
mod tokens;
mod users;
mod webhook_delivery;
mod webhooks;
