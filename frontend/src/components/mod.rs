//! Pieces of the interface shared by several pages.

pub mod figure;
pub mod header;
pub mod server_status;
