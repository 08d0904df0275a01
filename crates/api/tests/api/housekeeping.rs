//! The housekeeping job deletes what is past its life, and nothing else: links a week after they
//! expired, refresh-token families whose every token expired, idempotency answers past their day,
//! webhook deliveries that are over and a month old, and attempts only with a retention set
//! (the statistics unchanged).

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use mailroom_api::db::rows::NewAttempt;
use mailroom_api::db::schema::{
    attempts, background_jobs, idempotency_keys, one_time_tokens, refresh_tokens,
    webhook_deliveries, webhook_delivery_tries, webhooks,
};
use serde_json::Value;

use crate::accounts::Session;
use crate::fixtures::{client, numbered_clients, open_mailing, read};
use crate::helpers::{TestApp, spawn_sending_app_with};

/// Writes the housekeeping job (each round of the runners does), then moves the clock to when it
/// is due; the caller seeds at the new time and calls `housekeep`.
async fn until_housekeeping_is_due(app: &TestApp) {
    app.run_jobs().await;
    let due: Vec<NaiveDateTime> = background_jobs::table
        .filter(background_jobs::job_type.eq("housekeeping"))
        .select(background_jobs::run_at)
        .load(&mut app.pool.get().expect("connection"))
        .expect("jobs");
    assert_eq!(due.len(), 1, "one housekeeping job waits: {due:?}");
    app.clock.set(due[0]);
}

async fn housekeep(app: &TestApp) {
    assert!(app.run_jobs().await >= 1, "housekeeping ran");
    let failed: Vec<Option<String>> = background_jobs::table
        .filter(background_jobs::job_type.eq("housekeeping"))
        .select(background_jobs::last_error)
        .load(&mut app.pool.get().expect("connection"))
        .expect("jobs");
    assert_eq!(failed, [None], "done, and the next one waits");
}

fn link(app: &TestApp, user: i64, hash: &str, expires_at: NaiveDateTime) {
    diesel::insert_into(one_time_tokens::table)
        .values((
            one_time_tokens::user_id.eq(user),
            one_time_tokens::purpose.eq("confirm_email"),
            one_time_tokens::token_hash.eq(hash),
            one_time_tokens::expires_at.eq(expires_at),
            one_time_tokens::created_at.eq(expires_at - Duration::hours(24)),
        ))
        .execute(&mut app.pool.get().expect("connection"))
        .expect("a link");
}

fn refresh(app: &TestApp, user: i64, family: &str, hash: &str, expires_at: NaiveDateTime) {
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::user_id.eq(user),
            refresh_tokens::family.eq(family),
            refresh_tokens::token_hash.eq(hash),
            refresh_tokens::expires_at.eq(expires_at),
            refresh_tokens::created_at.eq(expires_at - Duration::days(30)),
        ))
        .execute(&mut app.pool.get().expect("connection"))
        .expect("a refresh token");
}

fn idempotency_key(app: &TestApp, user: i64, key: &str, created_at: NaiveDateTime) {
    diesel::insert_into(idempotency_keys::table)
        .values((
            idempotency_keys::user_id.eq(user),
            idempotency_keys::key.eq(key),
            idempotency_keys::fingerprint.eq("POST /api/v1/clients"),
            idempotency_keys::status.eq(Some(201)),
            idempotency_keys::created_at.eq(created_at),
        ))
        .execute(&mut app.pool.get().expect("connection"))
        .expect("a key");
}

fn endpoint(app: &TestApp, owner: i64, now: NaiveDateTime) -> i64 {
    diesel::insert_into(webhooks::table)
        .values((
            webhooks::owner_id.eq(owner),
            webhooks::url.eq("https://hooks.example.net/mailroom"),
            webhooks::description.eq(""),
            webhooks::secret.eq("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
            webhooks::enabled.eq(true),
            webhooks::created_at.eq(now),
            webhooks::updated_at.eq(now),
        ))
        .returning(webhooks::id)
        .get_result(&mut app.pool.get().expect("connection"))
        .expect("an endpoint")
}

fn delivery(app: &TestApp, webhook: i64, id: &str, state: &str, created_at: NaiveDateTime) {
    let mut conn = app.pool.get().expect("connection");
    let delivery: i64 = diesel::insert_into(webhook_deliveries::table)
        .values((
            webhook_deliveries::webhook_id.eq(webhook),
            webhook_deliveries::event_type.eq("webhook.test"),
            webhook_deliveries::message_id.eq(id),
            webhook_deliveries::data.eq("{}"),
            webhook_deliveries::state.eq(state),
            webhook_deliveries::created_at.eq(created_at),
        ))
        .returning(webhook_deliveries::id)
        .get_result(&mut conn)
        .expect("a delivery");
    diesel::insert_into(webhook_delivery_tries::table)
        .values((
            webhook_delivery_tries::delivery_id.eq(delivery),
            webhook_delivery_tries::tried_at.eq(created_at),
            webhook_delivery_tries::status_code.eq(Some(200)),
            webhook_delivery_tries::duration_ms.eq(12),
        ))
        .execute(&mut conn)
        .expect("a try");
}

fn attempt(app: &TestApp, mailing: i64, email: &str, at: NaiveDateTime) {
    diesel::insert_into(attempts::table)
        .values(NewAttempt {
            mailing_id: mailing,
            client_email: email,
            attempted_at: at,
            status: "success".parse().expect("a status"),
            server_response: "250 2.0.0 Ok: queued",
            run_id: None,
        })
        .execute(&mut app.pool.get().expect("connection"))
        .expect("an attempt");
}

fn strings(app: &TestApp, sql: &str) -> Vec<String> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        value: String,
    }
    diesel::sql_query(sql)
        .load::<Row>(&mut app.pool.get().expect("connection"))
        .expect("a query")
        .into_iter()
        .map(|r| r.value)
        .collect()
}

/// Everything housekeeping looks at, seeded around `now`: what should go is named `old…`.
async fn seed(app: &TestApp, ann: &Session, now: NaiveDateTime) -> i64 {
    let user = ann.id;
    link(app, user, "old-link", now - Duration::days(8));
    link(app, user, "expired-yesterday", now - Duration::days(1));
    link(app, user, "valid-link", now + Duration::hours(20));
    refresh(app, user, "old-family", "old-a", now - Duration::days(3));
    refresh(app, user, "old-family", "old-b", now - Duration::hours(1));
    refresh(
        app,
        user,
        "live-family",
        "expired-in-live",
        now - Duration::days(3),
    );
    refresh(app, user, "live-family", "live", now + Duration::days(20));
    idempotency_key(app, user, "old-key", now - Duration::hours(25));
    idempotency_key(app, user, "fresh-key", now - Duration::hours(23));
    let hook = endpoint(app, user, now - Duration::days(60));
    delivery(
        app,
        hook,
        "old-delivered",
        "delivered",
        now - Duration::days(31),
    );
    delivery(app, hook, "old-failed", "failed", now - Duration::days(31));
    delivery(
        app,
        hook,
        "old-but-pending",
        "pending",
        now - Duration::days(31),
    );
    delivery(
        app,
        hook,
        "recent-delivered",
        "delivered",
        now - Duration::days(29),
    );
    let clients = numbered_clients(app, ann, 1).await;
    let mailing = open_mailing(app, ann, &clients).await;
    attempt(app, mailing, "a@example.net", now - Duration::days(40));
    attempt(app, mailing, "b@example.net", now - Duration::days(31));
    attempt(app, mailing, "c@example.net", now - Duration::days(2));
    mailing
}

fn left(app: &TestApp) -> Vec<String> {
    let mut left = strings(
        app,
        "SELECT token_hash AS value FROM one_time_tokens ORDER BY id",
    );
    left.extend(strings(
        app,
        "SELECT token_hash AS value FROM refresh_tokens \
         WHERE family IN ('old-family', 'live-family') ORDER BY id",
    ));
    left.extend(strings(
        app,
        "SELECT key AS value FROM idempotency_keys ORDER BY id",
    ));
    left.extend(strings(
        app,
        "SELECT message_id AS value FROM webhook_deliveries ORDER BY id",
    ));
    left
}

#[tokio::test]
async fn housekeeping_removes_what_is_past_its_life_and_nothing_else() {
    let app = spawn_sending_app_with(|c| c.cache_ttl_seconds = 0).await;
    let ann = app.user("ann@example.org").await;
    until_housekeeping_is_due(&app).await;
    let now = app.clock_now();
    let mailing = seed(&app, &ann, now).await;

    housekeep(&app).await;

    assert_eq!(
        left(&app),
        [
            "expired-yesterday",
            "valid-link",
            "expired-in-live",
            "live",
            "fresh-key",
            "old-but-pending",
            "recent-delivered",
        ]
    );
    let tries = strings(
        &app,
        "SELECT CAST(COUNT(*) AS TEXT) AS value FROM webhook_delivery_tries",
    );
    assert_eq!(tries, ["2"], "the deleted deliveries' tries went with them");
    let attempts = strings(
        &app,
        "SELECT client_email AS value FROM attempts ORDER BY id",
    );
    assert_eq!(
        attempts.len(),
        3,
        "without ATTEMPTS_RETENTION_DAYS every attempt stays"
    );
    let log: Value = read(&app, &ann, &format!("/api/v1/mailings/{mailing}/attempts")).await;
    assert_eq!(log["total"], 3, "{log}");
    // The session the test signed in with is untouched: it still renews.
    assert_eq!(app.refresh_with(&ann.refresh).await.status().as_u16(), 200);
}

#[tokio::test]
async fn with_a_retention_old_attempts_go_and_the_statistics_still_count_them() {
    let app = spawn_sending_app_with(|c| {
        c.cache_ttl_seconds = 0;
        c.attempts_retention_days = Some(30);
    })
    .await;
    let ann = app.user("ann@example.org").await;
    until_housekeeping_is_due(&app).await;
    let now = app.clock_now();
    let mailing = seed(&app, &ann, now).await;
    client(&app, &ann, "unrelated@example.net", "Unrelated").await;
    let stats_before: Value = read(&app, &ann, "/api/v1/stats/me").await;
    let mailing_before: Value =
        read(&app, &ann, &format!("/api/v1/mailings/{mailing}/stats")).await;

    housekeep(&app).await;

    let attempts = strings(
        &app,
        "SELECT client_email AS value FROM attempts ORDER BY id",
    );
    assert_eq!(attempts, ["c@example.net"], "older than 30 days: gone");
    let log: Value = read(&app, &ann, &format!("/api/v1/mailings/{mailing}/attempts")).await;
    assert_eq!(log["total"], 1, "{log}");
    assert_eq!(read(&app, &ann, "/api/v1/stats/me").await, stats_before);
    assert_eq!(
        read(&app, &ann, &format!("/api/v1/mailings/{mailing}/stats")).await,
        mailing_before
    );
    assert_eq!(
        stats_before["attempts"]["succeeded"], 3,
        "the statistics counted the three attempts: {stats_before}"
    );
}
