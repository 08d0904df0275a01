//! A run's audience queued in batches: what a crash leaves half-queued is queued on by the next
//! tick, a run is not finished before all of it is queued, and pausing or cancelling a run
//! while it is being queued holds or ends the rest.

use diesel::prelude::*;
use mailroom_api::db::queries::runs;
use mailroom_api::db::rows::NewRun;
use mailroom_api::db::schema::{clients, deliveries};
use mailroom_api::sending::queue;
use mailroom_domain::delivery::RunTrigger;
use serde_json::{Value, json};

use crate::accounts::Session;
use crate::fixtures::{numbered_clients, read};
use crate::helpers::TestApp;
use crate::helpers::spawn_sending_app;

/// Clients per batch in these tests: 25 clients make three batches.
const BATCH: i64 = 10;

/// A mailing to `audience`, starting tomorrow: no tick starts a run of it by itself.
async fn mailing_to(app: &TestApp, who: &Session, audience: Value) -> i64 {
    let now = app.clock_now();
    let message = app
        .post_as(
            "/api/v1/messages",
            &who.access,
            &json!({"subject": "News", "body": "Hello {{full_name}}"}),
        )
        .await;
    let message: Value = message.json().await.expect("JSON");
    let mailing = app
        .post_as(
            "/api/v1/mailings",
            &who.access,
            &json!({
                "message_id": message["id"],
                "audience": audience,
                "starts_at": crate::fixtures::at(now + chrono::Duration::days(1)),
                "ends_at": crate::fixtures::at(now + chrono::Duration::days(2)),
            }),
        )
        .await;
    assert_eq!(mailing.status().as_u16(), 201);
    let mailing: Value = mailing.json().await.expect("JSON");
    mailing["id"].as_i64().expect("id")
}

async fn mailing_to_everyone(app: &TestApp, who: &Session) -> i64 {
    mailing_to(app, who, json!({"kind": "all"})).await
}

/// A run of the mailing, made as the send request makes it, with nothing queued yet.
fn new_run(app: &TestApp, mailing_id: i64) -> i64 {
    let mut conn = app.pool.get().expect("connection");
    runs::create(
        &mut conn,
        &NewRun {
            mailing_id,
            trigger: RunTrigger::Manual,
            scheduled_for: None,
            created_at: app.clock_now(),
        },
    )
    .expect("run made")
    .id
}

/// Queues the whole run, `batch` clients at a time, in one call as the send request does.
fn queue_whole(app: &TestApp, run: i64, batch: i64) {
    let mut conn = app.pool.get().expect("connection");
    queue::queue(&mut conn, run, batch, app.clock_now()).expect("queued");
}

/// Makes a run of the mailing and queues only its first batch, as a process that stopped right
/// after it would leave it; the run's id.
fn half_queued_run(app: &TestApp, mailing_id: i64) -> i64 {
    let run = new_run(app, mailing_id);
    let mut conn = app.pool.get().expect("connection");
    queue::queue_batch(&mut conn, run, BATCH, app.clock_now()).expect("first batch queued");
    run
}

async fn run_of(app: &TestApp, who: &Session, mailing: i64, run: i64) -> Value {
    read(app, who, &format!("/api/v1/mailings/{mailing}/runs/{run}")).await
}

fn figures(run: &Value) -> [u64; 5] {
    ["total", "skipped", "sent", "cancelled", "pending"].map(|k| run[k].as_u64().unwrap_or(999))
}

/// How many deliveries each address of the run got.
fn deliveries_per_address(app: &TestApp, run: i64) -> Vec<(String, i64)> {
    let mut conn = app.pool.get().expect("connection");
    deliveries::table
        .filter(deliveries::run_id.eq(run))
        .group_by(deliveries::email)
        .select((deliveries::email, diesel::dsl::count_star()))
        .order(deliveries::email)
        .load(&mut *conn)
        .expect("deliveries")
}

fn held(app: &TestApp, run: i64) -> i64 {
    let mut conn = app.pool.get().expect("connection");
    deliveries::table
        .filter(deliveries::run_id.eq(run))
        .filter(deliveries::held)
        .count()
        .get_result(&mut *conn)
        .expect("counted")
}

async fn control(app: &TestApp, who: &Session, mailing: i64, run: i64, action: &str) -> Value {
    let response = app
        .post_as(
            &format!("/api/v1/mailings/{mailing}/runs/{run}/{action}"),
            &who.access,
            &json!({}),
        )
        .await;
    assert_eq!(response.status().as_u16(), 200, "{action}");
    response.json().await.expect("JSON")
}

#[tokio::test]
async fn a_run_left_half_queued_is_queued_on_by_the_next_tick_and_reaches_everyone_once() {
    let app = spawn_sending_app().await;
    let ann = app.user("ann@example.org").await;
    let ids = numbered_clients(&app, &ann, 25).await;
    {
        // One client of the last batch unsubscribed: skipped, in the batch that reaches it.
        let mut conn = app.pool.get().expect("connection");
        diesel::update(clients::table.find(ids.iter().max().copied().expect("a client")))
            .set(clients::unsubscribed_at.eq(Some(app.clock_now())))
            .execute(&mut *conn)
            .expect("unsubscribed");
    }
    let mailing = mailing_to_everyone(&app, &ann).await;
    let run = half_queued_run(&app, mailing);

    // Workers send the first batch while the rest waits; the run is not over.
    app.drain().await;
    let partway = run_of(&app, &ann, mailing, run).await;
    assert_eq!(figures(&partway), [10, 0, 10, 0, 0], "{partway}");
    assert!(partway["finished_at"].is_null(), "{partway}");

    let tick = app.tick().await;
    assert_eq!(tick.queued_on, vec![run]);
    app.drain().await;
    let done = run_of(&app, &ann, mailing, run).await;
    assert_eq!(figures(&done), [24, 1, 24, 0, 0], "{done}");
    assert!(done["finished_at"].is_string(), "{done}");
    let per_address = deliveries_per_address(&app, run);
    assert_eq!(per_address.len(), 24);
    assert!(per_address.iter().all(|(_, n)| *n == 1), "{per_address:?}");
    assert!(
        app.tick().await.queued_on.is_empty(),
        "nothing left to queue"
    );
}

#[tokio::test]
async fn a_run_paused_while_it_is_queued_holds_what_is_queued_after_until_it_is_resumed() {
    let app = spawn_sending_app().await;
    let ann = app.user("ann@example.org").await;
    numbered_clients(&app, &ann, 25).await;
    let mailing = mailing_to_everyone(&app, &ann).await;
    let run = half_queued_run(&app, mailing);

    control(&app, &ann, mailing, run, "pause").await;
    app.tick().await;
    assert_eq!(
        held(&app, run),
        25,
        "the first batch and the two queued since"
    );
    app.drain().await;
    assert_eq!(
        app.mail_so_far().await.len(),
        0,
        "nothing sent while paused"
    );

    let resumed = control(&app, &ann, mailing, run, "resume").await;
    assert_eq!(resumed["total"], 25, "{resumed}");
    assert_eq!(held(&app, run), 0);
    app.drain().await;
    let done = run_of(&app, &ann, mailing, run).await;
    assert_eq!(figures(&done), [25, 0, 25, 0, 0], "{done}");
    assert!(done["finished_at"].is_string(), "{done}");
}

#[tokio::test]
async fn a_run_cancelled_while_it_is_queued_is_over_at_once_with_no_more_queued() {
    let app = spawn_sending_app().await;
    let ann = app.user("ann@example.org").await;
    numbered_clients(&app, &ann, 25).await;
    let mailing = mailing_to_everyone(&app, &ann).await;
    let run = half_queued_run(&app, mailing);

    let cancelled = control(&app, &ann, mailing, run, "cancel").await;
    assert_eq!(figures(&cancelled), [10, 0, 0, 10, 0], "{cancelled}");
    assert!(cancelled["finished_at"].is_string(), "{cancelled}");
    assert!(app.tick().await.queued_on.is_empty());
    app.drain().await;
    assert_eq!(app.mail_so_far().await.len(), 0);
    assert_eq!(deliveries_per_address(&app, run).len(), 10);
}

#[tokio::test]
async fn a_run_whose_mailing_is_disabled_while_it_is_queued_queues_no_more_and_ends() {
    let app = spawn_sending_app().await;
    let ann = app.user("ann@example.org").await;
    let mia = app.manager("mia@example.org").await;
    numbered_clients(&app, &ann, 25).await;
    let mailing = mailing_to_everyone(&app, &ann).await;
    let run = half_queued_run(&app, mailing);

    let disabled = app
        .post_as(
            &format!("/api/v1/mailings/{mailing}/disable"),
            &mia.access,
            &json!({}),
        )
        .await;
    assert_eq!(disabled.status().as_u16(), 200);
    assert_eq!(app.tick().await.queued_on, vec![run]);
    let over = run_of(&app, &ann, mailing, run).await;
    assert_eq!(figures(&over), [10, 0, 0, 10, 0], "{over}");
    assert!(over["finished_at"].is_string(), "{over}");
    assert!(app.tick().await.queued_on.is_empty());
    app.drain().await;
    assert_eq!(app.mail_so_far().await.len(), 0);
}

#[tokio::test]
async fn a_segment_queued_in_many_batches_reaches_exactly_its_clients_once() {
    let app = spawn_sending_app().await;
    let ann = app.user("ann@example.org").await;
    let ids = numbered_clients(&app, &ann, 25).await;
    // Every other client is a customer; one of them churned.
    let customers: Vec<i64> = ids.iter().copied().step_by(2).collect();
    for (filter, tag) in [(&customers, "customer"), (&vec![customers[5]], "churned")] {
        let response = app
            .post_as(
                "/api/v1/clients/bulk",
                &ann.access,
                &json!({"filter": {"ids": filter}, "add_tags": [tag]}),
            )
            .await;
        assert_eq!(response.status().as_u16(), 200);
    }
    let mailing = mailing_to(
        &app,
        &ann,
        json!({"kind": "segment", "tags_any": ["customer"], "exclude_tags": ["churned"]}),
    )
    .await;
    let run = new_run(&app, mailing);

    queue_whole(&app, run, 3);
    let queued = run_of(&app, &ann, mailing, run).await;
    assert_eq!(figures(&queued), [12, 0, 0, 0, 12], "{queued}");
    let mut expected: Vec<String> = {
        let mut conn = app.pool.get().expect("connection");
        clients::table
            .filter(clients::id.eq_any(&customers))
            .filter(clients::id.ne(customers[5]))
            .select(clients::email)
            .load(&mut *conn)
            .expect("addresses")
    };
    expected.sort();
    let per_address = deliveries_per_address(&app, run);
    let addresses: Vec<String> = per_address.iter().map(|(a, _)| a.clone()).collect();
    assert_eq!(addresses, expected);
    assert!(per_address.iter().all(|(_, n)| *n == 1), "{per_address:?}");
    app.drain().await;
    let done = run_of(&app, &ann, mailing, run).await;
    assert!(done["finished_at"].is_string(), "{done}");
}

#[tokio::test]
async fn chosen_clients_filling_the_last_batch_exactly_are_queued_once_and_the_run_ends() {
    let app = spawn_sending_app().await;
    let ann = app.user("ann@example.org").await;
    let ids = numbered_clients(&app, &ann, 30).await;
    let chosen = &ids[5..25];
    let mailing = mailing_to(&app, &ann, json!({"kind": "clients", "client_ids": chosen})).await;
    let run = new_run(&app, mailing);

    // Two full batches, then an empty one that ends the queueing.
    queue_whole(&app, run, 10);
    let queued = run_of(&app, &ann, mailing, run).await;
    assert_eq!(figures(&queued), [20, 0, 0, 0, 20], "{queued}");
    assert_eq!(deliveries_per_address(&app, run).len(), 20);
    assert!(app.tick().await.queued_on.is_empty(), "queued whole");
    app.drain().await;
    let done = run_of(&app, &ann, mailing, run).await;
    assert_eq!(figures(&done), [20, 0, 20, 0, 0], "{done}");
    assert!(done["finished_at"].is_string(), "{done}");
}

#[tokio::test]
async fn a_run_of_nobody_queued_in_batches_is_over_as_soon_as_it_starts() {
    let app = spawn_sending_app().await;
    let ann = app.user("ann@example.org").await;
    numbered_clients(&app, &ann, 5).await;
    let mailing = mailing_to(
        &app,
        &ann,
        json!({"kind": "segment", "tags_all": ["nobody"]}),
    )
    .await;
    let run = new_run(&app, mailing);

    queue_whole(&app, run, 2);
    let done = run_of(&app, &ann, mailing, run).await;
    assert_eq!(figures(&done), [0, 0, 0, 0, 0], "{done}");
    assert!(done["started_at"].is_string(), "{done}");
    assert!(done["finished_at"].is_string(), "{done}");
}
