//! Tags and the clients carrying them. Every statement that writes tags runs after
//! [`lock_owner`], inside a write transaction: two requests tagging one owner's clients at once
//! take turns instead of both inserting the same new tag.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;
use diesel::dsl::{count, count_star, exists, not};
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use mailroom_domain::tag::{MAX_TAGS_PER_CLIENT, TagName};

use super::picked::picked_clients;
use crate::db::DbConnection;
use crate::db::rows::{ClientTagRow, NewTag, TagRow};
use crate::db::schema::{client_tags, tags, users};

diesel::alias!(client_tags as already_tagged: AlreadyTagged);

/// Rows per multi-row insert: at most 4 parameters each, well within PostgreSQL's 65,535.
const INSERT_CHUNK: usize = 10_000;

/// Serializes the owner's tag writes until the transaction ends (PostgreSQL; SQLite's write
/// transaction holds the one write lock already). `FOR NO KEY UPDATE`: new rows may still
/// reference the user meanwhile.
///
/// Taken before anything that inserts or deletes the owner's clients or mailings: those lock the
/// owner's `owner_totals` row, and the other order would deadlock with a path holding this lock.
pub fn lock_owner(conn: &mut DbConnection, owner_id: i64) -> QueryResult<()> {
    if let DbConnection::Postgres(pg) = conn {
        users::table
            .find(owner_id)
            .select(users::id)
            .for_no_key_update()
            .first::<i64>(pg)
            .optional()?;
    }
    Ok(())
}

/// The owner's tags with how many clients carry each, in alphabetical order.
pub fn list(conn: &mut DbConnection, owner_id: i64) -> QueryResult<Vec<(String, i64)>> {
    tags::table
        .left_join(client_tags::table)
        .filter(tags::owner_id.eq(owner_id))
        .group_by((tags::id, tags::name, tags::name_key))
        .order((tags::name_key.asc(), tags::id.asc()))
        .select((tags::name, count(client_tags::client_id.nullable())))
        .load(conn)
}

pub fn find(conn: &mut DbConnection, owner_id: i64, key: &str) -> QueryResult<Option<TagRow>> {
    tags::table
        .filter(tags::owner_id.eq(owner_id))
        .filter(tags::name_key.eq(key))
        .select(TagRow::as_select())
        .first(conn)
        .optional()
}

/// How many clients carry the tag.
pub fn clients_of(conn: &mut DbConnection, tag_id: i64) -> QueryResult<i64> {
    client_tags::table
        .filter(client_tags::tag_id.eq(tag_id))
        .select(count_star())
        .get_result(conn)
}

/// The ids of the owner's tags by these names, creating those it lacks (in the spelling given).
pub fn ensure(
    conn: &mut DbConnection,
    owner_id: i64,
    names: &[TagName],
    now: NaiveDateTime,
) -> QueryResult<Vec<i64>> {
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let keys: Vec<String> = names.iter().map(TagName::key).collect();
    let known = |conn: &mut DbConnection| -> QueryResult<HashMap<String, i64>> {
        Ok(tags::table
            .filter(tags::owner_id.eq(owner_id))
            .filter(tags::name_key.eq_any(&keys))
            .select((tags::name_key, tags::id))
            .load::<(String, i64)>(conn)?
            .into_iter()
            .collect())
    };
    let mut ids = known(conn)?;
    let missing: Vec<NewTag<'_>> = names
        .iter()
        .zip(&keys)
        .filter(|(_, key)| !ids.contains_key(*key))
        .map(|(name, key)| NewTag {
            owner_id,
            name: name.as_ref(),
            name_key: key,
            created_at: now,
        })
        .collect();
    if !missing.is_empty() {
        // A statement per backend (the multi-connection cannot batch inserts), in chunks that
        // keep within PostgreSQL's 65,535 parameters.
        for chunk in missing.chunks(INSERT_CHUNK) {
            match conn {
                DbConnection::Postgres(pg) => {
                    diesel::insert_into(tags::table).values(chunk).execute(pg)?
                }
                DbConnection::Sqlite(sqlite) => diesel::insert_into(tags::table)
                    .values(chunk)
                    .execute(sqlite)?,
            };
        }
        ids = known(conn)?;
    }
    keys.iter()
        .map(|key| ids.get(key).copied().ok_or(diesel::result::Error::NotFound))
        .collect()
}

/// Each of these clients' tags, as (client id, tag name), in alphabetical order per client.
pub fn of_clients(
    conn: &mut DbConnection,
    client_ids: &[i64],
) -> QueryResult<HashMap<i64, Vec<String>>> {
    let pairs: Vec<(i64, String)> = client_tags::table
        .inner_join(tags::table)
        .filter(client_tags::client_id.eq_any(client_ids))
        .order((client_tags::client_id, tags::name_key))
        .select((client_tags::client_id, tags::name))
        .load(conn)?;
    let mut by_client: HashMap<i64, Vec<String>> = HashMap::new();
    for (client, name) in pairs {
        by_client.entry(client).or_default().push(name);
    }
    Ok(by_client)
}

fn insert_pairs(conn: &mut DbConnection, pairs: &[ClientTagRow]) -> QueryResult<usize> {
    let mut inserted = 0;
    for chunk in pairs.chunks(INSERT_CHUNK) {
        inserted += match conn {
            DbConnection::Postgres(pg) => diesel::insert_into(client_tags::table)
                .values(chunk)
                .execute(pg)?,
            DbConnection::Sqlite(sqlite) => diesel::insert_into(client_tags::table)
                .values(chunk)
                .execute(sqlite)?,
        };
    }
    Ok(inserted)
}

/// Gives the client exactly these tags.
pub fn set_for_client(
    conn: &mut DbConnection,
    owner_id: i64,
    client_id: i64,
    names: &[TagName],
    now: NaiveDateTime,
) -> QueryResult<()> {
    lock_owner(conn, owner_id)?;
    let wanted = ensure(conn, owner_id, names, now)?;
    diesel::delete(
        client_tags::table
            .filter(client_tags::client_id.eq(client_id))
            .filter(not(client_tags::tag_id.eq_any(&wanted))),
    )
    .execute(conn)?;
    let held: Vec<i64> = client_tags::table
        .filter(client_tags::client_id.eq(client_id))
        .select(client_tags::tag_id)
        .load(conn)?;
    let missing: Vec<ClientTagRow> = wanted
        .into_iter()
        .filter(|id| !held.contains(id))
        .map(|tag_id| ClientTagRow { tag_id, client_id })
        .collect();
    insert_pairs(conn, &missing)?;
    Ok(())
}

/// Adds tags to many clients at once (a CSV import's rows), keeping the tags they have. The
/// caller checks the per-client limit first.
pub fn add_to_clients(
    conn: &mut DbConnection,
    owner_id: i64,
    wanted: &[(i64, Vec<TagName>)],
    now: NaiveDateTime,
) -> QueryResult<()> {
    let mut names: Vec<TagName> = wanted.iter().flat_map(|(_, t)| t.clone()).collect();
    names.sort_by_key(TagName::key);
    names.dedup_by_key(|t| t.key());
    if names.is_empty() {
        return Ok(());
    }
    lock_owner(conn, owner_id)?;
    let ids: HashMap<String, i64> = names
        .iter()
        .map(TagName::key)
        .zip(ensure(conn, owner_id, &names, now)?)
        .collect();
    let client_ids: Vec<i64> = wanted.iter().map(|(c, _)| *c).collect();
    let held: HashSet<(i64, i64)> = client_tags::table
        .filter(client_tags::client_id.eq_any(&client_ids))
        .select((client_tags::tag_id, client_tags::client_id))
        .load::<(i64, i64)>(conn)?
        .into_iter()
        .collect();
    let mut pairs = Vec::new();
    for (client_id, tags) in wanted {
        for tag in tags {
            let tag_id = ids[&tag.key()];
            if !held.contains(&(tag_id, *client_id)) {
                pairs.push(ClientTagRow {
                    tag_id,
                    client_id: *client_id,
                });
            }
        }
    }
    insert_pairs(conn, &pairs)?;
    Ok(())
}

/// Moves the clients of tag `from` onto tag `into` (those carrying both keep one) and deletes
/// `from`: two tags become one. Segments using `from` must have moved first.
pub fn merge(conn: &mut DbConnection, from: i64, into: i64) -> QueryResult<()> {
    let moving = client_tags::table
        .filter(client_tags::tag_id.eq(from))
        .select((into.into_sql::<BigInt>(), client_tags::client_id));
    match conn {
        // As in `tag_picked`: the key, not a plan from the statistics, skips the pairs there are.
        DbConnection::Postgres(pg) => diesel::insert_into(client_tags::table)
            .values(moving)
            .into_columns((client_tags::tag_id, client_tags::client_id))
            .on_conflict_do_nothing()
            .execute(pg)?,
        DbConnection::Sqlite(_) => {
            let already = already_tagged
                .filter(already_tagged.field(client_tags::tag_id).eq(into))
                .filter(
                    already_tagged
                        .field(client_tags::client_id)
                        .eq(client_tags::client_id),
                );
            diesel::insert_into(client_tags::table)
                .values(moving.filter(not(exists(already))))
                .into_columns((client_tags::tag_id, client_tags::client_id))
                .execute(conn)?
        }
    };
    diesel::delete(tags::table.find(from)).execute(conn)?;
    Ok(())
}

/// Writes the tag's name (and so its key).
pub fn set_name(conn: &mut DbConnection, tag_id: i64, to: &TagName) -> QueryResult<usize> {
    diesel::update(tags::table.find(tag_id))
        .set((tags::name.eq(to.as_ref()), tags::name_key.eq(to.key())))
        .execute(conn)
}

pub fn delete(conn: &mut DbConnection, tag_id: i64) -> QueryResult<usize> {
    diesel::delete(tags::table.find(tag_id)).execute(conn)
}

/// Adds the tag to every picked client (`picked::pick`) that lacks it, in one statement.
pub fn tag_picked(conn: &mut DbConnection, tag_id: i64) -> QueryResult<usize> {
    let pairs = picked_clients::table.select((tag_id.into_sql::<BigInt>(), picked_clients::id));
    match conn {
        // The key skips the pairs there already are. An anti-join against client_tags instead is
        // planned from its statistics, and right after a first bulk change those still say
        // "empty": PostgreSQL then rescans the table it is inserting into once per client (85 s
        // for 100,000 of them).
        DbConnection::Postgres(pg) => diesel::insert_into(client_tags::table)
            .values(pairs)
            .into_columns((client_tags::tag_id, client_tags::client_id))
            .on_conflict_do_nothing()
            .execute(pg),
        // SQLite always looks the key up for NOT EXISTS.
        DbConnection::Sqlite(_) => {
            let already = client_tags::table
                .filter(client_tags::tag_id.eq(tag_id))
                .filter(client_tags::client_id.eq(picked_clients::id));
            diesel::insert_into(client_tags::table)
                .values(pairs.filter(not(exists(already))))
                .into_columns((client_tags::tag_id, client_tags::client_id))
                .execute(conn)
        }
    }
}

/// Takes the tags off every picked client, in one statement.
pub fn untag_picked(conn: &mut DbConnection, tag_ids: &[i64]) -> QueryResult<usize> {
    if tag_ids.is_empty() {
        return Ok(0);
    }
    let picked = picked_clients::table.select(picked_clients::id);
    diesel::delete(
        client_tags::table
            .filter(client_tags::tag_id.eq_any(tag_ids))
            .filter(client_tags::client_id.eq_any(picked)),
    )
    .execute(conn)
}

/// How many picked clients already carry every tag of `add` and none of `remove`: the ones a
/// bulk change leaves as they are.
pub fn unchanged_picked(conn: &mut DbConnection, add: &[i64], remove: &[i64]) -> QueryResult<i64> {
    let mut query = picked_clients::table.into_boxed();
    for tag_id in add {
        let carrying = client_tags::table
            .filter(client_tags::tag_id.eq(*tag_id))
            .select(client_tags::client_id);
        query = query.filter(picked_clients::id.eq_any(carrying));
    }
    if !remove.is_empty() {
        let carrying = client_tags::table
            .filter(client_tags::tag_id.eq_any(remove.to_vec()))
            .select(client_tags::client_id);
        query = query.filter(not(picked_clients::id.eq_any(carrying)));
    }
    query.count().get_result(conn)
}

/// How many picked clients carry more tags than a client may.
pub fn picked_over_the_limit(conn: &mut DbConnection) -> QueryResult<usize> {
    let picked = picked_clients::table.select(picked_clients::id);
    let over: Vec<i64> = client_tags::table
        .filter(client_tags::client_id.eq_any(picked))
        .group_by(client_tags::client_id)
        .having(count_star().gt(MAX_TAGS_PER_CLIENT as i64))
        .select(client_tags::client_id)
        .load(conn)?;
    Ok(over.len())
}

/// After a bulk change, lets PostgreSQL's planner see how many clients each tag now has.
pub fn refresh_statistics(conn: &mut DbConnection) -> QueryResult<()> {
    match conn {
        DbConnection::Postgres(pg) => diesel::sql_query("ANALYZE client_tags")
            .execute(pg)
            .map(|_| ()),
        DbConnection::Sqlite(_) => Ok(()),
    }
}
