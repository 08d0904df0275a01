//! The audit trail: each manager action, each role change and manager made on the command line,
//! and each sign-in from a new address is an entry; managers read them (filtered, newest first),
//! nobody else can, and no one can change or delete one.

use diesel::prelude::*;
use mailroom_domain::Role;
use serde_json::{Value, json};

use crate::accounts::{PASSWORD, Session};
use crate::fixtures::{numbered_clients, open_mailing, read};
use crate::helpers::{TestApp, problem, spawn_app, spawn_app_with};

/// Posts as `who` and returns the request id the answer names.
async fn act(app: &TestApp, who: &Session, path: &str) -> String {
    let response = app.post_as(path, &who.access, &json!({})).await;
    assert_eq!(response.status().as_u16(), 200, "{path}");
    response
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .expect("a request id")
        .to_owned()
}

async fn entries(app: &TestApp, who: &Session, query: &str) -> Vec<Value> {
    let page = read(app, who, &format!("/api/v1/audit?{query}")).await;
    page["items"]
        .as_array()
        .cloned()
        .unwrap_or_else(|| panic!("{page}"))
}

fn actions(entries: &[Value]) -> Vec<&str> {
    entries
        .iter()
        .map(|e| e["action"].as_str().unwrap_or("?"))
        .collect()
}

#[tokio::test]
async fn every_manager_action_is_an_entry_naming_who_what_and_the_request() {
    let app = spawn_app().await;
    let mia = app.manager("mia@example.org").await;
    let ann = app.user("ann@example.org").await;
    let clients = numbered_clients(&app, &ann, 1).await;
    let mailing = open_mailing(&app, &ann, &clients).await;

    let blocked = act(&app, &mia, &format!("/api/v1/users/{}/block", ann.id)).await;
    // Blocking a blocked account changes nothing, and is not an entry.
    act(&app, &mia, &format!("/api/v1/users/{}/block", ann.id)).await;
    let unblocked = act(&app, &mia, &format!("/api/v1/users/{}/unblock", ann.id)).await;
    let disabled = act(&app, &mia, &format!("/api/v1/mailings/{mailing}/disable")).await;
    let enabled = act(&app, &mia, &format!("/api/v1/mailings/{mailing}/enable")).await;

    let by_mia = entries(&app, &mia, &format!("actor={}", mia.id)).await;
    assert_eq!(
        actions(&by_mia),
        [
            "mailing.enabled",
            "mailing.disabled",
            "user.unblocked",
            "user.blocked",
            "sign_in.new_address"
        ],
        "newest first"
    );
    for (entry, request) in by_mia
        .iter()
        .zip([&enabled, &disabled, &unblocked, &blocked])
    {
        assert_eq!(entry["actor_id"], mia.id);
        assert_eq!(entry["actor"], "mia@example.org");
        assert_eq!(entry["request_id"], request.as_str(), "{entry}");
        assert!(
            entry["at"].as_str().is_some_and(|t| t.ends_with('Z')),
            "{entry}"
        );
    }
    assert_eq!(by_mia[0]["target_type"], "mailing");
    assert_eq!(by_mia[0]["target_id"], mailing);
    assert_eq!(by_mia[3]["target_type"], "user");
    assert_eq!(by_mia[3]["target_id"], ann.id);
    assert_eq!(by_mia[3]["target"], "ann@example.org");

    let about_ann = entries(&app, &mia, &format!("target=user:{}", ann.id)).await;
    assert_eq!(
        actions(&about_ann),
        [
            "user.unblocked",
            "user.blocked",
            "sign_in.new_address",
            "user.demoted",
            "manager.created"
        ]
    );
    let disables = entries(&app, &mia, "action=mailing.disabled").await;
    assert_eq!(actions(&disables), ["mailing.disabled"]);
    let page = read(&app, &mia, "/api/v1/audit?per_page=2&page=2").await;
    assert_eq!(page["items"].as_array().map(Vec::len), Some(2));
    assert!(page["total"].as_u64().is_some_and(|t| t >= 9), "{page}");
}

#[tokio::test]
async fn the_command_line_is_the_actor_of_managers_it_makes_and_roles_it_changes() {
    let app = spawn_app().await;
    let mia = app.manager("mia@example.org").await;
    app.user("ann@example.org").await;
    let set_role = |role| {
        mailroom_api::auth::admin::set_role(
            &app.pool,
            &app.cache,
            "ann@example.org",
            role,
            app.clock_now(),
        )
    };
    set_role(Role::Manager).await.expect("promoted");
    set_role(Role::Manager).await.expect("already a manager");
    set_role(Role::User).await.expect("demoted");

    let cli = entries(&app, &mia, "action=user.promoted").await;
    assert_eq!(cli.len(), 1, "promoting a manager is no change: {cli:?}");
    assert_eq!(cli[0]["actor"], "command line");
    assert_eq!(cli[0]["actor_id"], Value::Null);
    assert_eq!(cli[0]["request_id"], Value::Null);
    assert_eq!(cli[0]["detail"], "user → manager");
    let demoted = entries(&app, &mia, "action=user.demoted").await;
    assert_eq!(demoted.len(), 2, "once when the test made ann, once now");
    let created = entries(&app, &mia, "action=manager.created").await;
    let made: Vec<&str> = created
        .iter()
        .map(|e| e["target"].as_str().unwrap_or("?"))
        .collect();
    assert_eq!(made, ["ann@example.org", "mia@example.org"]);
}

#[tokio::test]
async fn a_sign_in_is_an_entry_only_from_an_address_not_seen_before() {
    let app = spawn_app_with(|c| {
        c.trusted_proxies =
            mailroom_api::http::client_addr::TrustedProxies::parse("127.0.0.1").expect("valid");
    })
    .await;
    let mia = app.manager("mia@example.org").await;
    app.user("ann@example.org").await;
    // Again from the loopback address: already seen.
    app.session("ann@example.org", PASSWORD).await;
    let from_elsewhere = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("X-Forwarded-For", "203.0.113.9")
        .json(&json!({"email": "ann@example.org", "password": PASSWORD}))
        .send()
        .await
        .expect("sent");
    assert_eq!(from_elsewhere.status().as_u16(), 200);
    // A wrong password is no sign-in.
    let wrong = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("X-Forwarded-For", "198.51.100.4")
        .json(&json!({"email": "ann@example.org", "password": "not the password!"}))
        .send()
        .await
        .expect("sent");
    assert_eq!(wrong.status().as_u16(), 401);

    let sign_ins = entries(&app, &mia, "action=sign_in.new_address").await;
    let ann: Vec<&str> = sign_ins
        .iter()
        .filter(|e| e["actor"] == "ann@example.org")
        .map(|e| e["detail"].as_str().unwrap_or("?"))
        .collect();
    assert_eq!(ann, ["203.0.113.9", "127.0.0.1"]);
}

#[tokio::test]
async fn only_managers_read_the_trail_and_bad_filters_are_named() {
    let app = spawn_app().await;
    let mia = app.manager("mia@example.org").await;
    let ann = app.user("ann@example.org").await;
    problem(app.get_as("/api/v1/audit", &ann.access).await, 403).await;
    problem(app.get("/api/v1/audit").await, 401).await;

    let bad = app
        .get_as(
            "/api/v1/audit?target=client:3&action=user.deleted&per_page=500&actor=0",
            &mia.access,
        )
        .await;
    let body = problem(bad, 422).await;
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().unwrap_or("?"))
        .collect();
    for field in ["target", "action", "per_page", "actor"] {
        assert!(fields.contains(&field), "{field} in {body}");
    }
}

#[tokio::test]
async fn no_one_can_change_or_delete_an_entry_not_even_in_the_database() {
    let app = spawn_app().await;
    let mia = app.manager("mia@example.org").await;
    let first = entries(&app, &mia, "").await;
    let id = first[0]["id"].as_i64().expect("an id");
    for method in [
        reqwest::Method::DELETE,
        reqwest::Method::PUT,
        reqwest::Method::PATCH,
    ] {
        let answer = app
            .send_as(
                method.clone(),
                &format!("/api/v1/audit/{id}"),
                &mia.access,
                Some(&json!({})),
            )
            .await;
        assert!(
            matches!(answer.status().as_u16(), 404 | 405),
            "{method} is no way to change it: {}",
            answer.status()
        );
    }
    let mut conn = app.pool.get().expect("connection");
    let update =
        diesel::sql_query("UPDATE audit_log SET actor = 'someone else'").execute(&mut conn);
    let delete = diesel::sql_query("DELETE FROM audit_log").execute(&mut conn);
    let mut refusals = vec![update, delete];
    if crate::helpers::backend() == mailroom_api::db::Backend::Postgres {
        refusals.push(diesel::sql_query("TRUNCATE audit_log").execute(&mut conn));
    }
    for refused in refusals {
        let error = refused.expect_err("the database refuses").to_string();
        assert!(error.contains("cannot be changed or deleted"), "{error}");
    }
    drop(conn);
    assert_eq!(entries(&app, &mia, "").await, first);
}
