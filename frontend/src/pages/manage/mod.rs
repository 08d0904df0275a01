//! Managers' pages: every account with its figures (block, unblock), everyone's mailings,
//! clients and suppression lists with their owners, read-only, and the audit log.

mod audit;
mod clients;
mod mailings;
mod owners;
mod suppressions;
mod users;

pub use audit::AuditLog;
pub use clients::AllClients;
pub use mailings::AllMailings;
pub use suppressions::AllSuppressions;
pub use users::Users;
