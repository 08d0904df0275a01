//! Clients in bulk (changes by filter, CSV import and export) and their tags.

pub mod bulk;
pub mod export;
pub mod import;
pub mod tags;
