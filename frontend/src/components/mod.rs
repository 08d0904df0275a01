//! Pieces of the interface shared by several pages.

pub mod address;
pub mod chart;
pub mod dialog;
pub mod drawer;
pub mod field;
pub mod figure;
pub mod guard;
pub mod icon;
pub mod list;
pub mod notice;
pub mod secret;
pub mod server_status;
pub mod sidebar;
pub mod status;
pub mod title;
pub mod topbar;
pub mod when;
