//! Clients in bulk: CSV import and export.

pub mod export;
pub mod import;
