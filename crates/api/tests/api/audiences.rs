//! Audiences: every client, a segment by tags, chosen clients; who each run reaches, and the
//! endpoints that size an audience and page through a mailing's clients.

use chrono::Duration;
use diesel::prelude::*;
use reqwest::Method;
use serde_json::{Value, json};

use crate::accounts::Session;
use crate::fixtures::{at, audience_ids, read, send};
use crate::helpers::{TestApp, problem, spawn_app, spawn_sending_app};

async fn tagged(app: &TestApp, who: &Session, email: &str, tags: &[&str]) -> i64 {
    let response = app
        .post_as(
            "/api/v1/clients",
            &who.access,
            &json!({"email": email, "full_name": email, "tags": tags}),
        )
        .await;
    assert_eq!(response.status().as_u16(), 201, "client {email}");
    let client: Value = response.json().await.expect("JSON");
    client["id"].as_i64().expect("id")
}

async fn message(app: &TestApp, who: &Session) -> Value {
    let response = app
        .post_as(
            "/api/v1/messages",
            &who.access,
            &json!({"subject": "News for {{full_name}}", "body": "Hello {{full_name}}"}),
        )
        .await;
    assert_eq!(response.status().as_u16(), 201);
    response.json::<Value>().await.expect("JSON")["id"].clone()
}

/// A mailing of `who`'s, open from an hour ago for a day, with these extra fields.
async fn create(app: &TestApp, who: &Session, fields: Value) -> reqwest::Response {
    let now = app.clock_now();
    let mut body = json!({
        "message_id": message(app, who).await,
        "starts_at": at(now - Duration::hours(1)),
        "ends_at": at(now + Duration::days(1)),
    });
    for (key, value) in fields.as_object().expect("fields") {
        body[key] = value.clone();
    }
    app.post_as("/api/v1/mailings", &who.access, &body).await
}

async fn created(app: &TestApp, who: &Session, fields: Value) -> Value {
    let response = create(app, who, fields).await;
    assert_eq!(response.status().as_u16(), 201, "mailing created");
    response.json().await.expect("JSON")
}

/// The addresses a run of the mailing mailed, sorted.
async fn mailed(app: &TestApp) -> Vec<String> {
    let mut to: Vec<String> = app.mail_so_far().await.into_iter().map(|m| m.to).collect();
    to.sort();
    to
}

fn unsubscribe(app: &TestApp, client: i64) {
    use mailroom_api::db::schema::clients;
    let mut conn = app.pool.get().expect("connection");
    diesel::update(clients::table.find(client))
        .set(clients::unsubscribed_at.eq(Some(app.clock_now())))
        .execute(&mut *conn)
        .expect("unsubscribed");
}

#[tokio::test]
async fn a_segment_mailing_reaches_exactly_the_tagged_subscribed_clients_and_later_tagged_ones_next_time()
 {
    let app = spawn_sending_app().await;
    let ann = app.user("ann@example.org").await;
    let eve = app.user("eve@example.org").await;
    tagged(&app, &ann, "a@example.net", &["customer", "fair"]).await;
    tagged(&app, &ann, "b@example.net", &["Customer"]).await;
    let gone = tagged(&app, &ann, "c@example.net", &["customer"]).await;
    tagged(&app, &ann, "d@example.net", &["customer", "churned"]).await;
    let later = tagged(&app, &ann, "e@example.net", &[]).await;
    tagged(&app, &eve, "x@example.net", &["customer"]).await;
    unsubscribe(&app, gone);

    let mailing = created(
        &app,
        &ann,
        json!({"name": "Customers", "audience": {"kind": "segment", "tags_all": ["customer"], "exclude_tags": ["churned"]}}),
    )
    .await;
    assert_eq!(
        mailing["audience"],
        json!({"kind": "segment", "tags_any": [], "tags_all": ["customer"], "exclude_tags": ["churned"]})
    );
    assert_eq!(mailing["client_count"], 3, "a, b and the unsubscribed c");
    let run = send(&app, &ann, mailing["id"].as_i64().expect("id")).await;
    assert_eq!(
        (run["total"].as_u64(), run["skipped"].as_u64()),
        (Some(2), Some(1))
    );
    app.drain().await;
    assert_eq!(mailed(&app).await, ["a@example.net", "b@example.net"]);

    // Tagged after the mailing was made: in its next run.
    let tag = app
        .send_as(
            Method::PATCH,
            &format!("/api/v1/clients/{later}"),
            &ann.access,
            Some(&json!({"tags": ["customer"]})),
        )
        .await;
    assert_eq!(tag.status().as_u16(), 200);
    let again = send(&app, &ann, mailing["id"].as_i64().expect("id")).await;
    assert_eq!(again["total"], 3);
    app.drain().await;
    let to = mailed(&app).await;
    assert_eq!(
        to.iter().filter(|t| *t == "e@example.net").count(),
        1,
        "{to:?}"
    );
    assert!(
        !to.contains(&"x@example.net".to_owned()),
        "not eve's client"
    );
}

#[tokio::test]
async fn an_audience_of_all_reaches_every_client_of_its_owner_and_no_one_else() {
    let app = spawn_sending_app().await;
    let ann = app.user("ann@example.org").await;
    let eve = app.user("eve@example.org").await;
    for email in ["a@example.net", "b@example.net"] {
        tagged(&app, &ann, email, &[]).await;
    }
    tagged(&app, &eve, "x@example.net", &[]).await;
    let mailing = created(&app, &ann, json!({"audience": {"kind": "all"}})).await;
    assert_eq!(mailing["client_count"], 2);
    send(&app, &ann, mailing["id"].as_i64().expect("id")).await;
    app.drain().await;
    assert_eq!(mailed(&app).await, ["a@example.net", "b@example.net"]);
    let members = read(
        &app,
        &ann,
        &format!("/api/v1/mailings/{}/clients", mailing["id"]),
    )
    .await;
    assert_eq!(members["total"], 2, "the audience is readable page by page");
}

async fn unique_recipients(app: &TestApp) -> Value {
    let overview: Value = app
        .get("/api/v1/stats/overview")
        .await
        .json()
        .await
        .expect("JSON");
    overview["unique_recipients"].clone()
}

#[tokio::test]
async fn the_home_pages_recipients_count_every_audience_once_per_address_as_it_is_now() {
    let app = spawn_app().await;
    let ann = app.user("ann@example.org").await;
    let eve = app.user("eve@example.org").await;
    let ben = app.user("ben@example.org").await;
    let chosen = tagged(&app, &ann, "a@example.net", &["customer"]).await;
    tagged(&app, &ann, "B@example.net", &["customer", "vip"]).await;
    tagged(&app, &ann, "c@example.net", &[]).await;
    tagged(&app, &eve, "b@example.net", &[]).await;
    tagged(&app, &eve, "d@example.net", &[]).await;
    tagged(&app, &ben, "e@example.net", &["customer"]).await;
    created(&app, &ann, json!({"client_ids": [chosen]})).await;
    assert_eq!(unique_recipients(&app).await, 1, "a chosen client");

    created(
        &app,
        &ann,
        json!({"audience": {"kind": "segment", "tags_any": ["customer"], "exclude_tags": ["vip"]}}),
    )
    .await;
    assert_eq!(
        unique_recipients(&app).await,
        1,
        "a is both chosen and in the segment"
    );
    let b = read(&app, &ann, "/api/v1/clients?q=B%40example").await["items"][0]["id"].clone();
    let untag = app
        .send_as(
            Method::PATCH,
            &format!("/api/v1/clients/{b}"),
            &ann.access,
            Some(&json!({"tags": ["customer"]})),
        )
        .await;
    assert_eq!(untag.status().as_u16(), 200);
    assert_eq!(
        unique_recipients(&app).await,
        2,
        "b joined the segment when vip came off"
    );

    created(&app, &eve, json!({"audience": {"kind": "all"}})).await;
    assert_eq!(
        unique_recipients(&app).await,
        3,
        "eve's b is ann's B in another case; d is new; ben's e is in no audience"
    );
    tagged(&app, &eve, "f@example.net", &[]).await;
    assert_eq!(
        unique_recipients(&app).await,
        4,
        "a client added joins all clients at once"
    );
}

#[tokio::test]
async fn a_mailing_read_stays_small_whatever_its_audience() {
    let app = spawn_app().await;
    let ann = app.user("ann@example.org").await;
    let csv: String = std::iter::once("email\n".to_owned())
        .chain((0..150).map(|i| format!("c{i}@example.net\n")))
        .collect();
    crate::fixtures::import_csv(&app, &ann, csv).await;
    let all = read(&app, &ann, "/api/v1/clients?per_page=200").await;
    let ids: Vec<i64> = all["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|c| c["id"].as_i64().expect("id"))
        .collect();
    let one = created(&app, &ann, json!({"client_ids": &ids[..1]})).await;
    let many = created(&app, &ann, json!({"client_ids": ids})).await;
    assert_eq!(many["client_count"], 150);
    let size = |m: &Value| serde_json::to_string(m).expect("JSON").len();
    assert!(
        size(&many) <= size(&one) + 8,
        "150 clients answer no bigger than one ({} vs {} bytes)",
        size(&many),
        size(&one)
    );
    assert_eq!(audience_ids(&app, &ann, &many["id"]).await.len(), 150);
}

#[tokio::test]
async fn a_bad_audience_is_refused_by_name_and_nothing_is_created() {
    let app = spawn_app().await;
    let ann = app.user("ann@example.org").await;
    let eve = app.user("eve@example.org").await;
    let eves = tagged(&app, &eve, "x@example.net", &[]).await;
    let cases = [
        (json!({}), "audience"),
        (json!({"audience": {"kind": "segment"}}), "audience"),
        (
            json!({"audience": {"kind": "segment", "tags_any": ["a,b"]}}),
            "audience.tags_any",
        ),
        (
            json!({"audience": {"kind": "all"}, "client_ids": [1]}),
            "client_ids",
        ),
        (json!({"audience": {"kind": "everyone"}}), ""),
        (json!({"client_ids": [eves]}), "client_ids"),
        (json!({"audience": {"kind": "all"}, "name": " "}), "name"),
    ];
    for (fields, field) in cases {
        let refused = problem(create(&app, &ann, fields.clone()).await, 422).await;
        if !field.is_empty() {
            assert_eq!(refused["errors"][0]["field"], field, "{fields}: {refused}");
        }
    }
    let listed = read(&app, &ann, "/api/v1/mailings").await;
    assert_eq!(listed["total"], 0);
}

#[tokio::test]
async fn an_audience_preview_counts_the_clients_and_shows_the_first_by_address() {
    let app = spawn_app().await;
    let ann = app.user("ann@example.org").await;
    let eve = app.user("eve@example.org").await;
    tagged(&app, &ann, "b@example.net", &["vip"]).await;
    let a = tagged(&app, &ann, "a@example.net", &["vip"]).await;
    tagged(&app, &ann, "c@example.net", &[]).await;
    let eves = tagged(&app, &eve, "x@example.net", &["vip"]).await;
    unsubscribe(&app, a);

    let preview = |audience: Value| {
        let app = &app;
        let ann = &ann;
        async move {
            app.post_as(
                "/api/v1/audiences/preview",
                &ann.access,
                &json!({"audience": audience}),
            )
            .await
        }
    };
    let vip: Value = preview(json!({"kind": "segment", "tags_any": ["VIP"]}))
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(
        (vip["client_count"].as_u64(), vip["unsubscribed"].as_u64()),
        (Some(2), Some(1))
    );
    let shown: Vec<&str> = vip["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|c| c["email"].as_str())
        .collect();
    assert_eq!(shown, ["a@example.net", "b@example.net"]);
    let all: Value = preview(json!({"kind": "all"}))
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(all["client_count"], 3);

    problem(preview(json!({"kind": "segment"})).await, 422).await;
    let foreign = problem(
        preview(json!({"kind": "clients", "client_ids": [eves]})).await,
        422,
    )
    .await;
    assert_eq!(foreign["errors"][0]["field"], "client_ids");
}

#[tokio::test]
async fn a_mailings_chosen_clients_are_added_and_taken_out_only_by_its_owner() {
    let app = spawn_app().await;
    let ann = app.user("ann@example.org").await;
    let eve = app.user("eve@example.org").await;
    let boss = app.manager("boss@example.org").await;
    let a = tagged(&app, &ann, "a@example.net", &[]).await;
    let b = tagged(&app, &ann, "b@example.net", &[]).await;
    let eves = tagged(&app, &eve, "x@example.net", &[]).await;
    let mailing = created(&app, &ann, json!({"client_ids": [a]})).await;
    let path = format!("/api/v1/mailings/{}/clients", mailing["id"]);
    let change = |method: Method, who: &Session, ids: Value| {
        let (app, path, token) = (&app, path.clone(), who.access.clone());
        async move {
            app.send_as(method, &path, &token, Some(&json!({"client_ids": ids})))
                .await
        }
    };

    let added = change(Method::POST, &ann, json!([b, a])).await;
    assert_eq!(added.status().as_u16(), 200);
    assert_eq!(
        added.json::<Value>().await.expect("JSON")["client_count"],
        2
    );
    assert_eq!(audience_ids(&app, &ann, &mailing["id"]).await, [a, b]);

    let foreign = problem(change(Method::POST, &ann, json!([eves])).await, 422).await;
    assert_eq!(foreign["errors"][0]["field"], "client_ids");
    problem(change(Method::POST, &ann, json!([])).await, 422).await;
    problem(change(Method::POST, &eve, json!([eves])).await, 404).await;
    problem(change(Method::DELETE, &boss, json!([a])).await, 403).await;
    problem(app.get_as(&path, &eve.access).await, 404).await;

    let removed = change(Method::DELETE, &ann, json!([a, 999])).await;
    assert_eq!(
        removed.json::<Value>().await.expect("JSON")["client_count"],
        1
    );
    assert_eq!(audience_ids(&app, &ann, &mailing["id"]).await, [b]);

    let everyone = created(&app, &ann, json!({"audience": {"kind": "all"}})).await;
    let not_chosen = app
        .post_as(
            &format!("/api/v1/mailings/{}/clients", everyone["id"]),
            &ann.access,
            &json!({"client_ids": [a]}),
        )
        .await;
    problem(not_chosen, 409).await;
}

#[tokio::test]
async fn changing_a_mailings_audience_keeps_what_a_request_leaves_out() {
    let app = spawn_app().await;
    let ann = app.user("ann@example.org").await;
    let a = tagged(&app, &ann, "a@example.net", &["vip"]).await;
    tagged(&app, &ann, "b@example.net", &[]).await;
    let mailing = created(&app, &ann, json!({"client_ids": [a], "name": "Spring"})).await;
    let path = format!("/api/v1/mailings/{}", mailing["id"]);
    let patch = |body: Value| {
        let (app, path, token) = (&app, path.clone(), ann.access.clone());
        async move {
            let response = app.send_as(Method::PATCH, &path, &token, Some(&body)).await;
            assert_eq!(response.status().as_u16(), 200, "{body}");
            response.json::<Value>().await.expect("JSON")
        }
    };
    let renamed = patch(json!({"name": "Spring sale"})).await;
    assert_eq!(
        (renamed["name"].clone(), renamed["client_count"].clone()),
        (json!("Spring sale"), json!(1))
    );
    let everyone = patch(json!({"audience": {"kind": "all"}})).await;
    assert_eq!(everyone["client_count"], 2);
    let segment = patch(json!({"audience": {"kind": "segment", "tags_any": ["vip"]}})).await;
    assert_eq!(segment["client_count"], 1);
    let replaced = app
        .send_as(
            Method::PUT,
            &path,
            &ann.access,
            Some(&json!({
                "message_id": mailing["message_id"],
                "starts_at": mailing["starts_at"], "ends_at": mailing["ends_at"]
            })),
        )
        .await;
    let replaced: Value = replaced.json().await.expect("JSON");
    assert_eq!(
        (
            replaced["audience"]["kind"].clone(),
            replaced["name"].clone()
        ),
        (json!("segment"), json!("Spring sale")),
        "a replace naming no audience and no name keeps both"
    );
    let back = patch(json!({"client_ids": [a]})).await;
    assert_eq!(back["audience"], json!({"kind": "clients"}));
    let found = read(&app, &ann, "/api/v1/mailings?q=SALE").await;
    assert_eq!(found["total"], 1, "the name is searched");
}

#[tokio::test]
async fn a_tag_a_segment_uses_follows_a_rename_and_cannot_be_deleted() {
    let app = spawn_app().await;
    let ann = app.user("ann@example.org").await;
    tagged(&app, &ann, "a@example.net", &["vip"]).await;
    tagged(&app, &ann, "b@example.net", &["gold"]).await;
    let mailing = created(
        &app,
        &ann,
        json!({"audience": {"kind": "segment", "tags_any": ["vip", "newsletter"]}}),
    )
    .await;
    assert_eq!(mailing["client_count"], 1);
    let tags = read(&app, &ann, "/api/v1/tags").await;
    assert!(
        tags["items"]
            .as_array()
            .expect("items")
            .iter()
            .any(|t| t["name"] == "newsletter" && t["clients"] == 0),
        "a segment's tag exists before anyone carries it: {tags}"
    );

    let refused = app
        .send_as(Method::DELETE, "/api/v1/tags/vip", &ann.access, None)
        .await;
    let refused = problem(refused, 409).await;
    assert!(
        refused["detail"]
            .as_str()
            .is_some_and(|d| d.contains(&format!("mailing {}", mailing["id"]))),
        "{refused}"
    );
    // Renamed onto another tag: the segment now names that one.
    let merged = app
        .send_as(
            Method::PATCH,
            "/api/v1/tags/vip",
            &ann.access,
            Some(&json!({"name": "Gold"})),
        )
        .await;
    assert_eq!(merged.status().as_u16(), 200);
    let now = read(&app, &ann, &format!("/api/v1/mailings/{}", mailing["id"])).await;
    assert_eq!(
        now["audience"]["tags_any"],
        json!(["Gold", "newsletter"]),
        "{now}"
    );
    assert_eq!(now["client_count"], 2);
}

#[tokio::test]
async fn merging_a_tag_a_segment_includes_into_one_it_excludes_is_refused() {
    let app = spawn_app().await;
    let ann = app.user("ann@example.org").await;
    tagged(&app, &ann, "a@example.net", &["vip"]).await;
    tagged(&app, &ann, "b@example.net", &["churned"]).await;
    let mailing = created(
        &app,
        &ann,
        json!({"audience": {"kind": "segment", "tags_any": ["vip"], "exclude_tags": ["churned"]}}),
    )
    .await;
    let merge = app
        .send_as(
            Method::PATCH,
            "/api/v1/tags/vip",
            &ann.access,
            Some(&json!({"name": "churned"})),
        )
        .await;
    let refused = problem(merge, 409).await;
    assert!(
        refused["detail"]
            .as_str()
            .is_some_and(|d| d.starts_with(&format!("mailing {} names both", mailing["id"]))),
        "{refused}"
    );
    let tags = read(&app, &ann, "/api/v1/tags").await;
    assert_eq!(
        tags["items"].as_array().map(Vec::len),
        Some(2),
        "nothing merged"
    );
}
