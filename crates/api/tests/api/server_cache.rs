//! The server cache (Redis on PostgreSQL runs, memory on SQLite runs): every write shows at once
//! in the cached answers, one user's answers are never another's, and without Redis the answers
//! come from the database.

use chrono::Duration;
use diesel::sql_types::{BigInt, Text};
use diesel::{QueryableByName, RunQueryDsl};
use mailroom_api::sending::unsubscribe::UnsubscribeKeys;
use serde_json::{Value, json};

use crate::accounts::Session;
use crate::fixtures::{client, mailing, open_mailing, read, send};
use crate::helpers::{TestApp, spawn_app, spawn_app_with, spawn_sending_app};
use crate::redis_proxy::RedisProxy;

async fn total(app: &TestApp, who: &Session, path: &str) -> u64 {
    let page = read(app, who, path).await;
    page["total"]
        .as_u64()
        .unwrap_or_else(|| panic!("a page: {page}"))
}

/// A write as `who` that must succeed; `body` is sent as JSON when there is one.
async fn write(app: &TestApp, who: &Session, method: reqwest::Method, path: &str, body: Value) {
    let mut request = app
        .client
        .request(method, app.url(path))
        .bearer_auth(&who.access);
    if !body.is_null() {
        request = request.json(&body);
    }
    let response = request.send().await.expect("sent");
    assert!(
        response.status().is_success(),
        "{path}: {}",
        response.status()
    );
}

#[tokio::test]
async fn every_write_through_the_api_shows_at_once_in_cached_lists_and_figures() {
    let app = spawn_app().await;
    let ann = app.user("ann@example.org").await;
    assert_eq!(total(&app, &ann, "/api/v1/clients").await, 0);
    assert_eq!(read(&app, &ann, "/api/v1/stats/me").await["clients"], 0);

    let bob = client(&app, &ann, "bob@example.net", "Bob").await;
    assert_eq!(total(&app, &ann, "/api/v1/clients").await, 1);
    assert_eq!(read(&app, &ann, "/api/v1/stats/me").await["clients"], 1);

    let path = format!("/api/v1/clients/{bob}");
    write(
        &app,
        &ann,
        reqwest::Method::PATCH,
        &path,
        json!({"full_name": "Robert"}),
    )
    .await;
    let page = read(&app, &ann, "/api/v1/clients").await;
    assert_eq!(page["items"][0]["full_name"], "Robert");

    let imported = app
        .client
        .post(app.url("/api/v1/clients/import"))
        .bearer_auth(&ann.access)
        .header("content-type", "text/csv")
        .body("email,full_name\ncy@example.net,Cy\ndee@example.net,Dee\n")
        .send()
        .await
        .expect("sent");
    assert_eq!(imported.status().as_u16(), 200);
    assert_eq!(total(&app, &ann, "/api/v1/clients").await, 3);

    assert_eq!(total(&app, &ann, "/api/v1/messages").await, 0);
    assert_eq!(total(&app, &ann, "/api/v1/mailings").await, 0);
    open_mailing(&app, &ann, &[bob]).await;
    assert_eq!(total(&app, &ann, "/api/v1/messages").await, 1);
    assert_eq!(total(&app, &ann, "/api/v1/mailings").await, 1);
    let overview: Value = app
        .get("/api/v1/stats/overview")
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(overview["unique_recipients"], 1);

    write(&app, &ann, reqwest::Method::DELETE, &path, Value::Null).await;
    assert_eq!(total(&app, &ann, "/api/v1/clients").await, 2);
    let overview: Value = app
        .get("/api/v1/stats/overview")
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(
        overview["unique_recipients"], 0,
        "Bob left the mailing with his deletion"
    );
}

#[tokio::test]
async fn sending_and_the_scheduler_show_at_once_in_cached_answers() {
    let app = spawn_sending_app().await;
    let now = app.clock_now();
    let ann = app.user("ann@example.org").await;
    let bob = client(&app, &ann, "bob@example.net", "Bob").await;
    let cy = client(&app, &ann, "cy@example.net", "Cy").await;
    let id = mailing(
        &app,
        &ann,
        &[bob, cy],
        (now + Duration::hours(1), now + Duration::days(1)),
        "once",
    )
    .await;
    let list = read(&app, &ann, "/api/v1/mailings").await;
    assert_eq!(list["items"][0]["status"], "created");
    assert_eq!(
        read(&app, &ann, "/api/v1/stats/me").await["mailings"]["created"],
        1
    );

    app.clock.advance(Duration::hours(2));
    let tick = app.tick().await;
    assert_eq!(tick.started.len(), 1);
    let list = read(&app, &ann, "/api/v1/mailings").await;
    assert_eq!(
        list["items"][0]["status"], "running",
        "the tick's run shows: {list}"
    );
    let attempts_path = format!("/api/v1/mailings/{id}/attempts");
    assert_eq!(total(&app, &ann, &attempts_path).await, 0);

    app.drain().await;
    let list = read(&app, &ann, "/api/v1/mailings").await;
    assert_eq!(list["items"][0]["success_count"], 2);
    assert_eq!(total(&app, &ann, &attempts_path).await, 2);
    let mine = read(&app, &ann, "/api/v1/stats/me").await;
    assert_eq!(mine["messages_sent"], 2);
    assert_eq!(mine["attempts"]["succeeded"], 2);
    let stats = read(&app, &ann, &format!("/api/v1/mailings/{id}/stats")).await;
    assert_eq!(stats["runs"][0]["sent"], 2);
}

#[tokio::test]
async fn manager_actions_and_unsubscribe_links_show_at_once_in_the_owners_answers() {
    let app = spawn_app().await;
    let ann = app.user("ann@example.org").await;
    let mia = app.manager("mia@example.org").await;
    let bob = client(&app, &ann, "bob@example.net", "Bob").await;
    let id = open_mailing(&app, &ann, &[bob]).await;
    assert_eq!(
        read(&app, &ann, "/api/v1/mailings").await["items"][0]["disabled"],
        false
    );
    let users = read(&app, &mia, "/api/v1/stats/users?q=ann").await;
    assert_eq!(users["items"][0]["state"], "active");

    let disable = format!("/api/v1/mailings/{id}/disable");
    write(&app, &mia, reqwest::Method::POST, &disable, json!({})).await;
    assert_eq!(
        read(&app, &ann, "/api/v1/mailings").await["items"][0]["disabled"],
        true
    );

    let clients = read(&app, &ann, "/api/v1/clients").await;
    assert_eq!(clients["items"][0]["unsubscribed_at"], Value::Null);
    let token = UnsubscribeKeys::new(&app.settings.jwt_secret).token(bob);
    let unsubscribed = app
        .client
        .post(app.url(&format!("/u/{token}")))
        .send()
        .await
        .expect("sent");
    assert_eq!(unsubscribed.status().as_u16(), 200);
    let clients = read(&app, &ann, "/api/v1/clients").await;
    assert!(
        clients["items"][0]["unsubscribed_at"].is_string(),
        "{clients}"
    );

    let block = format!("/api/v1/users/{}/block", ann.id);
    write(&app, &mia, reqwest::Method::POST, &block, json!({})).await;
    let users = read(&app, &mia, "/api/v1/stats/users?q=ann").await;
    assert_eq!(users["items"][0]["state"], "blocked");
}

#[tokio::test]
async fn one_users_cached_answer_is_never_served_to_another() {
    let app = spawn_app().await;
    let ann = app.user("ann@example.org").await;
    let ben = app.user("ben@example.org").await;
    let mia = app.manager("mia@example.org").await;
    client(&app, &ann, "bob@example.net", "Bob").await;
    client(&app, &ben, "cy@example.net", "Cy").await;
    for _ in 0..2 {
        let anns = read(&app, &ann, "/api/v1/clients").await;
        assert_eq!(anns["total"], 1);
        assert_eq!(anns["items"][0]["email"], "bob@example.net");
        let bens = read(&app, &ben, "/api/v1/clients").await;
        assert_eq!(bens["total"], 1);
        assert_eq!(bens["items"][0]["email"], "cy@example.net");
        assert_eq!(total(&app, &mia, "/api/v1/clients").await, 2);
        assert_eq!(read(&app, &ben, "/api/v1/stats/me").await["clients"], 1);
    }
}

async fn counter(app: &TestApp, name: &str, labels: &str) -> u64 {
    let text = app.get("/metrics").await.text().await.expect("text");
    text.lines()
        .filter(|l| l.starts_with(name) && l.contains(labels))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<u64>().ok())
        .sum()
}

#[tokio::test]
async fn without_redis_answers_come_from_the_database_and_the_cache_returns_with_redis() {
    let proxy = RedisProxy::start().await;
    let url = proxy.url();
    let app = spawn_app_with(|c| c.redis_url = Some(url)).await;
    let ann = app.user("ann@example.org").await;
    client(&app, &ann, "bob@example.net", "Bob").await;
    assert_eq!(total(&app, &ann, "/api/v1/clients").await, 1);
    let hits = counter(&app, "mailroom_cache_lookups_total", "result=\"hit\"").await;
    assert_eq!(total(&app, &ann, "/api/v1/clients").await, 1);
    assert!(counter(&app, "mailroom_cache_lookups_total", "result=\"hit\"").await > hits);

    proxy.stop();
    // A write while Redis is away, and reads: all answered, all current.
    client(&app, &ann, "cy@example.net", "Cy").await;
    assert_eq!(total(&app, &ann, "/api/v1/clients").await, 2);
    assert_eq!(read(&app, &ann, "/api/v1/stats/me").await["clients"], 2);
    assert!(counter(&app, "mailroom_cache_errors_total", "").await > 0);
    assert!(counter(&app, "mailroom_cache_lookups_total", "result=\"bypassed\"").await > 0);

    proxy.restart();
    // The cache rests a second after each failure; the first try on the broken connection fails
    // and reconnects. Within a few seconds answers come from the cache again, still current.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let hits = counter(&app, "mailroom_cache_lookups_total", "result=\"hit\"").await;
        assert_eq!(total(&app, &ann, "/api/v1/clients").await, 2);
        assert_eq!(read(&app, &ann, "/api/v1/stats/me").await["clients"], 2);
        if counter(&app, "mailroom_cache_lookups_total", "result=\"hit\"").await > hits {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the cache is used again once Redis is back"
        );
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
}

#[tokio::test]
async fn a_redis_that_hangs_costs_a_request_at_most_its_timeout_and_the_answer_is_still_right() {
    let proxy = RedisProxy::start().await;
    let url = proxy.url();
    let app = spawn_app_with(|c| c.redis_url = Some(url)).await;
    let ann = app.user("ann@example.org").await;
    client(&app, &ann, "bob@example.net", "Bob").await;
    assert_eq!(total(&app, &ann, "/api/v1/clients").await, 1);

    proxy.stall();
    client(&app, &ann, "cy@example.net", "Cy").await;
    // Past the second the cache rests after the broken connection: Redis is tried again, on a
    // connection that is accepted and never answered.
    tokio::time::sleep(std::time::Duration::from_millis(1_200)).await;
    let timeouts = counter(&app, "mailroom_cache_errors_total", "").await;
    for _ in 0..5 {
        let started = std::time::Instant::now();
        assert_eq!(total(&app, &ann, "/api/v1/clients").await, 2);
        // CACHE_TIMEOUT_MS is 100 in the tests; a second of margin for a busy machine.
        assert!(
            started.elapsed() < std::time::Duration::from_millis(1_100),
            "a hung Redis held a request {:?}",
            started.elapsed()
        );
    }
    assert!(counter(&app, "mailroom_cache_errors_total", "").await > timeouts);
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct ByStatus {
    #[diesel(sql_type = Text)]
    status: String,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn count(app: &TestApp, sql: &str) -> i64 {
    let mut conn = app.pool.get().expect("connection");
    diesel::sql_query(sql)
        .get_result::<Count>(&mut *conn)
        .expect("count")
        .n
}

#[tokio::test]
async fn figures_match_a_direct_count_after_a_mixed_workload() {
    let app = spawn_sending_app().await;
    let ann = app.user("ann@example.org").await;
    let ben = app.user("ben@example.org").await;
    let mut anns = Vec::new();
    for email in [
        "bob@example.net",
        "reject-cy@example.net",
        "tempfail-1-dee@example.net",
        "Eve@example.net",
        "fay@example.net",
    ] {
        anns.push(client(&app, &ann, email, "Someone").await);
    }
    let eve_too = client(&app, &ben, "eve@EXAMPLE.net", "Eve").await;
    let gus = client(&app, &ben, "gus@example.net", "Gus").await;
    let first = open_mailing(&app, &ann, &anns[..4]).await;
    let second = open_mailing(&app, &ann, &anns[3..]).await;
    let bens = open_mailing(&app, &ben, &[eve_too, gus]).await;
    for (who, id) in [(&ann, first), (&ann, second), (&ben, bens)] {
        send(&app, who, id).await;
    }
    app.drain().await;
    app.clock.advance(Duration::hours(2));
    app.drain().await;
    // Changes after sending: an address changes, a client and a mailing go.
    let fay = format!("/api/v1/clients/{}", anns[4]);
    write(
        &app,
        &ann,
        reqwest::Method::PATCH,
        &fay,
        json!({"email": "bob@example.net.uk"}),
    )
    .await;
    write(
        &app,
        &ben,
        reqwest::Method::DELETE,
        &format!("/api/v1/clients/{gus}"),
        Value::Null,
    )
    .await;
    write(
        &app,
        &ann,
        reqwest::Method::DELETE,
        &format!("/api/v1/mailings/{second}"),
        Value::Null,
    )
    .await;

    let overview: Value = app
        .get("/api/v1/stats/overview")
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(
        overview["mailings"],
        count(&app, "SELECT count(*) AS n FROM mailings")
    );
    assert_eq!(
        overview["unique_recipients"],
        count(
            &app,
            "SELECT count(DISTINCT lower(c.email)) AS n FROM clients c \
             WHERE EXISTS (SELECT 1 FROM mailing_clients mc WHERE mc.client_id = c.id)"
        )
    );
    assert_eq!(
        overview["unique_recipients"], 4,
        "bob, cy, dee, eve: {overview}"
    );
    for who in [&ann, &ben] {
        let mine = read(&app, who, "/api/v1/stats/me").await;
        let owner = who.id;
        let mut conn = app.pool.get().expect("connection");
        let rows: Vec<ByStatus> = diesel::sql_query(format!(
            "SELECT a.status, count(*) AS n FROM attempts a JOIN mailings m ON m.id = a.mailing_id \
             WHERE m.owner_id = {owner} GROUP BY a.status"
        ))
        .load(&mut *conn)
        .expect("attempts");
        drop(conn);
        let of = |status: &str| rows.iter().find(|r| r.status == status).map_or(0, |r| r.n);
        assert_eq!(mine["attempts"]["succeeded"], of("success"), "{mine}");
        assert_eq!(mine["attempts"]["failed"], of("failure"), "{mine}");
        let sent = count(
            &app,
            &format!(
                "SELECT count(*) AS n FROM deliveries d JOIN runs r ON r.id = d.run_id \
                 JOIN mailings m ON m.id = r.mailing_id \
                 WHERE m.owner_id = {owner} AND d.state = 'sent'"
            ),
        );
        assert_eq!(mine["messages_sent"], sent);
        let clients = count(
            &app,
            &format!("SELECT count(*) AS n FROM clients WHERE owner_id = {owner}"),
        );
        assert_eq!(mine["clients"], clients);
    }
    let anns_figures = read(&app, &ann, "/api/v1/stats/me").await;
    // The first mailing: bob and eve sent, cy rejected, dee after one temporary failure.
    assert_eq!(
        anns_figures["attempts"],
        json!({"succeeded": 3, "failed": 2})
    );
}
