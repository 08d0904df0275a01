//! The mailing rules that need the database: creating a mailing of one's own message to one's own
//! clients, changing it as its state allows without disturbing its schedule, disabling it. The
//! pure rules are `mailroom_domain::mailing`; the handlers (`routes/mailings.rs`) only parse,
//! call and answer.

pub mod view;

use chrono::NaiveDateTime;
use mailroom_domain::audience::{Audience, MAX_CLIENTS};
use mailroom_domain::audit::AuditAction;
use mailroom_domain::mailing::copy::{copied_times, copy_name};
use mailroom_domain::mailing::{EditRefusal, MailingFields, check_edit, default_name};
use mailroom_domain::wire::FieldError;

use crate::audit;
use crate::db::queries::deliveries::RunsOf;
use crate::db::queries::{audiences, mailings, messages, runs, tags};
use crate::db::rows::{MailingRow, NewMailing};
use crate::db::{DbConnection, DbError, write_transaction};
use crate::sending::start::stop;
use crate::webhooks::outbox;
use mailroom_domain::webhook::EventType;
use mailroom_domain::wire::MailingDisabledData;

#[derive(Debug, thiserror::Error)]
pub enum MailingError {
    #[error("no mailing {0}")]
    NotFound(i64),
    #[error("{} invalid field(s)", .0.len())]
    Invalid(Vec<FieldError>),
    #[error(transparent)]
    Refused(#[from] EditRefusal),
    #[error(
        "the mailing's audience is {0}, not chosen clients: change its audience to add or remove clients"
    )]
    NotChosen(mailroom_domain::audience::AudienceKind),
    #[error("mailing {0} is disabled by a manager: a copy of it would send what they stopped")]
    Disabled(i64),
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
        // The owner first, then the insert (which counts in `owner_totals`), as `lock` does.
        tags::lock_owner(conn, owner_id)?;
        let subject = check_ownership(conn, owner_id, &fields)?;
        let row = mailings::insert(
            conn,
            &NewMailing {
                owner_id,
                name: fields
                    .name
                    .clone()
                    .unwrap_or_else(|| default_name(&subject)),
                from_name: fields.from_name.clone(),
                audience: fields.audience.kind(),
                message_id: fields.message_id,
                starts_at: fields.starts_at,
                ends_at: fields.ends_at,
                created_at: now,
                updated_at: now,
                schedule: fields.schedule,
                next_run_at: fields.next_slot(None, false),
            },
        )?;
        save_audience(conn, row.id, owner_id, &fields.audience, None, now)?;
        Ok(row.id)
    })
}

/// Stores the audience's clients or segment, unless it is `current` already.
fn save_audience(
    conn: &mut DbConnection,
    mailing_id: i64,
    owner_id: i64,
    wanted: &Audience,
    current: Option<&Audience>,
    now: NaiveDateTime,
) -> Result<(), MailingError> {
    if current == Some(wanted) {
        return Ok(());
    }
    let (clients, segment) = match wanted {
        Audience::Clients(ids) => (ids.as_slice(), None),
        Audience::Segment(filter) => (&[][..], Some(filter)),
        Audience::All => (&[][..], None),
    };
    mailings::set_clients(conn, mailing_id, clients)?;
    audiences::set_segment(conn, mailing_id, owner_id, segment, now)?;
    Ok(())
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
        let row = lock(conn, id)?;
        let extras = view::Extras::for_status(conn, std::slice::from_ref(&row))?;
        let status = extras.status(&row, now);
        let current = MailingFields {
            name: Some(row.name.clone()),
            from_name: row.from_name.clone(),
            message_id: row.message_id,
            audience: audiences::stored(conn, &row)?,
            starts_at: row.starts_at,
            ends_at: row.ends_at,
            schedule: row.schedule,
        };
        let wanted = wanted(&current).map_err(MailingError::Invalid)?;
        wanted
            .check_end(now, Some(current.ends_at))
            .map_err(MailingError::Invalid)?;
        check_edit(status, &current, &wanted)?;
        let subject = check_ownership(conn, row.owner_id, &wanted)?;
        let name = wanted
            .name
            .clone()
            .unwrap_or_else(|| default_name(&subject));
        mailings::update(conn, id, &name, &wanted, now)?;
        if wanted.timing_differs(&current) {
            let next = wanted.next_slot(runs::last_slot(conn, id)?, extras.was_sent(id));
            mailings::set_next_run(conn, id, next)?;
        }
        save_audience(
            conn,
            id,
            row.owner_id,
            &wanted.audience,
            Some(&current.audience),
            now,
        )?;
        Ok(())
    })
}

/// Creates a copy of `original`: same owner, message, audience and schedule, named "… (copy)",
/// its times moved ahead when its start has passed. The copy's id.
pub fn duplicate(
    conn: &mut DbConnection,
    original: &MailingRow,
    now: NaiveDateTime,
) -> Result<i64, MailingError> {
    write_transaction(conn, |conn| {
        // Read again, locked: the audience copied is the one it has now.
        let original = &lock(conn, original.id)?;
        if original.disabled {
            return Err(MailingError::Disabled(original.id));
        }
        let (starts_at, ends_at) = copied_times(original.starts_at, original.ends_at, now);
        let copy = mailings::insert(
            conn,
            &NewMailing {
                owner_id: original.owner_id,
                name: copy_name(&original.name),
                from_name: original.from_name.clone(),
                audience: original.audience,
                message_id: original.message_id,
                starts_at,
                ends_at,
                created_at: now,
                updated_at: now,
                schedule: original.schedule,
                next_run_at: (starts_at < ends_at).then_some(starts_at),
            },
        )?;
        mailings::copy_clients(conn, original.id, copy.id)?;
        audiences::copy_segment(conn, original.id, copy.id)?;
        Ok(copy.id)
    })
}

/// Adds clients to (or takes them out of) a mailing of chosen clients, as its state allows.
pub fn change_clients(
    conn: &mut DbConnection,
    id: i64,
    now: NaiveDateTime,
    ids: &[i64],
    add: bool,
) -> Result<(), MailingError> {
    write_transaction(conn, |conn| {
        let row = lock(conn, id)?;
        if row.audience != mailroom_domain::audience::AudienceKind::Clients {
            return Err(MailingError::NotChosen(row.audience));
        }
        let extras = view::Extras::for_status(conn, std::slice::from_ref(&row))?;
        if extras.status(&row, now) == mailroom_domain::MailingStatus::Completed {
            return Err(EditRefusal::Completed.into());
        }
        if add {
            if let Some(error) = foreign_clients(conn, row.owner_id, ids)? {
                return Err(MailingError::Invalid(vec![error]));
            }
            mailings::add_clients(conn, id, row.owner_id, ids)?;
            let chosen = mailings::chosen_counts(conn, &[id])?
                .get(&id)
                .copied()
                .unwrap_or_default();
            if chosen > MAX_CLIENTS as i64 {
                let said = mailroom_domain::catalogue::Said::with(
                    mailroom_domain::catalogue::Msg::MailingWouldHave,
                    [MAX_CLIENTS as i64, chosen],
                );
                return Err(MailingError::Invalid(vec![FieldError::new(
                    "client_ids",
                    said,
                )]));
            }
        } else {
            mailings::remove_clients(conn, id, ids)?;
        }
        mailings::touch(conn, id, now)?;
        Ok(())
    })
}

/// The mailing, locked: its owner's tags and clients first, then its row. Every path that
/// writes both a mailing's segment and tags takes them in this order (a tag rename moves
/// segments while holding the owner's lock); the other order would deadlock on PostgreSQL.
fn lock(conn: &mut DbConnection, id: i64) -> Result<MailingRow, MailingError> {
    let owner = mailings::find(conn, id)?
        .ok_or(MailingError::NotFound(id))?
        .owner_id;
    tags::lock_owner(conn, owner)?;
    mailings::find_for_update(conn, id)?.ok_or(MailingError::NotFound(id))
}

/// Deletes the mailing with its runs, deliveries and attempts, its locks taken in the one order.
pub fn delete(conn: &mut DbConnection, id: i64) -> Result<(), MailingError> {
    write_transaction(conn, |conn| {
        lock(conn, id)?;
        mailings::delete(conn, id)?;
        Ok(())
    })
}

/// Sets the mailing's disabled flag (managers); disabling stops its mail at once.
pub fn set_disabled(
    conn: &mut DbConnection,
    mailing: &MailingRow,
    disabled: bool,
    by: audit::Actor<'_>,
    request_id: audit::RequestId<'_>,
    now: NaiveDateTime,
) -> Result<(), MailingError> {
    write_transaction(conn, |conn| {
        let changed = mailings::set_disabled(conn, mailing.id, disabled, now)?;
        if changed > 0 {
            let action = if disabled {
                AuditAction::MailingDisabled
            } else {
                AuditAction::MailingEnabled
            };
            let target = audit::Target::mailing(mailing.id, &mailing.name);
            audit::record(conn, by, action, target, "", request_id, now)?;
        }
        if disabled {
            // What is queued is cancelled, not left to a worker's check.
            let cancelled_runs = stop(conn, RunsOf::Mailing(mailing.id), now)?;
            // Told once: disabling a disabled mailing again changes nothing (read in this
            // transaction, not from the row the caller loaded: two managers may click at once).
            if changed > 0 {
                let data = MailingDisabledData {
                    mailing_id: mailing.id,
                    name: mailing.name.clone(),
                    cancelled_runs,
                };
                outbox::emit(
                    conn,
                    mailing.owner_id,
                    EventType::MailingDisabled,
                    &data,
                    now,
                )?;
            }
        }
        Ok(())
    })
}

/// The message and every chosen client must be the owner's; the answer names those that are
/// not. The message's subject when all is well.
fn check_ownership(
    conn: &mut DbConnection,
    owner_id: i64,
    fields: &MailingFields,
) -> Result<String, MailingError> {
    let mut errors = Vec::new();
    let message = messages::find(conn, fields.message_id)?.filter(|m| m.owner_id == owner_id);
    if message.is_none() {
        let said = mailroom_domain::catalogue::Said::with(
            mailroom_domain::catalogue::Msg::NotYourMessage,
            [fields.message_id],
        );
        errors.push(FieldError::new("message_id", said));
    }
    if let Audience::Clients(ids) = &fields.audience
        && let Some(error) = foreign_clients(conn, owner_id, ids)?
    {
        errors.push(error);
    }
    match message {
        Some(message) if errors.is_empty() => Ok(message.subject),
        _ => Err(MailingError::Invalid(errors)),
    }
}

/// The error naming those of `ids` that are not `owner_id`'s clients, if any.
pub fn foreign_clients(
    conn: &mut DbConnection,
    owner_id: i64,
    ids: &[i64],
) -> Result<Option<FieldError>, DbError> {
    let foreign = mailings::foreign_clients(conn, owner_id, ids)?;
    if !foreign.is_empty() {
        let shown: Vec<String> = foreign.iter().take(20).map(i64::to_string).collect();
        let said = if foreign.len() > 20 {
            mailroom_domain::catalogue::Said::with(
                mailroom_domain::catalogue::Msg::NotYourClientsAndMore,
                [shown.join(", "), (foreign.len() - 20).to_string()],
            )
        } else {
            mailroom_domain::catalogue::Said::with(
                mailroom_domain::catalogue::Msg::NotYourClients,
                [shown.join(", ")],
            )
        };
        return Ok(Some(FieldError::new("client_ids", said)));
    }
    Ok(None)
}
