//! One module per route.

pub mod confirm;
pub mod dashboard;
pub mod forgot;
pub mod home;
pub mod login;
pub mod not_found;
pub mod register;
pub mod reset;
pub mod unsubscribe;
