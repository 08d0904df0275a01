use serde_json::{Value, json};

use crate::accounts::PASSWORD;
use crate::helpers::{problem, spawn_app_with_smtp};

const NEW_PASSWORD: &str = "a brand new passphrase";

#[tokio::test]
async fn a_password_reset_link_sets_the_password_and_ends_every_session() {
    let app = spawn_app_with_smtp().await;
    let old = app.confirmed_user("ann@example.org").await;
    let api_token: Value = app
        .post_as(
            "/api/v1/me/tokens",
            &old.access,
            &json!({"name": "made with a stolen password?"}),
        )
        .await
        .json()
        .await
        .expect("JSON");
    let api_token = api_token["token"].as_str().expect("token").to_owned();

    let asked = app
        .post_json(
            "/api/v1/auth/password-reset",
            &json!({"email": "ann@example.org"}),
        )
        .await;
    assert_eq!(asked.status().as_u16(), 202);
    let mail = app.mail().nth("ann@example.org", 2).await;
    assert_eq!(mail.subject, "Reset your Mailroom password");
    let token = mail.token_for("/reset-password").expect("reset link");

    let weak = app
        .post_json(
            "/api/v1/auth/password-reset/confirm",
            &json!({"token": token, "new_password": "short"}),
        )
        .await;
    let body = problem(weak, 422).await;
    assert_eq!(body["errors"][0]["field"], "new_password");

    let reset = app
        .post_json(
            "/api/v1/auth/password-reset/confirm",
            &json!({"token": token, "new_password": NEW_PASSWORD}),
        )
        .await;
    assert_eq!(reset.status().as_u16(), 200);

    // The access token and the refresh token from before the reset stop working.
    let body = problem(app.get_as("/api/v1/me", &old.access).await, 401).await;
    assert_eq!(body["type"], "urn:mailroom:problem:session-ended");
    // The refresh says why too, so a browser that only renews can tell the person.
    let body = problem(app.refresh_with(&old.refresh).await, 401).await;
    assert_eq!(body["type"], "urn:mailroom:problem:session-ended");
    problem(app.get_as("/api/v1/me", &api_token).await, 401).await;
    // Only the new password signs in, and the link worked once.
    problem(app.login("ann@example.org", PASSWORD).await, 401).await;
    app.session("ann@example.org", NEW_PASSWORD).await;
    let again = app
        .post_json(
            "/api/v1/auth/password-reset/confirm",
            &json!({"token": token, "new_password": "yet another password"}),
        )
        .await;
    let body = problem(again, 400).await;
    assert_eq!(body["type"], "urn:mailroom:problem:token-used");
}

#[tokio::test]
async fn a_reset_for_an_unknown_address_answers_the_same_and_sends_nothing() {
    let app = spawn_app_with_smtp().await;

    let asked = app
        .post_json(
            "/api/v1/auth/password-reset",
            &json!({"email": "nobody@example.org"}),
        )
        .await;

    assert_eq!(asked.status().as_u16(), 202);
    let body: Value = asked.json().await.expect("JSON");
    assert_eq!(
        body["message"],
        "If this address has an account, a link to choose a new password is on its way."
    );
    assert!(app.mail_so_far().await.is_empty());
    let malformed = app
        .post_json("/api/v1/auth/password-reset", &json!({"email": "nope"}))
        .await;
    problem(malformed, 422).await;
}

#[tokio::test]
async fn changing_the_password_needs_the_current_one_and_renews_the_session() {
    let app = spawn_app_with_smtp().await;
    let session = app.confirmed_user("ann@example.org").await;

    let wrong = app
        .post_as(
            "/api/v1/me/password",
            &session.access,
            &json!({"current_password": "not my password", "new_password": NEW_PASSWORD}),
        )
        .await;
    let body = problem(wrong, 422).await;
    assert_eq!(body["errors"][0]["field"], "current_password");
    app.session("ann@example.org", PASSWORD).await;

    let changed = app
        .post_as(
            "/api/v1/me/password",
            &session.access,
            &json!({"current_password": PASSWORD, "new_password": NEW_PASSWORD}),
        )
        .await;
    assert_eq!(changed.status().as_u16(), 200);
    let fresh: Value = changed.json().await.expect("JSON");
    let fresh_access = fresh["access_token"].as_str().expect("new access token");

    assert_eq!(
        app.get_as("/api/v1/me", fresh_access)
            .await
            .status()
            .as_u16(),
        200
    );
    problem(app.get_as("/api/v1/me", &session.access).await, 401).await;
    let body = problem(app.refresh_with(&session.refresh).await, 401).await;
    assert_eq!(
        body["type"], "urn:mailroom:problem:session-ended",
        "a session ended by the password change says so when it is renewed"
    );
    // A session signed out of is refused without that reason.
    let other = app.session("ann@example.org", NEW_PASSWORD).await;
    let out = app
        .post_json(
            "/api/v1/auth/logout",
            &json!({"refresh_token": other.refresh}),
        )
        .await;
    assert!(out.status().is_success(), "{}", out.status());
    let body = problem(app.refresh_with(&other.refresh).await, 401).await;
    assert_ne!(body["type"], "urn:mailroom:problem:session-ended");
}

#[tokio::test]
async fn the_full_name_can_be_changed_but_not_blanked() {
    let app = spawn_app_with_smtp().await;
    let session = app.confirmed_user("ann@example.org").await;

    let blank = app
        .client
        .patch(app.url("/api/v1/me"))
        .bearer_auth(&session.access)
        .json(&json!({"full_name": "   "}))
        .send()
        .await
        .expect("sent");
    let body = problem(blank, 422).await;
    assert_eq!(body["errors"][0]["field"], "full_name");

    let renamed = app
        .client
        .patch(app.url("/api/v1/me"))
        .bearer_auth(&session.access)
        .json(&json!({"full_name": " Ann Lee-Smith "}))
        .send()
        .await
        .expect("sent");
    assert_eq!(renamed.status().as_u16(), 200);
    let me: Value = app
        .get_as("/api/v1/me", &session.access)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(me["full_name"], "Ann Lee-Smith");
}
