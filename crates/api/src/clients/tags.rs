//! Renaming and deleting one of an owner's tags, with the segments that use it.

use mailroom_domain::tag::TagName;

use crate::db::queries::{audiences, tags};
use crate::db::{DbConnection, DbError, write_transaction};

#[derive(Debug, thiserror::Error)]
pub enum TagError {
    #[error("no tag '{0}'")]
    NotFound(String),
    #[error(
        "the tag '{name}' is in the audience of mailing {}; change their audience first",
        list(.mailings)
    )]
    InUse { name: String, mailings: Vec<i64> },
    #[error(
        "mailing {} names both '{from}' and '{to}' in its segment: as one tag, its audience would change; change it first",
        list(.mailings)
    )]
    Conflict {
        from: String,
        to: String,
        mailings: Vec<i64>,
    },
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<diesel::result::Error> for TagError {
    fn from(e: diesel::result::Error) -> Self {
        TagError::Db(e.into())
    }
}

/// Mailing ids as a person reads them: "3, 8, 12".
pub fn list(ids: &[i64]) -> String {
    ids.iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn own_tag(
    conn: &mut DbConnection,
    owner_id: i64,
    name: &str,
) -> Result<crate::db::rows::TagRow, TagError> {
    let missing = || TagError::NotFound(name.to_owned());
    // A name that cannot be a tag names none.
    let key = TagName::parse(name).map_err(|_| missing())?.key();
    tags::find(conn, owner_id, &key)?.ok_or_else(missing)
}

/// Renames the owner's tag `name` to `to`; when another of their tags has that name already,
/// the two become that one (its clients and segments gain this one's). How many clients carry it
/// after.
pub fn rename(
    conn: &mut DbConnection,
    owner_id: i64,
    name: &str,
    to: &TagName,
) -> Result<i64, TagError> {
    write_transaction(conn, |conn| {
        tags::lock_owner(conn, owner_id)?;
        let tag = own_tag(conn, owner_id, name)?;
        let target = match tags::find(conn, owner_id, &to.key())? {
            Some(other) if other.id != tag.id => {
                let mailings = audiences::conflicting(conn, tag.id, other.id)?;
                if !mailings.is_empty() {
                    return Err(TagError::Conflict {
                        from: tag.name,
                        to: other.name,
                        mailings,
                    });
                }
                audiences::move_tag(conn, tag.id, other.id)?;
                tags::merge(conn, tag.id, other.id)?;
                other.id
            }
            _ => tag.id,
        };
        tags::set_name(conn, target, to)?;
        Ok(tags::clients_of(conn, target)?)
    })
}

/// Deletes the owner's tag `name` from every client; refused while a segment uses it.
pub fn delete(conn: &mut DbConnection, owner_id: i64, name: &str) -> Result<(), TagError> {
    write_transaction(conn, |conn| {
        tags::lock_owner(conn, owner_id)?;
        let tag = own_tag(conn, owner_id, name)?;
        let mailings = audiences::using_tag(conn, tag.id)?;
        if !mailings.is_empty() {
            return Err(TagError::InUse {
                name: tag.name,
                mailings,
            });
        }
        tags::delete(conn, tag.id)?;
        Ok(())
    })
}
