//! Clients in bulk: changes by filter, CSV import and export.

pub mod bulk;
pub mod export;
pub mod import;
