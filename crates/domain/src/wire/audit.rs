//! The audit trail as `GET /api/v1/audit` lists it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::audit::{AuditAction, TargetKind};

/// One audit entry. Entries are written once and never changed or deleted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    /// The account that acted; null when it was done on the command line.
    pub actor_id: Option<i64>,
    /// The actor's address at the time, or `command line`.
    pub actor: String,
    pub action: AuditAction,
    pub target_type: TargetKind,
    pub target_id: i64,
    /// The account's address or the mailing's name at the time.
    pub target: String,
    /// What else there is to know, e.g. the address signed in from; may be empty.
    pub detail: String,
    /// The request's `X-Request-Id`, to find it in the server's log; null from the command line.
    pub request_id: Option<String>,
}
