//! The one way lists read `page`, `per_page`, `sort` and `q`, and answer a page.

use mailroom_domain::listing::{Sort, SortField};
use mailroom_domain::validation::Validator;
use mailroom_domain::wire::{Page, PageRequest};
use utoipa::openapi::{Object, ObjectBuilder, Type};

use super::cached::{CACHED_PAGES, scope_of};
use crate::cache::Scope;
use crate::http::api_error::ApiError;

/// The `sort` parameter's schema: every field of `S`, each also with a leading `-`, so that a
/// generated client offers exactly the orders the server takes.
pub fn sort_schema<S: SortField>() -> Object {
    let name = |field: S| {
        S::FIELDS
            .iter()
            .find(|(_, f)| *f == field)
            .map_or("", |(name, _)| *name)
    };
    let default = format!(
        "{}{}",
        if S::DEFAULT.descending { "-" } else { "" },
        name(S::DEFAULT.field)
    );
    let values = S::FIELDS
        .iter()
        .flat_map(|(name, _)| [(*name).to_owned(), format!("-{name}")]);
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(format!(
            "The order: a field, with a leading - for descending (default {default})"
        )))
        .enum_values(Some(values))
        .build()
}

/// A list request, checked: every invalid parameter is reported at once.
pub struct ListRequest<S> {
    pub page: PageRequest,
    pub sort: Sort<S>,
    /// The search text, trimmed; none when blank.
    pub search: Option<String>,
}

impl<S: SortField> ListRequest<S> {
    pub fn parse(
        page: Option<u32>,
        per_page: Option<u32>,
        sort: Option<&str>,
        q: Option<&str>,
    ) -> Result<Self, ApiError> {
        let mut v = Validator::new();
        let page = PageRequest::check(&mut v, page, per_page);
        let sort = v.check("sort", Sort::<S>::parse(sort));
        v.finish().map_err(ApiError::Validation)?;
        let (Some(page), Some(sort)) = (page, sort) else {
            return Err(ApiError::Internal(
                "validated list parameters missing".into(),
            ));
        };
        let search = q
            .map(str::trim)
            .filter(|q| !q.is_empty())
            .map(str::to_owned);
        Ok(Self { page, sort, search })
    }

    pub fn offset(&self) -> i64 {
        i64::try_from(self.page.offset()).unwrap_or(i64::MAX)
    }

    pub fn limit(&self) -> i64 {
        i64::from(self.page.per_page)
    }

    /// Where a first page is cached: `what` (the list's name), the owner it shows (none: everyone's)
    /// and every parameter; none for deeper pages.
    pub fn cache_place(&self, what: &str, owner_id: Option<i64>) -> Option<(Scope, String)>
    where
        S: std::fmt::Debug,
    {
        (self.page.page <= CACHED_PAGES).then(|| {
            let owner = owner_id.map_or_else(|| "*".to_owned(), |id| id.to_string());
            (
                scope_of(owner_id),
                format!(
                    "{what}:{owner}:{}:{}:{:?}:{:?}",
                    self.page.page, self.page.per_page, self.sort, self.search
                ),
            )
        })
    }

    /// The answer: these items, out of `total`.
    pub fn page_of<T>(&self, items: Vec<T>, total: i64) -> Page<T> {
        Page {
            items,
            total: u64::try_from(total).unwrap_or_default(),
            page: self.page.page,
            per_page: self.page.per_page,
        }
    }
}
