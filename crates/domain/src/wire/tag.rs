//! Tags on the wire.

use serde::{Deserialize, Serialize};

/// One of the owner's tags and how many clients carry it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Tag {
    pub name: String,
    pub clients: u64,
}

/// Every tag of the owner, in alphabetical order whatever their case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TagList {
    pub items: Vec<Tag>,
}

/// A tag's new name. When another tag already has it (in any case), the two become one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"name": "customers"})))]
pub struct TagRename {
    pub name: String,
}
