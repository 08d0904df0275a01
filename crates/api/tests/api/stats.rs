//! Statistics: the home page's overview, my figures, a mailing's, and each user's for managers.

use chrono::Duration;
use serde_json::{Value, json};

use crate::fixtures::{client, mailing, open_mailing, read, send};
use crate::helpers::{problem, spawn_app, spawn_sending_app};

#[tokio::test]
async fn the_overview_counts_mailings_running_ones_and_distinct_addresses_for_anyone() {
    let app = spawn_sending_app().await;
    let now = app.clock_now();
    let ann = app.user("ann@example.org").await;
    let ben = app.user("ben@example.org").await;
    let bob = client(&app, &ann, "bob@example.net", "Bob").await;
    let cy = client(&app, &ann, "Cy@Example.net", "Cy").await;
    // The same address in another case and of another owner is still one recipient.
    let cy_again = client(&app, &ben, "cy@example.net", "Cy").await;
    client(&app, &ben, "dan@example.net", "Dan, in no mailing").await;
    let sent = open_mailing(&app, &ann, &[bob, cy]).await;
    mailing(
        &app,
        &ben,
        &[cy_again],
        (now + Duration::days(1), now + Duration::days(2)),
        "once",
    )
    .await;
    send(&app, &ann, sent).await;

    let response = app.get("/api/v1/stats/overview").await;
    assert_eq!(response.status().as_u16(), 200);
    let cache_control = response.headers()["cache-control"].to_str().expect("text");
    assert_eq!(cache_control, "public, max-age=5");
    let overview: Value = response.json().await.expect("JSON");
    assert_eq!(
        overview,
        json!({"mailings": 2, "running_mailings": 1, "unique_recipients": 2})
    );

    // The sent mailing ends in a day: from then on it is completed, with no write in between.
    app.clock.advance(Duration::days(1) + Duration::minutes(1));
    let later: Value = app
        .get("/api/v1/stats/overview")
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(later["running_mailings"], 0, "{later}");
}

#[tokio::test]
async fn my_figures_count_my_mailings_clients_sends_and_attempts_per_day() {
    let app = spawn_sending_app().await;
    let ann = app.user("ann@example.org").await;
    let ben = app.user("ben@example.org").await;
    let bob = client(&app, &ann, "bob@example.net", "Bob").await;
    let gone = client(&app, &ann, "reject-cy@example.net", "Cy").await;
    let id = open_mailing(&app, &ann, &[bob, gone]).await;
    send(&app, &ann, id).await;
    app.drain().await;

    let mine = read(&app, &ann, "/api/v1/stats/me").await;
    assert_eq!(
        mine["mailings"],
        json!({"total": 1, "created": 0, "running": 1, "completed": 0})
    );
    assert_eq!(mine["clients"], 2);
    assert_eq!(mine["messages_sent"], 1);
    assert_eq!(mine["attempts"], json!({"succeeded": 1, "failed": 1}));
    let daily = mine["daily"].as_array().expect("series");
    assert_eq!(daily.len(), 30, "the last 30 days by default");
    let today = app.clock_now().date().to_string();
    assert_eq!(mine["to"], today);
    assert_eq!(
        daily.last(),
        Some(&json!({"day": today, "succeeded": 1, "failed": 1, "bounced": 1, "complained": 0})),
        "the refused address bounced"
    );
    assert_eq!(
        (&mine["bounced"], &mine["complained"]),
        (&json!(1), &json!(0))
    );

    let theirs = read(&app, &ben, "/api/v1/stats/me").await;
    assert_eq!(theirs["clients"], 0, "nothing of Ann's: {theirs}");
    assert_eq!(theirs["attempts"], json!({"succeeded": 0, "failed": 0}));
    assert_eq!(theirs["mailings"]["total"], 0);
    assert_eq!(theirs["bounced"], 0, "Ann's bounce is hers alone");
}

#[tokio::test]
async fn a_reversed_too_long_or_unreadable_range_is_refused() {
    let app = spawn_app().await;
    let ann = app.user("ann@example.org").await;
    let reversed = app
        .get_as(
            "/api/v1/stats/me?from=2026-03-02&to=2026-03-01",
            &ann.access,
        )
        .await;
    let body = problem(reversed, 422).await;
    assert_eq!(body["errors"][0]["field"], "from");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("after")),
        "{body}"
    );
    let long = app
        .get_as(
            "/api/v1/stats/me?from=2024-01-01&to=2026-01-01",
            &ann.access,
        )
        .await;
    let body = problem(long, 422).await;
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("366"))
    );
    let unreadable = app
        .get_as("/api/v1/stats/me?from=yesterday", &ann.access)
        .await;
    problem(unreadable, 400).await;
    let anonymous = app.get("/api/v1/stats/me").await;
    problem(anonymous, 401).await;
}

#[tokio::test]
async fn a_mailings_figures_include_its_runs_and_stay_hidden_from_other_users() {
    let app = spawn_sending_app().await;
    let ann = app.user("ann@example.org").await;
    let ben = app.user("ben@example.org").await;
    let mia = app.manager("mia@example.org").await;
    let bob = client(&app, &ann, "bob@example.net", "Bob").await;
    let gone = client(&app, &ann, "reject-cy@example.net", "Cy").await;
    let id = open_mailing(&app, &ann, &[bob, gone]).await;
    let run = send(&app, &ann, id).await;
    app.drain().await;

    let path = format!("/api/v1/mailings/{id}/stats");
    let stats = read(&app, &ann, &path).await;
    assert_eq!(stats["mailing_id"], id);
    assert_eq!(stats["status"], "running");
    assert_eq!(stats["clients"], 2);
    assert_eq!(stats["messages_sent"], 1);
    assert_eq!(stats["attempts"], json!({"succeeded": 1, "failed": 1}));
    let runs = stats["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0]["id"], run["id"]);
    assert_eq!(
        (runs[0]["sent"].as_u64(), runs[0]["failed"].as_u64()),
        (Some(1), Some(1))
    );

    let body = problem(app.get_as(&path, &ben.access).await, 404).await;
    assert!(!body.to_string().contains("bob@example.net"));
    problem(
        app.get_as("/api/v1/mailings/999999/stats", &ann.access)
            .await,
        404,
    )
    .await;
    let seen_by_manager = read(&app, &mia, &path).await;
    assert_eq!(seen_by_manager["attempts"], stats["attempts"]);
}

#[tokio::test]
async fn managers_see_each_users_figures_and_users_are_refused_them() {
    let app = spawn_sending_app().await;
    let ann = app.user("ann@example.org").await;
    let ben = app.user("ben@example.org").await;
    let mia = app.manager("mia@example.org").await;
    let bob = client(&app, &ann, "bob@example.net", "Bob").await;
    client(&app, &ann, "cy@example.net", "Cy").await;
    let id = open_mailing(&app, &ann, &[bob]).await;
    send(&app, &ann, id).await;
    app.drain().await;

    problem(app.get_as("/api/v1/stats/users", &ann.access).await, 403).await;
    let page = read(&app, &mia, "/api/v1/stats/users?sort=email").await;
    assert_eq!(page["total"], 3);
    let items = page["items"].as_array().expect("items");
    let of = |email: &str| {
        items
            .iter()
            .find(|u| u["email"] == email)
            .cloned()
            .unwrap_or_else(|| panic!("{email} listed: {page}"))
    };
    let anns = of("ann@example.org");
    assert_eq!(anns["user_id"], ann.id);
    assert_eq!(
        (&anns["mailings"], &anns["clients"], &anns["messages_sent"]),
        (&json!(1), &json!(2), &json!(1))
    );
    assert_eq!(anns["attempts"], json!({"succeeded": 1, "failed": 0}));
    assert_eq!(anns["state"], "active");
    let bens = of("ben@example.org");
    assert_eq!(bens["user_id"], ben.id);
    assert_eq!(
        (&bens["mailings"], &bens["clients"]),
        (&json!(0), &json!(0))
    );
    problem(
        app.get_as("/api/v1/stats/users?per_page=0", &mia.access)
            .await,
        422,
    )
    .await;
}
