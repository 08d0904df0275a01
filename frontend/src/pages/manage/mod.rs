//! Managers' pages: every account with its figures (block, unblock), and everyone's mailings and
//! clients with their owners, read-only.

mod clients;
mod mailings;
mod owners;
mod users;

pub use clients::AllClients;
pub use mailings::AllMailings;
pub use users::Users;
