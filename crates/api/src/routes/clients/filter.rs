//! The filter of the client list and its CSV export, as query parameters.

use mailroom_domain::selection::{ClientSelection, FilterQuery};
use mailroom_domain::validation::Validator;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa::openapi::Object;

use crate::auth::CurrentUser;
use crate::db::queries::clients::ClientFilter;
use crate::http::api_error::ApiError;
use crate::http::constraints::{id_list_query, tag_list_query};

/// Every condition given must hold; lists are comma-separated.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FilterParams {
    /// Only clients whose address or name contains this text (any case).
    pub q: Option<String>,
    #[param(schema_with = any_tag)]
    pub tags_any: Option<String>,
    #[param(schema_with = every_tag)]
    pub tags_all: Option<String>,
    #[param(schema_with = no_tag)]
    pub exclude_tags: Option<String>,
    #[param(schema_with = these_ids)]
    pub ids: Option<String>,
    /// Managers: only this owner's clients.
    pub owner_id: Option<i64>,
}

// The lists' schemas (their descriptions go with them: a parameter's own text is not kept when
// its schema is given).
fn any_tag() -> Object {
    tag_list_query("Only clients carrying at least one of these tags, e.g. `vip,fair 2026`.")
}

fn every_tag() -> Object {
    tag_list_query("Only clients carrying every one of these tags.")
}

fn no_tag() -> Object {
    tag_list_query("Only clients carrying none of these tags.")
}

fn these_ids() -> Object {
    id_list_query("Only these clients, by id, e.g. `12,15` (at most 10,000).")
}

impl FilterParams {
    /// The clients these parameters mean for `current`: their own, or for a manager everyone's
    /// or one owner's.
    pub fn parse(&self, current: &CurrentUser) -> Result<ClientFilter, ApiError> {
        let mut v = Validator::new();
        let selection = ClientSelection::from_query(
            &mut v,
            &FilterQuery {
                q: self.q.as_deref(),
                tags_any: self.tags_any.as_deref(),
                tags_all: self.tags_all.as_deref(),
                exclude_tags: self.exclude_tags.as_deref(),
                ids: self.ids.as_deref(),
            },
        );
        v.finish().map_err(ApiError::Validation)?;
        let selection =
            selection.ok_or_else(|| ApiError::Internal("validated filter missing".into()))?;
        Ok(ClientFilter {
            owner_id: current.actor().list_scope(self.owner_id),
            selection,
        })
    }
}
