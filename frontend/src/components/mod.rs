//! Pieces of the interface shared by several pages.

pub mod chart;
pub mod field;
pub mod figure;
pub mod guard;
pub mod header;
pub mod list;
pub mod notice;
pub mod server_status;
pub mod status;
pub mod title;
