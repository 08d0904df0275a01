//! The mailing rules that need the database: creating a mailing of one's own message to one's own
//! clients, changing it as its state allows without disturbing its schedule, disabling it. The
//! pure rules are `mailroom_domain::mailing`; the handlers (`routes/mailings.rs`) only parse,
//! call and answer.

pub mod view;

use chrono::NaiveDateTime;
use mailroom_domain::mailing::{EditRefusal, MailingFields, check_edit};
use mailroom_domain::wire::FieldError;

use crate::db::queries::deliveries::RunsOf;
use crate::db::queries::{mailings, messages, runs};
use crate::db::rows::{MailingRow, NewMailing};
use crate::db::{DbConnection, DbError, write_transaction};
use crate::sending::start::stop;

#[derive(Debug, thiserror::Error)]
pub enum MailingError {
    #[error("no mailing {0}")]
    NotFound(i64),
    #[error("{} invalid field(s)", .0.len())]
    Invalid(Vec<FieldError>),
    #[error(transparent)]
    Refused(#[from] EditRefusal),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<diesel::result::Error> for MailingError {
    fn from(e: diesel::result::Error) -> Self {
        MailingError::Db(e.into())
    }
}

/// Creates a mailing of `owner_id`'s; returns its id.
pub fn create(
    conn: &mut DbConnection,
    owner_id: i64,
    fields: MailingFields,
    now: NaiveDateTime,
) -> Result<i64, MailingError> {
    fields.check_end(now, None).map_err(MailingError::Invalid)?;
    write_transaction(conn, |conn| {
        check_ownership(conn, owner_id, &fields)?;
        let row = mailings::insert(
            conn,
            &NewMailing {
                owner_id,
                message_id: fields.message_id,
                starts_at: fields.starts_at,
                ends_at: fields.ends_at,
                created_at: now,
                updated_at: now,
                schedule: fields.schedule,
                next_run_at: fields.next_slot(None, false),
            },
        )?;
        mailings::set_clients(conn, row.id, &fields.client_ids)?;
        Ok(row.id)
    })
}

/// Applies `wanted` (the change, given the mailing's fields as they are) if the mailing's state
/// allows it. Read and written in one transaction, the row locked: a scheduler advancing the
/// schedule meanwhile is never undone. The next send moves only when the timing changes.
pub fn change(
    conn: &mut DbConnection,
    id: i64,
    now: NaiveDateTime,
    wanted: impl FnOnce(&MailingFields) -> Result<MailingFields, Vec<FieldError>>,
) -> Result<(), MailingError> {
    write_transaction(conn, |conn| {
        let row = mailings::find_for_update(conn, id)?.ok_or(MailingError::NotFound(id))?;
        let mut extras = view::Extras::read(conn, std::slice::from_ref(&row))?;
        let status = extras.status(&row, now);
        let current = MailingFields {
            message_id: row.message_id,
            client_ids: extras.take_client_ids(id),
            starts_at: row.starts_at,
            ends_at: row.ends_at,
            schedule: row.schedule,
        };
        let wanted = wanted(&current).map_err(MailingError::Invalid)?;
        wanted
            .check_end(now, Some(current.ends_at))
            .map_err(MailingError::Invalid)?;
        check_edit(status, &current, &wanted)?;
        check_ownership(conn, row.owner_id, &wanted)?;
        mailings::update(conn, id, &wanted, now)?;
        if wanted.timing_differs(&current) {
            let next = wanted.next_slot(runs::last_slot(conn, id)?, extras.was_sent(id));
            mailings::set_next_run(conn, id, next)?;
        }
        if wanted.client_ids != current.client_ids {
            mailings::set_clients(conn, id, &wanted.client_ids)?;
        }
        Ok(())
    })
}

/// Sets the mailing's disabled flag (managers); disabling stops its mail at once.
pub fn set_disabled(
    conn: &mut DbConnection,
    mailing: &MailingRow,
    disabled: bool,
    now: NaiveDateTime,
) -> Result<(), MailingError> {
    write_transaction(conn, |conn| {
        mailings::set_disabled(conn, mailing.id, disabled, now)?;
        if disabled {
            // What is queued is cancelled, not left to a worker's check.
            stop(conn, RunsOf::Mailing(mailing.id), now)?;
        }
        Ok(())
    })
}

/// The message and every client must be the owner's; the answer names those that are not.
fn check_ownership(
    conn: &mut DbConnection,
    owner_id: i64,
    fields: &MailingFields,
) -> Result<(), MailingError> {
    let mut errors = Vec::new();
    let message_owned =
        messages::find(conn, fields.message_id)?.is_some_and(|m| m.owner_id == owner_id);
    if !message_owned {
        errors.push(FieldError {
            field: "message_id".into(),
            message: format!("message {} is not one of your messages", fields.message_id),
        });
    }
    let foreign = mailings::foreign_clients(conn, owner_id, &fields.client_ids)?;
    if !foreign.is_empty() {
        let shown: Vec<String> = foreign.iter().take(20).map(i64::to_string).collect();
        let more = if foreign.len() > 20 {
            format!(" and {} more", foreign.len() - 20)
        } else {
            String::new()
        };
        errors.push(FieldError {
            field: "client_ids".into(),
            message: format!("not your clients: {}{more}", shown.join(", ")),
        });
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(MailingError::Invalid(errors))
    }
}
