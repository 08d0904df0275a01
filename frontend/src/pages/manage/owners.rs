//! The address of each account, to name the owners in managers' tables.

use std::collections::HashMap;

use leptos::prelude::*;
use mailroom_domain::wire::MAX_PER_PAGE;

use crate::api::{self, ApiError, ListQuery};
use crate::session::{Session, use_session};

async fn all(session: Session) -> Result<HashMap<i64, String>, ApiError> {
    let mut owners = HashMap::new();
    let mut query = ListQuery {
        page: 1,
        per_page: MAX_PER_PAGE,
        ..ListQuery::default()
    };
    loop {
        let page = api::users::list(session, &query).await?;
        let seen = u64::from(query.page) * u64::from(query.per_page);
        owners.extend(page.items.into_iter().map(|u| (u.id, u.email)));
        if seen >= page.total {
            return Ok(owners);
        }
        query.page += 1;
    }
}

/// Every account's address by id; empty until loaded (tables show `#id` meanwhile).
pub fn owners() -> Signal<HashMap<i64, String>> {
    let session = use_session();
    let loaded = LocalResource::new(move || async move { all(session).await });
    Signal::derive(move || loaded.get().and_then(Result::ok).unwrap_or_default())
}
