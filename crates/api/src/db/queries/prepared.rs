//! Hand-written PostgreSQL statements that diesel keeps prepared.
//!
//! diesel never caches `sql_query` text (it cannot know the text is fixed), so PostgreSQL parses
//! and plans it on every call. The sending engine runs a few fixed statements thousands of times;
//! written as a `Prepared` they are prepared once per connection, like any statement diesel builds.

use diesel::QueryResult;
use diesel::pg::Pg;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::query_dsl::RunQueryDsl;
use diesel::result::Error;

/// The values of a statement's placeholders, pushed by number.
pub trait Binds: 'static {
    fn push<'b>(&'b self, number: usize, out: &mut AstPass<'_, 'b, Pg>) -> QueryResult<()>;
}

/// Fixed SQL whose placeholders `$1`, `$2`, … each appear once and in order, with their values.
/// The binds' type names the statement in diesel's cache.
pub struct Prepared<B> {
    pub sql: &'static str,
    pub binds: B,
}

impl<B: Binds> QueryFragment<Pg> for Prepared<B> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        let mut pieces = self.sql.split('$');
        out.push_sql(pieces.next().unwrap_or_default());
        for piece in pieces {
            let digits = piece.bytes().take_while(u8::is_ascii_digit).count();
            let number = piece[..digits].parse().map_err(|_| {
                Error::QueryBuilderError(format!("`${piece}` is not a placeholder").into())
            })?;
            // diesel writes the placeholder itself, numbered in push order.
            self.binds.push(number, &mut out)?;
            out.push_sql(&piece[digits..]);
        }
        Ok(())
    }
}

impl<B: Binds> QueryId for Prepared<B> {
    type QueryId = B;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl<B, Conn> RunQueryDsl<Conn> for Prepared<B> {}

/// The error for a placeholder a statement's binds do not know.
pub fn unknown_placeholder(number: usize) -> Error {
    Error::QueryBuilderError(format!("no value for placeholder ${number}").into())
}
