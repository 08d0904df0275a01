//! One module per route (a folder where a route has parts).

pub mod clients;
pub mod confirm;
pub mod dashboard;
pub mod forgot;
pub mod home;
pub mod integrations;
pub mod login;
pub mod mailings;
pub mod manage;
pub mod messages;
pub mod not_found;
pub mod profile;
pub mod register;
pub mod reset;
pub mod suppressions;
pub mod tags;
pub mod unsubscribe;
