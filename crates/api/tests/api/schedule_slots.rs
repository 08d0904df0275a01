//! A mailing's schedule slots: each is sent once, whatever edits, manual sends and database
//! errors happen around it.

use std::time::{Duration as StdDuration, Instant};

use chrono::{Duration, NaiveDateTime};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use mailroom_api::db::Backend;
use mailroom_api::db::schema::mailings;
use serde_json::{Value, json};

use crate::fixtures::{client, mailing, read, send};
use crate::helpers::{backend, spawn_sending_app};

fn next_run(mailing: &Value) -> Option<NaiveDateTime> {
    mailing["next_run_at"]
        .as_str()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.naive_utc())
}

/// Waits until some other session of this PostgreSQL database waits for a lock: the request
/// under test has reached the row the test holds. SQLite shows no such thing; a short pause
/// stands in for it there.
fn wait_for_a_lock_wait(conn: &mut mailroom_api::db::DbConnection) {
    if backend() == Backend::Sqlite {
        std::thread::sleep(StdDuration::from_millis(500));
        return;
    }
    #[derive(QueryableByName)]
    struct Waiting {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let deadline = Instant::now() + StdDuration::from_secs(10);
    loop {
        let waiting: Waiting = diesel::sql_query(
            "SELECT count(*) AS n FROM pg_stat_activity \
             WHERE datname = current_database() AND wait_event_type = 'Lock'",
        )
        .get_result(conn)
        .expect("pg_stat_activity");
        if waiting.n > 0 {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the request never reached the lock"
        );
        std::thread::sleep(StdDuration::from_millis(10));
    }
}

#[tokio::test]
async fn an_edit_racing_the_scheduler_never_brings_back_the_slot_it_advanced() {
    let app = spawn_sending_app().await;
    let ann = app.user("ann@example.org").await;
    let bob = client(&app, &ann, "bob@example.net", "Bob").await;
    let cy = client(&app, &ann, "cy@example.net", "Cy").await;
    let first_slot = app.clock_now() + Duration::hours(1);
    let id = mailing(
        &app,
        &ann,
        &[bob],
        (first_slot, first_slot + Duration::days(5)),
        "daily",
    )
    .await;
    let path = format!("/api/v1/mailings/{id}");
    assert_eq!(next_run(&read(&app, &ann, &path).await), Some(first_slot));

    // The scheduler takes the first slot, in a transaction the test holds open while an edit of
    // the clients (not the timing) arrives.
    let second_slot = first_slot + Duration::days(1);
    let pool = app.pool.clone();
    let mut scheduler = pool.get().expect("a connection");
    let begin = match backend() {
        Backend::Sqlite => "BEGIN IMMEDIATE",
        Backend::Postgres => "BEGIN",
    };
    scheduler.batch_execute(begin).expect("begin");
    diesel::update(mailings::table.find(id))
        .set(mailings::next_run_at.eq(Some(second_slot)))
        .execute(&mut *scheduler)
        .expect("the slot advances");
    let edit = {
        let (client, url, token) = (app.client.clone(), app.url(&path), ann.access.clone());
        tokio::spawn(async move {
            client
                .patch(url)
                .bearer_auth(token)
                .json(&json!({"client_ids": [bob, cy]}))
                .send()
                .await
                .expect("sent")
        })
    };
    let mut watcher = pool.get().expect("a connection");
    let scheduler = tokio::task::spawn_blocking(move || {
        wait_for_a_lock_wait(&mut watcher);
        scheduler.batch_execute("COMMIT").expect("commit");
    });
    scheduler.await.expect("the scheduler's transaction ends");
    let edited = edit.await.expect("the edit ends");
    assert_eq!(edited.status().as_u16(), 200);

    let now = read(&app, &ann, &path).await;
    assert_eq!(now["client_count"], 2, "the edit applied");
    assert_eq!(
        next_run(&now),
        Some(second_slot),
        "the slot the scheduler took stays taken"
    );
}

#[tokio::test]
async fn sending_a_once_mailing_by_hand_uses_up_its_slot_and_a_daily_one_keeps_its_next() {
    let app = spawn_sending_app().await;
    let ann = app.user("ann@example.org").await;
    let bob = client(&app, &ann, "bob@example.net", "Bob").await;
    let cy = client(&app, &ann, "cy@example.net", "Cy").await;
    let start = app.clock_now() + Duration::hours(1);
    let once = mailing(
        &app,
        &ann,
        &[bob],
        (start, start + Duration::days(2)),
        "once",
    )
    .await;
    let daily = mailing(
        &app,
        &ann,
        &[cy],
        (start, start + Duration::days(2)),
        "daily",
    )
    .await;

    send(&app, &ann, once).await;
    send(&app, &ann, daily).await;
    app.drain().await;

    let once_now = read(&app, &ann, &format!("/api/v1/mailings/{once}")).await;
    assert_eq!(next_run(&once_now), None, "once means once");
    // Nor does a later edit of its timing bring the slot back.
    let later_end = (start + Duration::days(3)).and_utc().to_rfc3339();
    let edited = app
        .client
        .patch(app.url(&format!("/api/v1/mailings/{once}")))
        .bearer_auth(&ann.access)
        .json(&json!({"ends_at": later_end}))
        .send()
        .await
        .expect("sent");
    assert_eq!(edited.status().as_u16(), 200);
    let edited: Value = edited.json().await.expect("JSON");
    assert_eq!(next_run(&edited), None, "still sent once: {edited}");
    let daily_now = read(&app, &ann, &format!("/api/v1/mailings/{daily}")).await;
    assert_eq!(next_run(&daily_now), Some(start), "the schedule goes on");

    app.clock.advance(Duration::hours(1));
    let tick = app.tick().await;
    assert_eq!(
        tick.started.len(),
        1,
        "only the daily mailing's slot: {tick:?}"
    );
    app.drain().await;
    assert_eq!(app.mail().wait_for("cy@example.net", 2).await.len(), 2);
    let runs: Value = read(&app, &ann, &format!("/api/v1/mailings/{once}/runs")).await;
    assert_eq!(
        runs["total"], 1,
        "the one-time mailing was sent once: {runs}"
    );
    assert_eq!(app.mail().wait_for("bob@example.net", 1).await.len(), 1);
}

#[tokio::test]
async fn a_database_error_while_starting_a_scheduled_send_leaves_the_slot_for_the_next_tick() {
    let app = spawn_sending_app().await;
    let ann = app.user("ann@example.org").await;
    let bob = client(&app, &ann, "bob@example.net", "Bob").await;
    let start = app.clock_now() + Duration::minutes(1);
    let id = mailing(
        &app,
        &ann,
        &[bob],
        (start, start + Duration::days(1)),
        "once",
    )
    .await;
    app.clock.advance(Duration::minutes(1));

    // The owner's account cannot be read for a moment: the check before sending fails.
    let mut conn = app.pool.get().expect("a connection");
    conn.batch_execute("ALTER TABLE users RENAME TO users_away")
        .expect("rename");
    let failed = app.tick().await;
    conn.batch_execute("ALTER TABLE users_away RENAME TO users")
        .expect("rename back");
    assert!(failed.started.is_empty(), "nothing could start: {failed:?}");
    let mailing = read(&app, &ann, &format!("/api/v1/mailings/{id}")).await;
    assert_eq!(next_run(&mailing), Some(start), "the slot is still there");

    let retried = app.tick().await;
    assert_eq!(
        retried.started.len(),
        1,
        "the next tick sends it: {retried:?}"
    );
    app.drain().await;
    assert_eq!(app.mail().wait_for("bob@example.net", 1).await.len(), 1);
}
