//! `/api/v1/audit`: the managers' audit trail.

use mailroom_domain::wire::{AuditEntry, Page};

use super::{ApiError, Call, ListQuery};
use crate::session::{Session, SignedIn};

/// Which entries: each filter given narrows them (`target` is `user:<id>` or `mailing:<id>`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuditFilters {
    pub actor: Option<i64>,
    pub target: Option<String>,
    pub action: Option<String>,
}

pub async fn list(
    session: Session,
    query: &ListQuery,
    filters: &AuditFilters,
) -> Result<Page<AuditEntry>, ApiError> {
    query
        .apply(Call::get("/api/v1/audit"))
        .query("actor", filters.actor)
        .query("target", filters.target.clone())
        .query("action", filters.action.clone())
        .json_answer(session)
        .await
}
