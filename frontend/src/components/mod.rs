//! Pieces of the interface shared by several pages.

pub mod header;
pub mod server_status;
