//! The tables of secrets: single-use mail links, refresh tokens, personal API tokens.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use mailroom_domain::account::{LinkPurpose, SessionEnd};

use crate::db::DbConnection;
use crate::db::rows::{
    ApiTokenRow, NewApiToken, NewOneTimeToken, NewRefreshToken, OneTimeTokenRow, RefreshTokenRow,
};
use crate::db::schema::{api_tokens, one_time_tokens, refresh_tokens};

pub fn insert_one_time(conn: &mut DbConnection, token: &NewOneTimeToken<'_>) -> QueryResult<usize> {
    diesel::insert_into(one_time_tokens::table)
        .values(token)
        .execute(conn)
}

pub fn find_one_time(
    conn: &mut DbConnection,
    purpose: LinkPurpose,
    token_hash: &str,
) -> QueryResult<Option<OneTimeTokenRow>> {
    one_time_tokens::table
        .filter(one_time_tokens::token_hash.eq(token_hash))
        .filter(one_time_tokens::purpose.eq(purpose))
        .select(OneTimeTokenRow::as_select())
        .first(conn)
        .optional()
}

/// Marks a token used; 0 when someone used it first (the token is single-use even under races).
pub fn use_one_time(conn: &mut DbConnection, id: i64, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        one_time_tokens::table
            .find(id)
            .filter(one_time_tokens::used_at.is_null()),
    )
    .set(one_time_tokens::used_at.eq(now))
    .execute(conn)
}

/// Ends the user's other pending links of the same purpose (an older reset link after a reset).
pub fn use_all_one_time(
    conn: &mut DbConnection,
    user_id: i64,
    purpose: LinkPurpose,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        one_time_tokens::table
            .filter(one_time_tokens::user_id.eq(user_id))
            .filter(one_time_tokens::purpose.eq(purpose))
            .filter(one_time_tokens::used_at.is_null()),
    )
    .set(one_time_tokens::used_at.eq(now))
    .execute(conn)
}

pub fn insert_refresh(conn: &mut DbConnection, token: &NewRefreshToken<'_>) -> QueryResult<usize> {
    diesel::insert_into(refresh_tokens::table)
        .values(token)
        .execute(conn)
}

pub fn find_refresh(
    conn: &mut DbConnection,
    token_hash: &str,
) -> QueryResult<Option<RefreshTokenRow>> {
    refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(token_hash))
        .select(RefreshTokenRow::as_select())
        .first(conn)
        .optional()
}

/// Marks a live token as exchanged; 0 when it already was (a replay, or a race with one).
pub fn rotate_refresh(conn: &mut DbConnection, id: i64, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        refresh_tokens::table
            .find(id)
            .filter(refresh_tokens::rotated_at.is_null())
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::rotated_at.eq(now))
    .execute(conn)
}

/// Ends one session (every token of its family), for `why`.
pub fn revoke_family(
    conn: &mut DbConnection,
    family: &str,
    why: SessionEnd,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::family.eq(family))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set((
        refresh_tokens::revoked_at.eq(now),
        refresh_tokens::revoked_because.eq(why),
    ))
    .execute(conn)
}

/// Ends every session of the account: its password changed.
pub fn revoke_all_refresh(
    conn: &mut DbConnection,
    user_id: i64,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::user_id.eq(user_id))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set((
        refresh_tokens::revoked_at.eq(now),
        refresh_tokens::revoked_because.eq(SessionEnd::PasswordChanged),
    ))
    .execute(conn)
}

pub fn insert_api_token(
    conn: &mut DbConnection,
    token: &NewApiToken<'_>,
) -> QueryResult<ApiTokenRow> {
    diesel::insert_into(api_tokens::table)
        .values(token)
        .get_result(conn)
}

pub fn list_api_tokens(conn: &mut DbConnection, user_id: i64) -> QueryResult<Vec<ApiTokenRow>> {
    api_tokens::table
        .filter(api_tokens::user_id.eq(user_id))
        .order((api_tokens::created_at.desc(), api_tokens::id.desc()))
        .select(ApiTokenRow::as_select())
        .load(conn)
}

/// Deletes one of the user's tokens; 0 when the id is not theirs.
pub fn delete_api_token(conn: &mut DbConnection, user_id: i64, id: i64) -> QueryResult<usize> {
    diesel::delete(
        api_tokens::table
            .filter(api_tokens::id.eq(id))
            .filter(api_tokens::user_id.eq(user_id)),
    )
    .execute(conn)
}

pub fn find_api_token(
    conn: &mut DbConnection,
    token_hash: &str,
) -> QueryResult<Option<ApiTokenRow>> {
    api_tokens::table
        .filter(api_tokens::token_hash.eq(token_hash))
        .select(ApiTokenRow::as_select())
        .first(conn)
        .optional()
}

pub fn touch_api_token(conn: &mut DbConnection, id: i64, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(api_tokens::table.find(id))
        .set(api_tokens::last_used_at.eq(now))
        .execute(conn)
}

/// Revokes every API token of the user (a password reset after a compromise).
pub fn delete_all_api_tokens(conn: &mut DbConnection, user_id: i64) -> QueryResult<usize> {
    diesel::delete(api_tokens::table.filter(api_tokens::user_id.eq(user_id))).execute(conn)
}
