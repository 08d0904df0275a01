//! Managers' pages: every account with its figures (block, unblock), and everyone's mailings,
//! clients and suppression lists with their owners, read-only.

mod clients;
mod mailings;
mod owners;
mod suppressions;
mod users;

pub use clients::AllClients;
pub use mailings::AllMailings;
pub use suppressions::AllSuppressions;
pub use users::Users;
