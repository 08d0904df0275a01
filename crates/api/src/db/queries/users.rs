use chrono::NaiveDateTime;
use diesel::prelude::*;
use mailroom_domain::account::UserSort;
use mailroom_domain::listing::Sort;
use mailroom_domain::{Role, UserState};

use super::{contains_pattern, lower};
use crate::db::DbConnection;
use crate::db::rows::{NewUser, UserRow};
use crate::db::schema::users;

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<UserRow>> {
    users::table
        .find(id)
        .select(UserRow::as_select())
        .first(conn)
        .optional()
}

/// `normalized_email` is already lower-cased; the index is on `lower(email)`.
pub fn find_by_email(
    conn: &mut DbConnection,
    normalized_email: &str,
) -> QueryResult<Option<UserRow>> {
    users::table
        .filter(lower(users::email).eq(normalized_email))
        .select(UserRow::as_select())
        .first(conn)
        .optional()
}

pub fn insert(conn: &mut DbConnection, user: &NewUser<'_>) -> QueryResult<UserRow> {
    let id: i64 = diesel::insert_into(users::table)
        .values(user)
        .returning(users::id)
        .get_result(conn)?;
    find(conn, id)?.ok_or(diesel::result::Error::NotFound)
}

/// Blocks the account; 0 when it was blocked already (the row is locked either way, so two
/// managers blocking it at once count one change).
pub fn block(conn: &mut DbConnection, id: i64, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        users::table
            .find(id)
            .filter(users::state.ne(UserState::Blocked)),
    )
    .set((
        users::state.eq(UserState::Blocked),
        users::updated_at.eq(now),
    ))
    .execute(conn)
}

/// The address is proven: an unconfirmed account becomes active (a blocked one stays blocked).
pub fn confirm(conn: &mut DbConnection, id: i64, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(users::table.find(id).filter(users::confirmed_at.is_null()))
        .set(users::confirmed_at.eq(now))
        .execute(conn)?;
    diesel::update(
        users::table
            .find(id)
            .filter(users::state.eq(UserState::Unconfirmed)),
    )
    .set((
        users::state.eq(UserState::Active),
        users::updated_at.eq(now),
    ))
    .execute(conn)
}

/// Lifts a block: the account is again what it was, active if its address was proven.
pub fn unblock(conn: &mut DbConnection, id: i64, now: NaiveDateTime) -> QueryResult<usize> {
    let confirmed = users::table
        .find(id)
        .select(users::confirmed_at.is_not_null())
        .first::<bool>(conn)?;
    let state = if confirmed {
        UserState::Active
    } else {
        UserState::Unconfirmed
    };
    diesel::update(
        users::table
            .find(id)
            .filter(users::state.eq(UserState::Blocked)),
    )
    .set((users::state.eq(state), users::updated_at.eq(now)))
    .execute(conn)
}

/// Gives the account `role`; 0 when it had it already.
pub fn set_role(
    conn: &mut DbConnection,
    id: i64,
    role: Role,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(users::table.find(id).filter(users::role.ne(role)))
        .set((users::role.eq(role), users::updated_at.eq(now)))
        .execute(conn)
}

pub fn set_full_name(
    conn: &mut DbConnection,
    id: i64,
    full_name: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set((users::full_name.eq(full_name), users::updated_at.eq(now)))
        .execute(conn)
}

/// Sets a new password hash and ends every session: access tokens carry the session version.
pub fn set_password(
    conn: &mut DbConnection,
    id: i64,
    password_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set((
            users::password_hash.eq(password_hash),
            users::session_version.eq(users::session_version + 1),
            users::updated_at.eq(now),
        ))
        .execute(conn)
}

/// A page of accounts, optionally only those whose address contains `search`.
pub fn list(
    conn: &mut DbConnection,
    search: Option<&str>,
    sort: Sort<UserSort>,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<UserRow>, i64)> {
    let filtered = || {
        let mut query = users::table.into_boxed();
        if let Some(text) = search {
            query = query.filter(
                lower(users::email)
                    .like(contains_pattern(text))
                    .escape('\\'),
            );
        }
        query
    };
    let total = filtered().count().get_result(conn)?;
    let ordered = match (sort.field, sort.descending) {
        (UserSort::CreatedAt, false) => {
            filtered().order((users::created_at.asc(), users::id.asc()))
        }
        (UserSort::CreatedAt, true) => {
            filtered().order((users::created_at.desc(), users::id.desc()))
        }
        (UserSort::Email, false) => filtered().order((lower(users::email).asc(), users::id.asc())),
        (UserSort::Email, true) => filtered().order((lower(users::email).desc(), users::id.desc())),
    };
    let rows = ordered
        .offset(offset)
        .limit(limit)
        .select(UserRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}
