//! One page of a list, and the query that asks for it.

use serde::{Deserialize, Serialize};

pub const DEFAULT_PER_PAGE: u32 = 20;
pub const MAX_PER_PAGE: u32 = 200;
/// The largest page number: the int32 range the OpenAPI document states, so a client generated
/// in a language whose integers are 32 bits can ask for every page there is.
pub const MAX_PAGE: u32 = i32::MAX as u32;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    /// How many items match, over all pages.
    pub total: u64,
    /// 1-based.
    pub page: u32,
    pub per_page: u32,
}

/// `?page=&per_page=`, checked: pages count from 1, at most 200 items per page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub page: u32,
    pub per_page: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageError {
    Page,
    PerPage,
}

impl crate::catalogue::Explain for PageError {
    fn said(&self) -> crate::catalogue::Said {
        use crate::catalogue::{Msg, Said};
        match self {
            PageError::Page => Said::with(Msg::PageOutOfRange, [MAX_PAGE]),
            PageError::PerPage => Said::with(Msg::PerPageOutOfRange, [MAX_PER_PAGE]),
        }
    }
}

crate::explained!(PageError);

impl PageError {
    /// The query parameter at fault.
    pub fn field(&self) -> &'static str {
        match self {
            PageError::Page => "page",
            PageError::PerPage => "per_page",
        }
    }
}

impl PageRequest {
    /// The request, or every parameter at fault with its error.
    pub fn check(
        v: &mut crate::validation::Validator,
        page: Option<u32>,
        per_page: Option<u32>,
    ) -> Option<Self> {
        match Self::parse(page, per_page) {
            Ok(request) => Some(request),
            Err(e) => {
                v.add(e.field(), crate::catalogue::Explain::said(&e));
                None
            }
        }
    }

    pub fn parse(page: Option<u32>, per_page: Option<u32>) -> Result<Self, PageError> {
        let page = page.unwrap_or(1);
        let per_page = per_page.unwrap_or(DEFAULT_PER_PAGE);
        if page == 0 || page > MAX_PAGE {
            return Err(PageError::Page);
        }
        if per_page == 0 || per_page > MAX_PER_PAGE {
            return Err(PageError::PerPage);
        }
        Ok(Self { page, per_page })
    }

    pub fn offset(self) -> u64 {
        u64::from(self.page - 1) * u64::from(self.per_page)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_first_page_of_twenty() {
        let page = PageRequest::parse(None, None).expect("valid");
        assert_eq!((page.page, page.per_page, page.offset()), (1, 20, 0));
    }

    #[test]
    fn the_offset_skips_the_earlier_pages() {
        assert_eq!(
            PageRequest::parse(Some(3), Some(50))
                .expect("valid")
                .offset(),
            100
        );
    }

    #[test]
    fn page_zero_and_oversized_pages_are_refused() {
        assert_eq!(PageRequest::parse(Some(0), None), Err(PageError::Page));
        assert_eq!(PageRequest::parse(None, Some(201)), Err(PageError::PerPage));
        assert_eq!(PageRequest::parse(None, Some(0)), Err(PageError::PerPage));
    }

    #[test]
    fn each_error_names_its_own_parameter() {
        let mut v = crate::validation::Validator::new();
        assert_eq!(PageRequest::check(&mut v, Some(0), None), None);
        let errors = v.finish().expect_err("page 0");
        assert_eq!(errors[0].field, "page");
        assert_eq!(PageError::PerPage.field(), "per_page");
    }
}
