//! `/api/v1/stats` and `/api/v1/mailings/{id}/stats`: the figures people look at most. They are
//! read from aggregates kept with the writes (see `db::queries::stats`).

use actix_web::http::header;
use actix_web::{HttpResponse, get, web};
use chrono::{NaiveDate, NaiveDateTime};
use mailroom_domain::MailingStatus;
use mailroom_domain::account::UserSort;
use mailroom_domain::stats::DayRange;
use mailroom_domain::wire::{
    AttemptCounts, DailyAttempts, FieldError, MailingCounts, MailingStats, MyStats, Overview, Page,
    Problem, UserStats,
};
use serde::Deserialize;
use utoipa::IntoParams;

use super::cached::respond;
use super::listing::ListRequest;
use super::me::user_json;
use super::owned::{self, Intent};
use super::users::UserListQuery;
use crate::auth::CurrentUser;
use crate::cache::{Cache, Scope};
use crate::clock::Clock;
use crate::db::queries::stats::{self, Of, Outcomes};
use crate::db::queries::{audiences, runs, users};
use crate::db::{DbConnection, DbPool, blocking};
use crate::http::api_error::ApiError;
use crate::mailings::view;

/// How long shared caches (proxies, CDNs) may keep the public overview.
const OVERVIEW_MAX_AGE: &str = "public, max-age=5";
/// Runs listed with a mailing's figures.
const LATEST_RUNS: i64 = 20;

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or_default()
}

fn attempts(outcomes: Outcomes) -> AttemptCounts {
    AttemptCounts {
        succeeded: count(outcomes.succeeded),
        failed: count(outcomes.failed),
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RangeQuery {
    /// First day of the daily series, YYYY-MM-DD (UTC; default: 29 days before `to`).
    pub from: Option<NaiveDate>,
    /// Last day of the daily series, YYYY-MM-DD (UTC; default: today). At most 366 days in all.
    pub to: Option<NaiveDate>,
}

impl RangeQuery {
    fn parse(&self, now: NaiveDateTime) -> Result<DayRange, ApiError> {
        DayRange::parse(self.from, self.to, now.date()).map_err(|e| {
            ApiError::Validation(vec![FieldError::new(
                "from",
                mailroom_domain::catalogue::Explain::said(&e),
            )])
        })
    }
}

fn daily(
    conn: &mut DbConnection,
    of: Of,
    range: DayRange,
) -> Result<Vec<mailroom_domain::wire::DailyAttempts>, ApiError> {
    let rows = stats::daily(conn, of, range.from, range.to)?;
    let counts: Vec<DailyAttempts> = rows
        .into_iter()
        .map(|(day, o)| DailyAttempts {
            day,
            succeeded: count(o.succeeded),
            failed: count(o.failed),
            bounced: count(o.bounced),
            complained: count(o.complained),
        })
        .collect();
    Ok(range.fill(&counts))
}

/// Everyone's totals, for the home page. Public; shared caches may keep it a few seconds.
#[utoipa::path(
    tag = "statistics",
    responses(
        (status = OK, body = Overview),
    )
)]
#[get("/stats/overview")]
pub async fn overview(
    pool: web::Data<DbPool>,
    cache: web::Data<Cache>,
    clock: web::Data<dyn Clock>,
) -> Result<HttpResponse, ApiError> {
    let now = clock.now();
    let place = Some((Scope::All, "overview".to_owned()));
    let mut response = respond(&cache, place, now, || async move {
        blocking(&pool, move |conn| {
            let (mailings, running, recipients) = stats::overview(conn, now)?;
            let overview = Overview {
                mailings: count(mailings),
                running_mailings: count(running),
                unique_recipients: count(recipients),
            };
            Ok::<_, ApiError>((overview, stats::next_end(conn, None, now)?))
        })
        .await
    })
    .await?;
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static(OVERVIEW_MAX_AGE),
    );
    Ok(response)
}

/// My figures: mailings by status, clients, messages sent, attempts, and attempts per day.
#[utoipa::path(
    tag = "statistics",
    security(("bearer" = [])),
    params(RangeQuery),
    responses(
        (status = OK, body = MyStats),
        (status = UNPROCESSABLE_ENTITY, description = "A reversed or too long range", body = Problem, content_type = "application/problem+json"),
        (status = BAD_REQUEST, description = "A day that is not YYYY-MM-DD", body = Problem, content_type = "application/problem+json"),
        (status = UNAUTHORIZED, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/stats/me")]
pub async fn my_stats(
    current: CurrentUser,
    query: web::Query<RangeQuery>,
    pool: web::Data<DbPool>,
    cache: web::Data<Cache>,
    clock: web::Data<dyn Clock>,
) -> Result<HttpResponse, ApiError> {
    let now = clock.now();
    let range = query.parse(now)?;
    let owner = current.id();
    let key = format!("me:{owner}:{}:{}", range.from, range.to);
    respond(
        &cache,
        Some((Scope::Owner(owner), key)),
        now,
        || async move {
            blocking(&pool, move |conn| {
                let (total, running, completed) = stats::mailing_counts(conn, owner, now)?;
                let outcomes = stats::attempts(conn, Of::Owner(owner))?;
                let stats = MyStats {
                    mailings: MailingCounts {
                        total: count(total),
                        created: count(total - running - completed),
                        running: count(running),
                        completed: count(completed),
                    },
                    clients: count(stats::client_count(conn, owner)?),
                    messages_sent: count(stats::messages_sent(conn, Of::Owner(owner))?),
                    attempts: attempts(outcomes),
                    bounced: count(outcomes.bounced),
                    complained: count(outcomes.complained),
                    from: range.from,
                    to: range.to,
                    daily: daily(conn, Of::Owner(owner), range)?,
                };
                Ok::<_, ApiError>((stats, stats::next_end(conn, Some(owner), now)?))
            })
            .await
        },
    )
    .await
}

/// One mailing's figures, with its latest runs.
#[utoipa::path(
    tag = "statistics",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The mailing's id"), RangeQuery),
    responses(
        (status = OK, body = MailingStats),
        (status = UNPROCESSABLE_ENTITY, description = "A reversed or too long range", body = Problem, content_type = "application/problem+json"),
        (status = NOT_FOUND, description = "No such mailing of yours", body = Problem, content_type = "application/problem+json"),
        (status = UNAUTHORIZED, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/mailings/{id}/stats")]
pub async fn mailing_stats(
    current: CurrentUser,
    id: web::Path<i64>,
    query: web::Query<RangeQuery>,
    pool: web::Data<DbPool>,
    cache: web::Data<Cache>,
    clock: web::Data<dyn Clock>,
) -> Result<HttpResponse, ApiError> {
    let now = clock.now();
    let range = query.parse(now)?;
    let id = id.into_inner();
    let mailing = owned::mailing(&pool, &current, id, Intent::Read).await?;
    let key = format!("mailing:{}:{}:{}", mailing.id, range.from, range.to);
    let scope = Scope::Owner(mailing.owner_id);
    respond(&cache, Some((scope, key)), now, || async move {
        blocking(&pool, move |conn| {
            let of = Of::Mailing(mailing.id);
            let (latest, run_count) = runs::list(conn, mailing.id, 0, LATEST_RUNS)?;
            let outcomes = stats::attempts(conn, of)?;
            let attempts = attempts(outcomes);
            let started = run_count > 0 || attempts.succeeded + attempts.failed > 0;
            let audience = audiences::of(conn, &mailing)?;
            let stats = MailingStats {
                mailing_id: mailing.id,
                status: MailingStatus::at(now, mailing.ends_at, started),
                clients: count(audiences::size(conn, &audience)?.0),
                messages_sent: count(stats::messages_sent(conn, of)?),
                attempts,
                bounced: count(outcomes.bounced),
                complained: count(outcomes.complained),
                from: range.from,
                to: range.to,
                daily: daily(conn, of, range)?,
                runs: latest.into_iter().map(view::run).collect(),
            };
            let completes = (mailing.ends_at > now).then_some(mailing.ends_at);
            Ok::<_, ApiError>((stats, completes))
        })
        .await
    })
    .await
}

/// Each account's figures: mailings, clients, messages sent, attempts. Managers only.
#[utoipa::path(
    tag = "statistics",
    security(("bearer" = [])),
    params(UserListQuery),
    responses(
        (status = OK, body = Page<UserStats>),
        (status = UNPROCESSABLE_ENTITY, description = "Invalid page, per_page or sort", body = Problem, content_type = "application/problem+json"),
        (status = UNAUTHORIZED, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = FORBIDDEN, description = "Not a manager", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/stats/users")]
pub async fn user_stats(
    current: CurrentUser,
    query: web::Query<UserListQuery>,
    pool: web::Data<DbPool>,
    cache: web::Data<Cache>,
    clock: web::Data<dyn Clock>,
) -> Result<HttpResponse, ApiError> {
    current.actor().may_oversee_users()?;
    let list = ListRequest::<UserSort>::parse(
        query.page,
        query.per_page,
        query.sort.as_deref(),
        query.q.as_deref(),
    )?;
    let place = list.cache_place("user-stats", None);
    let (search, sort, offset, limit) =
        (list.search.clone(), list.sort, list.offset(), list.limit());
    respond(&cache, place, clock.now(), || async move {
        let (rows, figures, total) = blocking(&pool, move |conn| {
            let (rows, total) = users::list(conn, search.as_deref(), sort, offset, limit)?;
            let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
            Ok::<_, ApiError>((rows, stats::by_owner(conn, &ids)?, total))
        })
        .await?;
        let items = rows
            .into_iter()
            .map(|row| {
                let f = figures.get(&row.id).copied().unwrap_or_default();
                let user = user_json(row)?;
                Ok(UserStats {
                    user_id: user.id,
                    email: user.email,
                    full_name: user.full_name,
                    role: user.role,
                    state: user.state,
                    mailings: count(f.mailings),
                    clients: count(f.clients),
                    messages_sent: count(f.messages_sent),
                    attempts: attempts(Outcomes {
                        succeeded: f.succeeded,
                        failed: f.failed,
                        ..Outcomes::default()
                    }),
                })
            })
            .collect::<Result<Vec<_>, ApiError>>()?;
        Ok((list.page_of(items, total), None))
    })
    .await
}
