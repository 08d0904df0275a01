//! Operator actions from the command line: creating managers and changing roles. There is no way to
//! become a manager through the API.

use chrono::NaiveDateTime;
use mailroom_domain::audit::AuditAction;
use mailroom_domain::validation::Validator;
use mailroom_domain::wire::FieldError;
use mailroom_domain::{EmailAddress, Password, Role, UserState};

use crate::audit;
use crate::cache::Cache;
use crate::db::queries::users;
use crate::db::rows::{NewUser, UserRow};
use crate::db::{DbError, DbPool, blocking};

#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error("{}", describe(.0))]
    Invalid(Vec<FieldError>),
    #[error("{0} already has an account; use `mailroom promote --email {0}` to make it a manager")]
    Exists(String),
    #[error("no account has the address {0}")]
    NoSuchUser(String),
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("{0}")]
    Hash(#[from] super::password::HashError),
}

impl From<diesel::result::Error> for AdminError {
    fn from(e: diesel::result::Error) -> Self {
        AdminError::Db(DbError::Query(e))
    }
}

fn describe(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(|e| format!("{}: {}", e.field, e.message))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Creates an active manager account (no confirmation mail: the operator vouches for the address).
pub async fn create_manager(
    pool: &DbPool,
    email: &str,
    full_name: &str,
    password: &str,
    now: NaiveDateTime,
) -> Result<UserRow, AdminError> {
    let mut v = Validator::new();
    let email = v.check("email", EmailAddress::parse(email));
    let password = v.check("password", Password::parse(password));
    let full_name = v.check("full_name", mailroom_domain::account::full_name(full_name));
    v.finish().map_err(AdminError::Invalid)?;
    let (Some(email), Some(password), Some(full_name)) = (email, password, full_name) else {
        return Err(AdminError::Invalid(Vec::new()));
    };
    let hash = super::password::hash(password).await?;
    blocking(pool, move |conn| {
        crate::db::write_transaction::<_, AdminError, _>(conn, |conn| {
            if users::find_by_email(conn, &email.normalized())?.is_some() {
                return Err(AdminError::Exists(email.to_string()));
            }
            let user = users::insert(
                conn,
                &NewUser {
                    email: email.as_ref(),
                    password_hash: &hash,
                    full_name: &full_name,
                    role: Role::Manager,
                    state: UserState::Active,
                    created_at: now,
                    updated_at: now,
                },
            )?;
            users::confirm(conn, user.id, now)?;
            let target = audit::Target::user(user.id, &user.email);
            audit::record(
                conn,
                audit::Actor::CommandLine,
                AuditAction::ManagerCreated,
                target,
                "",
                None,
                now,
            )?;
            Ok(users::find(conn, user.id)?.unwrap_or(user))
        })
    })
    .await
}

/// Gives the account with this address a role; takes effect on its next request (`cache` is told,
/// and the account is only cached where every process shares the cache).
pub async fn set_role(
    pool: &DbPool,
    cache: &Cache,
    email: &str,
    role: Role,
    now: NaiveDateTime,
) -> Result<UserRow, AdminError> {
    let normalized = email.trim().to_lowercase();
    let email = email.trim().to_owned();
    let user = blocking(pool, move |conn| {
        crate::db::write_transaction::<_, AdminError, _>(conn, |conn| {
            let user =
                users::find_by_email(conn, &normalized)?.ok_or(AdminError::NoSuchUser(email))?;
            // Audited when the role changed (as the update counted it): promoting a manager
            // does nothing.
            if users::set_role(conn, user.id, role, now)? > 0 {
                let action = match role {
                    Role::Manager => AuditAction::UserPromoted,
                    Role::User => AuditAction::UserDemoted,
                };
                let detail = format!("{} → {}", user.role, role);
                let target = audit::Target::user(user.id, &user.email);
                let by = audit::Actor::CommandLine;
                audit::record(conn, by, action, target, &detail, None, now)?;
            }
            Ok(users::find(conn, user.id)?.unwrap_or(user))
        })
    })
    .await?;
    cache.changed([user.id]).await;
    Ok(user)
}
