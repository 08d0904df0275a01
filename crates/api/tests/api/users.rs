use serde_json::{Value, json};

use crate::accounts::PASSWORD;
use crate::helpers::{problem, spawn_app_with_smtp};

#[tokio::test]
async fn a_plain_user_cannot_reach_the_users_endpoints() {
    let app = spawn_app_with_smtp().await;
    let ann = app.confirmed_user("ann@example.org").await;

    for path in ["/api/v1/users", "/api/v1/users/1"] {
        let body = problem(app.get_as(path, &ann.access).await, 403).await;
        assert_eq!(body["detail"], "only managers may do this");
    }
    let block = app
        .post_as("/api/v1/users/1/block", &ann.access, &json!({}))
        .await;
    problem(block, 403).await;
}

#[tokio::test]
async fn a_manager_pages_through_users_and_searches_by_address() {
    let app = spawn_app_with_smtp().await;
    let manager = app.manager("mia@example.org").await;
    app.confirmed_user("ann@example.org").await;
    app.confirmed_user("bob@example.org").await;

    let page: Value = app
        .get_as("/api/v1/users?per_page=2", &manager.access)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(
        (
            page["total"].as_u64(),
            page["page"].as_u64(),
            page["per_page"].as_u64()
        ),
        (Some(3), Some(1), Some(2))
    );
    let emails: Vec<&str> = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|u| u["email"].as_str())
        .collect();
    assert_eq!(emails, ["mia@example.org", "ann@example.org"]);
    let second: Value = app
        .get_as("/api/v1/users?per_page=2&page=2", &manager.access)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(second["items"][0]["email"], "bob@example.org");

    let by_email_desc: Value = app
        .get_as("/api/v1/users?sort=-email", &manager.access)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(by_email_desc["items"][0]["email"], "mia@example.org");
    assert_eq!(by_email_desc["items"][2]["email"], "ann@example.org");
    problem(
        app.get_as("/api/v1/users?sort=password_hash", &manager.access)
            .await,
        422,
    )
    .await;

    let found: Value = app
        .get_as("/api/v1/users?q=BOB", &manager.access)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(found["total"], 1);
    assert_eq!(found["items"][0]["email"], "bob@example.org");
    let wildcard: Value = app
        .get_as("/api/v1/users?q=%25", &manager.access)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(wildcard["total"], 0, "% is searched literally");

    let bad = app
        .get_as("/api/v1/users?per_page=500", &manager.access)
        .await;
    let body = problem(bad, 422).await;
    assert_eq!(
        body["errors"][0]["message"],
        "per_page must be between 1 and 200"
    );
    let missing = app.get_as("/api/v1/users/999999", &manager.access).await;
    problem(missing, 404).await;
}

#[tokio::test]
async fn blocking_locks_out_the_users_jwt_refresh_token_and_api_token_at_once() {
    let app = spawn_app_with_smtp().await;
    let manager = app.manager("mia@example.org").await;
    let ann = app.confirmed_user("ann@example.org").await;
    let api_token: Value = app
        .post_as("/api/v1/me/tokens", &ann.access, &json!({"name": "script"}))
        .await
        .json()
        .await
        .expect("JSON");
    let api_token = api_token["token"].as_str().expect("token").to_owned();
    let me: Value = app
        .get_as("/api/v1/me", &ann.access)
        .await
        .json()
        .await
        .expect("JSON");
    let id = me["id"].as_i64().expect("id");

    let blocked = app
        .post_as(
            &format!("/api/v1/users/{id}/block"),
            &manager.access,
            &json!({}),
        )
        .await;
    assert_eq!(blocked.status().as_u16(), 200);
    let blocked: Value = blocked.json().await.expect("JSON");
    assert_eq!(blocked["state"], "blocked");

    for credential in [&ann.access, &api_token] {
        let body = problem(app.get_as("/api/v1/me", credential).await, 403).await;
        assert_eq!(body["type"], "urn:mailroom:problem:account-blocked");
    }
    let body = problem(app.refresh_with(&ann.refresh).await, 403).await;
    assert_eq!(body["type"], "urn:mailroom:problem:account-blocked");
    let body = problem(app.login("ann@example.org", PASSWORD).await, 403).await;
    assert_eq!(body["type"], "urn:mailroom:problem:account-blocked");

    let unblocked = app
        .post_as(
            &format!("/api/v1/users/{id}/unblock"),
            &manager.access,
            &json!({}),
        )
        .await;
    assert_eq!(unblocked.status().as_u16(), 200);
    assert_eq!(
        app.get_as("/api/v1/me", &api_token).await.status().as_u16(),
        200
    );
    app.session("ann@example.org", PASSWORD).await;
}

#[tokio::test]
async fn a_manager_cannot_block_themself_or_another_manager() {
    let app = spawn_app_with_smtp().await;
    let mia = app.manager("mia@example.org").await;
    app.manager("max@example.org").await;
    let users: Value = app
        .get_as("/api/v1/users", &mia.access)
        .await
        .json()
        .await
        .expect("JSON");
    let id_of = |email: &str| {
        users["items"]
            .as_array()
            .and_then(|items| items.iter().find(|u| u["email"] == email))
            .and_then(|u| u["id"].as_i64())
            .expect("listed")
    };

    let own = app
        .post_as(
            &format!("/api/v1/users/{}/block", id_of("mia@example.org")),
            &mia.access,
            &json!({}),
        )
        .await;
    let body = problem(own, 403).await;
    assert_eq!(body["detail"], "managers cannot block themselves");
    let other = app
        .post_as(
            &format!("/api/v1/users/{}/block", id_of("max@example.org")),
            &mia.access,
            &json!({}),
        )
        .await;
    let body = problem(other, 403).await;
    assert_eq!(body["detail"], "managers cannot block other managers");
    let max = app.session("max@example.org", PASSWORD).await;
    assert_eq!(
        app.get_as("/api/v1/me", &max.access)
            .await
            .status()
            .as_u16(),
        200
    );
}

#[tokio::test]
async fn a_role_change_takes_effect_on_the_next_request_without_a_new_token() {
    let app = spawn_app_with_smtp().await;
    let ann = app.confirmed_user("ann@example.org").await;
    problem(app.get_as("/api/v1/users", &ann.access).await, 403).await;

    mailroom_api::auth::admin::set_role(
        &app.pool,
        &app.cache,
        "ann@example.org",
        mailroom_domain::Role::Manager,
        app.clock_now(),
    )
    .await
    .expect("promoted");

    assert_eq!(
        app.get_as("/api/v1/users", &ann.access)
            .await
            .status()
            .as_u16(),
        200
    );
}

#[tokio::test]
async fn unblocking_an_account_that_never_confirmed_leaves_it_unconfirmed() {
    let app = spawn_app_with_smtp().await;
    let mia = app.manager("mia@example.org").await;
    assert_eq!(
        app.register("ann@example.org", PASSWORD)
            .await
            .status()
            .as_u16(),
        202
    );
    let users: Value = app
        .get_as("/api/v1/users?q=ann", &mia.access)
        .await
        .json()
        .await
        .expect("JSON");
    let id = users["items"][0]["id"].as_i64().expect("listed");

    app.post_as(
        &format!("/api/v1/users/{id}/block"),
        &mia.access,
        &json!({}),
    )
    .await;
    let unblocked: Value = app
        .post_as(
            &format!("/api/v1/users/{id}/unblock"),
            &mia.access,
            &json!({}),
        )
        .await
        .json()
        .await
        .expect("JSON");

    assert_eq!(unblocked["state"], "unconfirmed");
    let body = problem(app.login("ann@example.org", PASSWORD).await, 403).await;
    assert_eq!(body["type"], "urn:mailroom:problem:account-unconfirmed");
}
